/**
 * Reading tensor elements as float64 numbers, for statistics and comparisons.
 *
 * @module
 */
import type { DType } from './dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from './half.js';
import type { Tensor } from './tensor.js';

const NUMERIC: ReadonlySet<DType> = new Set(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL']);

/** True when the dtype's elements can be read as real numbers (not FP8/FP4/FP6 bit formats, not complex). */
export function isNumericDType(dtype: DType): boolean {
  return NUMERIC.has(dtype);
}

/**
 * Calls `fn(value, index)` for every element as a float64 (64-bit integers are rounded to the
 * nearest double). Returns false, calling nothing, for dtypes that are not numeric.
 */
export function forEachNumber(t: Tensor, fn: (value: number, index: number) => void): boolean {
  if (!isNumericDType(t.dtype)) return false;
  const data = t.data;
  const n = data.length;
  if (t.dtype === 'F16') {
    for (let i = 0; i < n; i++) fn(float16BitsToFloat32(Number(data[i])), i);
  } else if (t.dtype === 'BF16') {
    for (let i = 0; i < n; i++) fn(bfloat16BitsToFloat32(Number(data[i])), i);
  } else {
    for (let i = 0; i < n; i++) fn(Number(data[i]), i);
  }
  return true;
}

/** Every element as a Float64Array, or `undefined` for non-numeric dtypes. */
export function toFloat64Array(t: Tensor): Float64Array | undefined {
  if (!isNumericDType(t.dtype)) return undefined;
  const out = new Float64Array(t.numel);
  forEachNumber(t, (v, i) => {
    out[i] = v;
  });
  return out;
}
