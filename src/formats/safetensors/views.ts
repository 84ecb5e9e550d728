/**
 * Turning validated byte ranges into tensors: zero-copy views when the bytes sit aligned to the
 * element size, aligned copies when they do not (files from writers older than safetensors 0.3).
 *
 * @module
 */
import { DTYPE_BITS } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import type { SafetensorsEntry } from './types.js';

/** Alignment a dtype's typed-array view needs, in bytes. C64 is viewed as Float32Array. */
export function viewAlignment(entry: Pick<SafetensorsEntry, 'dtype'>): number {
  const bits = DTYPE_BITS[entry.dtype];
  if (entry.dtype === 'C64') return 4;
  return bits >= 8 ? bits / 8 : 1;
}

/**
 * The tensor of `entry`, whose bytes start at `byteOffset` inside `buffer` (already validated to
 * hold them). A view when aligned, a copy otherwise.
 */
export function tensorAt(entry: SafetensorsEntry, buffer: Uint8Array, byteOffset: number): Tensor {
  const length = entry.end - entry.begin;
  const bytes = buffer.subarray(byteOffset, byteOffset + length);
  const aligned = (bytes.byteOffset % viewAlignment(entry)) === 0;
  return new Tensor(entry.dtype, entry.shape, aligned ? bytes : bytes.slice());
}
