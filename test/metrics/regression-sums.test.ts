/**
 * The native regression kernel (native/regression-sums.c) against the JavaScript sums it replaces:
 * the same exact sums, bit for bit, for every kernel this CPU runs, any thread count, every mask,
 * and data chosen to take each of its paths (one pass, new ladders, value by value, overflow).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/metrics/exact-sum.js';
import { R2Score, RegressionMetrics } from '../../src/metrics/index.js';
import { addRegressionSums, SUM, type RegressionSumTargets } from '../../src/metrics/regression-sums.js';
import { nativeAddon } from '../../src/util/native.js';
import { prng } from '../helpers/random.js';

const addon = nativeAddon();
const ALL = SUM.sq | SUM.y | SUM.y2 | SUM.d | SUM.d2 | SUM.abs | SUM.ape | SUM.max;
const R2 = SUM.sq | SUM.y | SUM.y2;
const MASKS = [R2, ALL, SUM.sq, SUM.abs | SUM.max, SUM.y | SUM.y2 | SUM.d | SUM.d2, SUM.ape];

/** The kernels this CPU runs ('base' always; the x86 ones where supported). */
function kernels(): string[] {
  if (!addon) return [];
  const y = new Float64Array(1);
  return ['base', 'avx2', 'avx512'].filter((k) => {
    try {
      addon.regressionSums(y, y, R2, 1, k);
      return true;
    } catch {
      return false;
    }
  });
}

function targets(): RegressionSumTargets {
  return [new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum()];
}

/** The sums' states and max |d|, computed natively or in JavaScript. */
function sums(y: Float64Array, p: Float64Array, mask: number, options: Parameters<typeof addRegressionSums>[5]): string[] {
  const t = targets();
  const max = addRegressionSums(y, p, mask, t, 0, options);
  return [String(max), ...t.map((s) => s.state())];
}

type Generator = (r: () => number) => number;
const GENERATORS: Record<string, Generator> = {
  uniform: (r) => 10 * r() - 5,
  integers: (r) => Math.floor(r() * 10),
  'wide exponents': (r) => (r() - 0.5) * 2 ** Math.floor(r() * 200 - 100),
  'near overflow': (r) => (r() - 0.5) * 2 ** Math.floor(r() * 40 + 980),
  subnormal: (r) => (r() - 0.5) * 2 ** Math.floor(r() * 60 - 1090),
  'zeros and signs': (r) => (r() < 0.2 ? 0 : r() < 0.1 ? -0 : r() < 0.5 ? (r() - 0.5) * 1e-200 : r() * 1e10),
  'one outlier per block': (() => {
    let i = 0;
    return (r: () => number) => (++i % 1500 === 0 ? 1e-30 : r() + 1);
  })(),
  'scale grows': (() => {
    let i = 0;
    return (r: () => number) => (r() - 0.5) * 2 ** Math.floor(i++ / 700);
  })(),
};

function data(gen: Generator, n: number, seed: number): { y: Float64Array; p: Float64Array } {
  const r = prng(seed);
  const y = Float64Array.from({ length: n }, () => gen(r));
  const p = Float64Array.from(y, (v) => (r() < 0.3 ? v : r() < 0.5 ? gen(r) : v + gen(r) * 1e-3));
  return { y, p };
}

