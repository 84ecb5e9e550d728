import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Crc32c, crc32c, crc32cHex, crc32cImplementation } from '../../src/util/crc32c.js';

const fastCrc32c = createRequire(import.meta.url)('fast-crc32c') as { calculate(data: Uint8Array, crc?: number): number };

describe('crc32c', () => {
  it('uses the prebuilt hardware implementation', () => {
    if (process.env.CI === 'true') expect(crc32cImplementation).toBe('@node-rs/crc32');
  });

  it('has the CRC-32C check value and 0 for no bytes', () => {
    expect(crc32cHex(crc32c(new TextEncoder().encode('123456789')))).toBe('e3069283');
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('equals fast-crc32c on any bytes and any split, and the incremental form agrees', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.nat(), (bytes, at) => {
        const cut = at % (bytes.length + 1);
        const whole = fastCrc32c.calculate(bytes) >>> 0;
        expect(crc32c(bytes)).toBe(whole);
        expect(crc32c(bytes.subarray(cut), crc32c(bytes.subarray(0, cut)))).toBe(whole);
        expect(new Crc32c().update(bytes.subarray(0, cut)).update(bytes.subarray(cut)).digest()).toBe(whole);
      }),
      { numRuns: 500 },
    );
  });
});
