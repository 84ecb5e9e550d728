/**
 * CRC-32 (ISO-HDLC, the zip checksum) through `@node-rs/crc32`, which folds with carry-less
 * multiplication (about 5 GiB/s here, 2.5x Node's `zlib.crc32`). Where its prebuilt binary is
 * missing for the platform, Node's `zlib.crc32` computes the same value.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

type Crc32Fn = (data: Uint8Array, initial?: number) => number;

function loadFast(): Crc32Fn | undefined {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32: Crc32Fn };
    return mod.crc32;
  } catch {
    return undefined;
  }
}

const fast = loadFast();

/** Which implementation {@link crc32} uses. */
export const crc32Implementation: '@node-rs/crc32' | 'node:zlib' = fast === undefined ? 'node:zlib' : '@node-rs/crc32';

/** CRC-32 of `data`, continuing from `crc` (default 0, a fresh checksum). Unsigned 32-bit. */
export function crc32(data: Uint8Array, crc = 0): number {
  return (fast === undefined ? zlibCrc32(data, crc) : fast(data, crc)) >>> 0;
}