describe('native regression sums', () => {
  it('are available wherever the addon is (CI requires it)', () => {
    if (process.env.CI === 'true') expect(addon?.regressionSums).toBeTypeOf('function');
    if (process.env.CI === 'true' && process.arch === 'x64') expect(kernels()).toContain('avx2');
  });

  describe.runIf(addon)('equal the JavaScript sums bit for bit', () => {
    for (const [name, gen] of Object.entries(GENERATORS)) {
      it(`${name}: every kernel, thread count and mask`, () => {
        for (const n of [0, 1, 7, 1023, 1024, 1025, 5000, 20_000]) {
          const { y, p } = data(gen, n, n + name.length);
          for (const mask of MASKS) {
            const expected = sums(y, p, mask, { native: false });
            for (const kernel of kernels()) {
              for (const threads of [1, 2, 3]) {
                expect(sums(y, p, mask, { kernel, threads }), `${name} n=${n} mask=${mask} ${kernel} x${threads}`).toEqual(expected);
              }
            }
          }
        }
      });
    }

    it('for arbitrary doubles (property)', () => {
      const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
      fc.assert(
        fc.property(fc.array(fc.tuple(finite, finite), { maxLength: 2100 }), fc.constantFrom(...MASKS), fc.integer({ min: 1, max: 3 }), (pairs, mask, threads) => {
          const y = Float64Array.from(pairs, ([a]) => a);
          const p = Float64Array.from(pairs, ([, b]) => b);
          const expected = sums(y, p, mask, { native: false });
          for (const kernel of kernels()) expect(sums(y, p, mask, { kernel, threads })).toEqual(expected);
        }),
        { numRuns: 60 },
      );
    });

    it('does not depend on how a large batch is split over threads', () => {
      const { y, p } = data(GENERATORS.uniform as Generator, 300_000, 9);
      const one = sums(y, p, ALL, { threads: 1 });
      expect(sums(y, p, ALL, { threads: 2 })).toEqual(one);
      expect(sums(y, p, ALL, { threads: 4 })).toEqual(one);
      expect(sums(y, p, ALL, { native: false })).toEqual(one);
    });

    it("stays exact when every value sits at its ladder's bound with one sign (the running sums' worst case)", () => {
      const r = prng(5);
      const y = Float64Array.from({ length: 300_000 }, () => 1.9999 + r() * 1e-4);
      const p = Float64Array.from(y, (v) => -v);
      const expected = sums(y, p, ALL, { native: false });
      for (const kernel of kernels()) expect(sums(y, p, ALL, { kernel, threads: 1 }), kernel).toEqual(expected);
    });

    it('reports a NaN or an infinity with the JavaScript error, and adds nothing', () => {
      for (const [i, bad] of [[0, NaN], [1500, Infinity], [4999, -Infinity]] as const) {
        for (const side of ['y_true', 'y_pred'] as const) {
          const { y, p } = data(GENERATORS.uniform as Generator, 5000, 3);
          (side === 'y_true' ? y : p)[i] = bad;
          const metric = new RegressionMetrics().update({ yTrue: [1, 2, 3], yPred: [1, 2, 4] });
          const before = JSON.stringify(metric.state());
          expect(() => metric.update({ yTrue: y, yPred: p })).toThrow(expect.objectContaining({ code: 'E_NAN_INPUT', message: `${side}[${i}] is ${bad}; metrics need finite numbers` }));
          expect(JSON.stringify(metric.state())).toBe(before);
        }
      }
    });

    it('R² on 1M samples matches the JavaScript path exactly', () => {
      const { y, p } = data(GENERATORS.uniform as Generator, 1_000_000, 4);
      const native = new RegressionMetrics({ metrics: ['r2'] }).update({ yTrue: y, yPred: p }).state();
      const t = targets();
      addRegressionSums(y, p, R2, t, 0, { native: false });
      expect([native.sumSq, native.sumY, native.sumY2]).toEqual([t[0].state(), t[1].state(), t[2].state()]);
      expect(new R2Score().update({ yTrue: y, yPred: p }).compute()).toBe(new RegressionMetrics({ metrics: ['r2'] }).loadMerged(native).compute().r2);
    });

    it('rejects bad arguments and kernels it does not know', () => {
      const a = addon as NonNullable<typeof addon>;
      const y = new Float64Array(4);
      expect(() => a.regressionSums(y, new Float64Array(3), R2, 1)).toThrow(TypeError);
      expect(() => a.regressionSums(y, new Float32Array(4) as unknown as Float64Array, R2, 1)).toThrow(TypeError);
      expect(() => a.regressionSums(y, y, 1 << 9, 1)).toThrow(TypeError);
      expect(() => a.regressionSums(y, y, R2, 1, 'sse9')).toThrow(/does not run/);
    });
  });
});
