/**
 * Element-wise closeness of two tensors of the same dtype and shape, as `numpy.isclose`:
 * `|a - b| <= atol + rtol * |b|`, with NaN equal to NaN and infinities equal only to themselves.
 *
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import { toFloat64Array } from '../tensor/values.js';

/**
 * How many elements of `a` and `b` (same dtype and shape) are not close. Non-numeric dtypes
 * (FP8/FP4 bit formats, complex) are compared byte for byte: any differing byte counts.
 */
export function countNotClose(a: Tensor, b: Tensor, atol: number, rtol: number): number {
  const va = toFloat64Array(a);
  const vb = toFloat64Array(b);
  if (va === undefined || vb === undefined) {
    let n = 0;
    for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) n++;
    return n;
  }
  let n = 0;
  for (let i = 0; i < va.length; i++) {
    const x = va[i] ?? 0;
    const y = vb[i] ?? 0;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) n++;
  }
  return n;
}
