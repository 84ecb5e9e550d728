/**
 * Copying many buffers at once, on every core: the native addon splits the total bytes over up to
 * {@link COPY_THREADS} threads (one core cannot use all the memory bandwidth; two copy about twice
 * as fast here). Small copies, and machines without the addon, copy with `Uint8Array.set`.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { nativeAddon } from './native.js';

/** Threads a large copy is split over. */
export const COPY_THREADS = Math.max(1, Math.min(4, availableParallelism()));

/** Totals below this are copied on the calling thread (starting threads costs more than it saves). */
export const PARALLEL_COPY_FROM_BYTES = 8 * 2 ** 20;

/** Copies every `[dst, src]` pair (equal lengths; a mismatch throws a TypeError). */
export function copyPairs(pairs: readonly (readonly [Uint8Array, Uint8Array])[]): void {
  let total = 0;
  for (const [dst, src] of pairs) {
    if (dst.byteLength !== src.byteLength) throw new TypeError(`copy of ${src.byteLength} bytes into ${dst.byteLength}`);
    total += src.byteLength;
  }
  const native = nativeAddon();
  if (native !== undefined && COPY_THREADS > 1 && total >= PARALLEL_COPY_FROM_BYTES) {
    native.copy(pairs, COPY_THREADS);
    return;
  }
  for (const [dst, src] of pairs) dst.set(src);
}
