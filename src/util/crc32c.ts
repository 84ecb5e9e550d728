/**
 * CRC32C (Castagnoli), the same checksum S3 verifies natively. Hardware-accelerated through
 * `@node-rs/crc32` (a prebuilt binary inside its npm package, nothing to compile); where that is
 * missing for the platform, through `fast-crc32c` (SSE4.2 when its addon was built, else a table).
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as FastCrc32c from 'fast-crc32c';

const require = createRequire(import.meta.url);

type Crc32cFn = (data: Uint8Array, crc: number) => number;

function loadImplementation(): { name: '@node-rs/crc32' | 'fast-crc32c'; fn: Crc32cFn } {
  try {
    const mod = require('@node-rs/crc32') as { crc32c: Crc32cFn };
    return { name: '@node-rs/crc32', fn: mod.crc32c };
  } catch {
    const fast = require('fast-crc32c') as typeof FastCrc32c;
    return { name: 'fast-crc32c', fn: (data, crc) => fast.calculate(data, crc) };
  }
}

const impl = loadImplementation();

/** Which implementation {@link crc32c} uses. */
export const crc32cImplementation = impl.name;

/** CRC32C of `data`, continuing from a previous `crc` (default 0, a fresh checksum). Unsigned 32-bit. */
export function crc32c(data: Uint8Array, crc = 0): number {
  return impl.fn(data, crc) >>> 0;
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
