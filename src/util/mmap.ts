/**
 * Memory-mapped reads through ckpt's native addon (`native/mmap.c`, see `util/native`). A map is
 * private and copy-on-write: the caller may write into the returned bytes, and the file never changes. Without the addon, or where a map fails (a file
 * system without mmap, address space exhausted), callers read into memory instead; nothing else
 * differs.
 *
 * A file that another process truncates in place while mapped loses the pages past its new end:
 * they read as zeros (the addon's SIGBUS handler swaps in zero pages instead of letting the process
 * die) and {@link mapDamaged} turns true. ckpt never rewrites a committed file in place, so maps of
 * a checkpoint are stable; a loose file that is overwritten in place (`torch.save` to the same path)
 * is not, and is better read with `mmap: false` while a writer is running.
 *
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { nativeAddon, nativeSupport } from './native.js';

/** Whether memory-mapped reads are available here; `reason` says why not. */
export function mmapSupport(): { available: boolean; reason?: string } {
  return nativeSupport();
}

/** Largest single map (one ArrayBuffer); callers map larger regions in pieces, or read them. */
export const MAX_MAP_BYTES = bufferConstants.MAX_LENGTH;

/**
 * Maps `length` bytes of the open file `fd` from `position` (any byte offset), privately and
 * copy-on-write, and returns exactly those bytes; `undefined` when maps are unavailable or the map
 * fails, so the caller reads instead. The caller must have checked that the file is at least
 * `position + length` bytes long. The map lives as long as any view of the returned bytes.
 */
export function mapFileRange(fd: number, position: number, length: number): Uint8Array | undefined {
  const native = nativeAddon();
  if (native === undefined) return undefined;
  if (length === 0) return new Uint8Array(0);
  const start = position - (position % native.pageSize);
  const lead = position - start;
  if (lead + length > MAX_MAP_BYTES) return undefined;
  try {
    return new Uint8Array(native.map(fd, start, lead + length), lead, length);
  } catch {
    return undefined;
  }
}

/** True once a page of the map behind `bytes` was lost because the file was truncated under it. */
export function mapDamaged(bytes: Uint8Array): boolean {
  const native = nativeAddon();
  return native !== undefined && bytes.buffer instanceof ArrayBuffer && native.damaged(bytes.buffer);
}
