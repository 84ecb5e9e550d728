import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../src/util/native.js';
import { copyPairs, PARALLEL_COPY_FROM_BYTES } from '../../src/util/parallel-copy.js';
import { prng } from '../helpers/random.js';

function randomBytes(n: number, random: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 97) b[i] = Math.floor(random() * 256);
  b[n - 1] = 7;
  return b;
}

describe('copyPairs', () => {
  it('copies many buffers of odd sizes at odd offsets exactly, above and below the parallel threshold', () => {
    const random = prng(9);
    for (const total of [1000, PARALLEL_COPY_FROM_BYTES * 2 + 12_345]) {
      const sizes = [0, 1, 3, total >> 3, total >> 1, 17];
      const srcBacking = randomBytes(total + 64, random);
      const dstBacking = new Uint8Array(total + 64);
      const pairs: [Uint8Array, Uint8Array][] = [];
      let at = 1; // misaligned on purpose
      for (const n of sizes) {
        pairs.push([dstBacking.subarray(at, at + n), srcBacking.subarray(at + 2, at + 2 + n)]);
        at += n;
      }
      copyPairs(pairs);
      for (const [dst, src] of pairs) expect(Buffer.compare(dst, src)).toBe(0);
      expect(dstBacking[0]).toBe(0); // nothing written outside the pairs
      expect(dstBacking[at]).toBe(0);
    }
  });

  it('refuses pairs of different lengths before copying anything', () => {
    const dst = new Uint8Array(4);
    expect(() => copyPairs([[dst, new Uint8Array([1, 2, 3, 4])], [new Uint8Array(2), new Uint8Array(3)]])).toThrow(TypeError);
    expect(Array.from(dst)).toEqual([0, 0, 0, 0]);
  });

  it.runIf(nativeAddon() !== undefined)('the native copy splits one large copy over threads without overlap or gaps', () => {
    const src = new Uint8Array(3 * 2 ** 20 + 5).map((_, i) => (i * 31) & 255);
    for (const threads of [1, 2, 3, 7]) {
      const dst = new Uint8Array(src.length);
      nativeAddon()?.copy([[dst.subarray(0, 10), src.subarray(0, 10)], [dst.subarray(10), src.subarray(10)]], threads);
      expect(Buffer.compare(dst, src), `${threads} threads`).toBe(0);
    }
    expect(() => nativeAddon()?.copy([[new Uint8Array(2), new Uint16Array(1) as unknown as Uint8Array]], 2)).toThrow(/Uint8Arrays of the same length/);
  });
});
