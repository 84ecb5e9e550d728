/**
 * The Tensor: a dtype, a shape and little-endian C-order bytes, with a typed-array view.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { DTYPE_BITS, dtypeOfTypedArray, viewConstructor, type DType, type DTypeArrays } from './dtype.js';

/** A shape: one non-negative integer per dimension; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape; throws `E_VALIDATION_OVERFLOW` past 2^53 and `E_SHAPE` on a bad dimension. */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CkptError('E_SHAPE', `shape ${JSON.stringify(shape)} has a dimension that is not a non-negative integer`);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new CkptError('E_VALIDATION_OVERFLOW', `shape ${JSON.stringify(shape)} has more than 2^53 elements`);
  }
  return n;
}

/** Bytes taken by `shape` elements of `dtype`; throws `E_MISALIGNED_SLICE` when sub-byte elements do not fill whole bytes. */
export function byteLengthOf(dtype: DType, shape: Shape): number {
  const bits = numel(shape) * DTYPE_BITS[dtype];
  if (!Number.isSafeInteger(bits)) throw new CkptError('E_VALIDATION_OVERFLOW', `shape ${JSON.stringify(shape)} of ${dtype} overflows`);
  if (bits % 8 !== 0) throw new CkptError('E_MISALIGNED_SLICE', `${numel(shape)} elements of ${dtype} do not fill whole bytes`);
  return bits / 8;
}

/** A tensor. `bytes` are the little-endian, C-order (row-major) element bytes. */
export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: Shape;
  readonly bytes: Uint8Array;

  /** Wraps existing bytes (no copy). Throws `E_SHAPE` when their length does not match dtype and shape. */
  constructor(dtype: D, shape: Shape, bytes: Uint8Array) {
    const expected = byteLengthOf(dtype, shape);
    if (bytes.byteLength !== expected) {
      throw new CkptError('E_SHAPE', `${dtype}${JSON.stringify(shape)} needs ${expected} bytes, got ${bytes.byteLength}`);
    }
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.bytes = bytes;
  }

  /** Builds a tensor from a typed array (no copy) or plain numbers/bigints/booleans (copied into a new array). */
  static from<D extends DType>(dtype: D, shape: Shape, values: ArrayBufferView | ArrayLike<number | bigint | boolean>): Tensor<D> {
    if (ArrayBuffer.isView(values)) {
      return new Tensor(dtype, shape, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    const Ctor = viewConstructor(dtype);
    const n = numel(shape);
    const perElement = dtype === 'C64' ? 2 : 1;
    if (values.length !== n * perElement) {
      throw new CkptError('E_SHAPE', `${dtype}${JSON.stringify(shape)} needs ${n * perElement} values, got ${values.length}`);
    }
    if (DTYPE_BITS[dtype] < 8) throw new CkptError('E_DTYPE', `${dtype} tensors can only be built from raw bytes`);
    const arr = new Ctor(n * perElement);
    const big = arr instanceof BigInt64Array || arr instanceof BigUint64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      (arr as unknown as Record<number, number | bigint>)[i] = big ? BigInt(typeof v === 'boolean' ? Number(v) : (v ?? 0)) : Number(v ?? 0);
    }
    return new Tensor(dtype, shape, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  }

  /** Builds a tensor whose dtype follows the typed array (Float32Array -> F32, ...); shape defaults to 1-d. */
  static fromTypedArray(values: ArrayBufferView, shape?: Shape): Tensor {
    const dtype = dtypeOfTypedArray(values);
    const n = values.byteLength / (DTYPE_BITS[dtype] / 8);
    return Tensor.from(dtype, shape ?? [n], values);
  }

  /** A zero-filled tensor. */
  static zeros<D extends DType>(dtype: D, shape: Shape): Tensor<D> {
    return new Tensor(dtype, shape, new Uint8Array(byteLengthOf(dtype, shape)));
  }

  /** Number of elements. */
  get numel(): number {
    return numel(this.shape);
  }

  /** Number of bytes. */
  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /**
   * The elements as a typed array: a zero-copy view when the bytes are aligned to the element
   * size, a copy otherwise. F16/BF16 are raw bits (see `half.ts` to convert), C64 interleaves re/im.
   */
  get data(): DTypeArrays[D] {
    const Ctor = viewConstructor(this.dtype);
    const size = Ctor.BYTES_PER_ELEMENT;
    const b = this.bytes;
    if (b.byteOffset % size === 0) return new Ctor(b.buffer, b.byteOffset, b.byteLength / size) as DTypeArrays[D];
    const copy = new Uint8Array(b.byteLength);
    copy.set(b);
    return new Ctor(copy.buffer, 0, b.byteLength / size) as DTypeArrays[D];
  }

  /** A tensor with copied bytes, independent of the buffer this one views. */
  clone(): Tensor<D> {
    return new Tensor(this.dtype, this.shape, this.bytes.slice());
  }

  /** True when dtype, shape and bytes are all equal. */
  equals(other: Tensor): boolean {
    if (other.dtype !== this.dtype || other.shape.length !== this.shape.length) return false;
    if (this.shape.some((d, i) => d !== other.shape[i])) return false;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
      .equals(Buffer.from(other.bytes.buffer, other.bytes.byteOffset, other.bytes.byteLength));
  }

  /** A short description, e.g. `F32[2,3]`. */
  toString(): string {
    return `${this.dtype}[${this.shape.join(',')}]`;
  }
}

/** True when `v` is a {@link Tensor}. */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
