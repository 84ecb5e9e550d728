/**
 * CRC32C (Castagnoli), hardware-accelerated through `fast-crc32c` (SSE4.2 when the native addon
 * is built, a software table otherwise). The same checksum S3 verifies natively.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as FastCrc32c from 'fast-crc32c';

const require = createRequire(import.meta.url);
const impl = require('fast-crc32c') as typeof FastCrc32c;

/** CRC32C of `data`, continuing from a previous `crc` (default 0, a fresh checksum). Unsigned 32-bit. */
export function crc32c(data: Uint8Array, crc = 0): number {
  return impl.calculate(data, crc) >>> 0;
}

/** Incremental CRC32C over a sequence of chunks. */
export class Crc32c {
  private value = 0;
  /** Adds a chunk. */
  update(chunk: Uint8Array): this {
    this.value = crc32c(chunk, this.value);
    return this;
  }
  /** The checksum of every chunk so far. */
  digest(): number {
    return this.value;
  }
}

/** A CRC32C as 8 lowercase hex digits, the form manifests store. */
export function crc32cHex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}
