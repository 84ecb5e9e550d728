/**
 * Tensor element types: the safetensors set, with their sizes and their JavaScript views.
 *
 * @module
 */
import { CkptError } from '../errors.js';

/** Every dtype ckpt knows, spelled as in safetensors headers. */
export const DTYPES = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ',
  'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
] as const;

/** A dtype name, e.g. `"F32"`. */
export type DType = (typeof DTYPES)[number];

/** Bits per element of each dtype. */
export const DTYPE_BITS: Readonly<Record<DType, number>> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  F8_E4M3FNUZ: 8, F8_E5M2FNUZ: 8, I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32,
  C64: 64, F64: 64, I64: 64, U64: 64,
};

/** Position of each dtype in the safetensors enum (its sort order: increasing alignment). */
export const DTYPE_ORDER: Readonly<Record<DType, number>> = Object.fromEntries(
  DTYPES.map((d, i) => [d, i]),
) as Record<DType, number>;

const DTYPE_SET: ReadonlySet<string> = new Set(DTYPES);

/** True when `s` is a known dtype name. */
export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && DTYPE_SET.has(s);
}

/** Returns `s` as a DType or throws `E_DTYPE`. */
export function parseDType(s: unknown): DType {
  if (isDType(s)) return s;
  throw new CkptError('E_DTYPE', `unknown dtype ${JSON.stringify(s)}; known dtypes: ${DTYPES.join(', ')}`);
}

/** Bytes per element, for dtypes of 8 bits or more (sub-byte dtypes throw `E_DTYPE`). */
export function dtypeByteSize(dtype: DType): number {
  const bits = DTYPE_BITS[dtype];
  if (bits % 8 !== 0) throw new CkptError('E_DTYPE', `${dtype} has ${bits} bits per element: no whole byte size`);
  return bits / 8;
}

/** The typed array each dtype is viewed as. F16/BF16 are raw bits in a Uint16Array; C64 is interleaved (re, im) f32. */
export interface DTypeArrays {
  F64: Float64Array; F32: Float32Array; F16: Uint16Array; BF16: Uint16Array;
  I64: BigInt64Array; I32: Int32Array; I16: Int16Array; I8: Int8Array;
  U64: BigUint64Array; U32: Uint32Array; U16: Uint16Array; U8: Uint8Array;
  BOOL: Uint8Array; C64: Float32Array;
  F8_E5M2: Uint8Array; F8_E4M3: Uint8Array; F8_E8M0: Uint8Array; F8_E4M3FNUZ: Uint8Array; F8_E5M2FNUZ: Uint8Array;
  F4: Uint8Array; F6_E2M3: Uint8Array; F6_E3M2: Uint8Array;
}

/** Any typed array a tensor may be viewed as. */
export type TypedArray = DTypeArrays[DType];

interface TypedArrayCtor {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  new (length: number): TypedArray;
}

const VIEW_CTORS: Readonly<Record<DType, TypedArrayCtor>> = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array,
  I64: BigInt64Array, I32: Int32Array, I16: Int16Array, I8: Int8Array,
  U64: BigUint64Array, U32: Uint32Array, U16: Uint16Array, U8: Uint8Array,
  BOOL: Uint8Array, C64: Float32Array,
  F8_E5M2: Uint8Array, F8_E4M3: Uint8Array, F8_E8M0: Uint8Array, F8_E4M3FNUZ: Uint8Array, F8_E5M2FNUZ: Uint8Array,
  F4: Uint8Array, F6_E2M3: Uint8Array, F6_E3M2: Uint8Array,
};

/** The typed-array class used to view a dtype's bytes. */
export function viewConstructor(dtype: DType): TypedArrayCtor {
  return VIEW_CTORS[dtype];
}

/** The dtype a typed array holds by default (Uint16Array -> U16, Float32Array -> F32, ...). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType {
  if (a instanceof Float64Array) return 'F64';
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof BigInt64Array) return 'I64';
  if (a instanceof BigUint64Array) return 'U64';
  if (a instanceof Int32Array) return 'I32';
  if (a instanceof Uint32Array) return 'U32';
  if (a instanceof Int16Array) return 'I16';
  if (a instanceof Uint16Array) return 'U16';
  if (a instanceof Int8Array) return 'I8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'U8';
  throw new CkptError('E_DTYPE', `no dtype for ${a.constructor.name}`);
}
