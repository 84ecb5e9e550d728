/**
 * Turns a tensor reference (dtype, shape, strides, offset into a storage) into a ckpt Tensor:
 * bounds-checked against the storage, zero-copy when the view is contiguous, gathered into
 * C order when it is strided, and byte-swapped when the file was written big-endian.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { DTYPE_BITS, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

/** The part of a tensor reference that rebuild needs. */
export interface ViewSpec {
  readonly dtype: DType;
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** Bytes each element of `dtype` takes; sub-byte dtypes cannot live in a torch storage. */
export function elementSize(dtype: DType): number {
  const bits = DTYPE_BITS[dtype];
  if (bits % 8 !== 0) throw new CkptError('E_UNSUPPORTED', `${dtype} has no whole-byte element size`);
  return bits / 8;
}

/** Size of the unit a big-endian file swaps: complex numbers swap each half. */
function swapUnit(dtype: DType): number {
  return dtype === 'C64' ? 4 : elementSize(dtype);
}

/** Element count of `shape`, or `E_LIMIT` past 2^53. */
export function countElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new CkptError('E_LIMIT', `shape ${JSON.stringify(shape)} has more than 2^53 elements`);
  }
  return n;
}

/** torch's contiguous strides for `shape` (a dimension of size 0 counts as 1). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= Math.max(shape[i] ?? 1, 1);
  }
  return out;
}

/** True when the view walks its elements in C order with no gaps. */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 0;
    if (d === 0) return true;
    if (d !== 1 && stride[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** Bytes the view's tensor needs, and checks that every element lies inside a storage of `storageBytes`. */
export function checkView(v: ViewSpec, storageBytes: number): number {
  const es = elementSize(v.dtype);
  const n = countElements(v.shape);
  const bytes = n * es;
  if (!Number.isSafeInteger(bytes)) throw new CkptError('E_LIMIT', `tensor ${v.dtype}${JSON.stringify(v.shape)} is too large`);
  if (n === 0) return 0;
  let last = v.storageOffset;
  for (let i = 0; i < v.shape.length; i++) last += ((v.shape[i] ?? 1) - 1) * (v.stride[i] ?? 0);
  if (!Number.isSafeInteger(last) || (last + 1) * es > storageBytes) {
    throw new CkptError('E_BAD_PICKLE', `tensor ${v.dtype}${JSON.stringify(v.shape)} with stride ${JSON.stringify(v.stride)} at offset ${v.storageOffset} reaches past its ${storageBytes}-byte storage`);
  }
  return bytes;
}

function byteSwap(bytes: Uint8Array, unit: number): void {
  if (unit === 1) return;
  for (let i = 0; i + unit <= bytes.length; i += unit) {
    for (let a = i, b = i + unit - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

/**
 * Builds the tensor of a view over `storage` (checked with {@link checkView} first). A contiguous
 * little-endian view shares the storage's memory, as torch tensors over one storage do.
 */
export function materialize(v: ViewSpec, storage: Uint8Array, bigEndian: boolean): Tensor {
  const nbytes = checkView(v, storage.byteLength);
  const es = elementSize(v.dtype);
  let out: Uint8Array;
  if (nbytes === 0) {
    out = new Uint8Array(0);
  } else if (isContiguous(v.shape, v.stride)) {
    const start = v.storageOffset * es;
    out = storage.subarray(start, start + nbytes);
    if (bigEndian) out = out.slice();
  } else {
    out = gather(v, storage, es, nbytes);
  }
  if (bigEndian) byteSwap(out, swapUnit(v.dtype));
  return new Tensor(v.dtype, v.shape, out);
}

/** Copies a strided view into C order, a run of the innermost dimension at a time when it is dense. */
function gather(v: ViewSpec, storage: Uint8Array, es: number, nbytes: number): Uint8Array {
  const out = new Uint8Array(nbytes);
  const rank = v.shape.length;
  const inner = v.shape[rank - 1] ?? 1;
  const innerStride = v.stride[rank - 1] ?? 1;
  const dense = innerStride === 1;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let w = 0;
  for (;;) {
    let base = v.storageOffset;
    for (let i = 0; i < rank - 1; i++) base += (idx[i] ?? 0) * (v.stride[i] ?? 0);
    if (dense) {
      out.set(storage.subarray(base * es, (base + inner) * es), w);
      w += inner * es;
    } else {
      for (let j = 0; j < inner; j++) {
        const src = (base + j * innerStride) * es;
        for (let k = 0; k < es; k++) out[w++] = storage[src + k] as number;
      }
    }
    let d = rank - 2;
    while (d >= 0) {
      const next = (idx[d] ?? 0) + 1;
      if (next < (v.shape[d] ?? 1)) {
        idx[d] = next;
        break;
      }
      idx[d] = 0;
      d--;
    }
    if (d < 0) return out;
  }
}
