import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Implementation } from '../../src/util/crc32.js';

describe('crc32 (zip CRC-32)', () => {
  it('uses the fast implementation (its prebuilt binary ships in the npm package)', () => {
    if (process.env.CI === 'true') expect(crc32Implementation).toBe('@node-rs/crc32');
  });

  it('has the check value of CRC-32/ISO-HDLC and 0 for no bytes', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('equals zlib on any bytes, at any offset, continued over any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const view = bytes.subarray(a % (bytes.length + 1));
        const cut = b % (view.length + 1);
        expect(crc32(view)).toBe(zlibCrc32(view) >>> 0);
        expect(crc32(view.subarray(cut), crc32(view.subarray(0, cut)))).toBe(zlibCrc32(view) >>> 0);
      }),
      { numRuns: 500 },
    );
  });
});
