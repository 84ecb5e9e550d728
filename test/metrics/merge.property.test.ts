/**
 * Property: for any data and any split of it into batches, the metrics of the merged per-batch
 * states (serialised to JSON and back, merged in any order, by the metric or by the states'
 * declared reductions alone) are exactly the one-shot metrics.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AveragePrecision, ClassificationMetrics, F1Score, LogLoss, MedianAbsoluteError, R2Score, RegressionMetrics, RocAuc, mergeMetricStates,
  metricFromState, type ClassificationBatch, type MetricState,
} from '../../src/metrics/index.js';

const roundTrip = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

/** Cut `n` samples at the given fractions into contiguous parts (some may be empty). */
function parts(n: number, cuts: number[]): [number, number][] {
  const points = [0, ...cuts.map((c) => Math.floor(c * (n + 1))).map((c) => Math.min(c, n)).sort((a, b) => a - b), n];
  return points.slice(1).map((end, i) => [points[i] as number, end]);
}

const classification = fc.integer({ min: 2, max: 5 }).chain((k) =>
  fc.record({
    k: fc.constant(k),
    rows: fc.array(
      fc.record({
        y: fc.integer({ min: 0, max: k - 1 }),
        // Coarse weights make score ties common.
        w: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: k, maxLength: k }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
    order: fc.array(fc.nat(), { maxLength: 6 }),
  }),
);

function batchOf(k: number, rows: { y: number; w: number[] }[]): ClassificationBatch {
  return {
    yTrue: rows.map((r) => r.y),
    scores: rows.map((r) => {
      const total = r.w.reduce((a, b) => a + b, 0);
      return total === 0 ? r.w.map(() => 1 / k) : r.w.map((x) => x / total);
    }),
  };
}

function shuffled<T>(items: T[], order: number[]): T[] {
  const out = items.slice();
  order.forEach((o, i) => {
    const a = i % out.length;
    const b = o % out.length;
    [out[a], out[b]] = [out[b] as T, out[a] as T];
  });
  return out;
}

describe('merging states of any split equals the one-shot result', () => {
  it('ClassificationMetrics (counts, exact log-loss sum, kept scores)', () => {
    fc.assert(
      fc.property(classification, ({ k, rows, cuts, order }) => {
        const oneShot = new ClassificationMetrics({ numClasses: k, zeroDivision: 0 }).update(batchOf(k, rows)).compute();
        const states = parts(rows.length, cuts).map(([a, b]) => roundTrip(new ClassificationMetrics({ numClasses: k }).update(batchOf(k, rows.slice(a, b))).state()));
        const merged = new ClassificationMetrics({ numClasses: k, zeroDivision: 0 });
        for (const s of shuffled(states, order)) merged.loadMerged(s);
        expect(merged.compute()).toEqual(oneShot);
      }),
      { numRuns: 150 },
    );
  });

  it('single metrics: F1, log loss, ROC AUC, average precision (rebuilt with metricFromState)', () => {
    fc.assert(
      fc.property(classification, ({ k, rows, cuts, order }) => {
        const make = () => [new F1Score({ numClasses: k, average: 'macro', zeroDivision: 1 }), new LogLoss({ numClasses: k }), new RocAuc({ numClasses: k }), new AveragePrecision({ numClasses: k })];
        const oneShot = make().map((m) => m.update(batchOf(k, rows)).compute());
        const pieces = shuffled(parts(rows.length, cuts), order);
        const merged = make().map((m, j) => {
          for (const [a, b] of pieces) {
            const part = make()[j]?.update(batchOf(k, rows.slice(a, b)));
            if (part) m.loadMerged(metricFromState(roundTrip(part.state())).state());
          }
          return m.compute();
        });
        expect(merged).toEqual(oneShot);
        // The same, merging only the JSON states by their declared reductions.
        const byReductions = make().map((_, j) => {
          const states = pieces.map(([a, b]) => roundTrip(make()[j]?.update(batchOf(k, rows.slice(a, b))).state()) as MetricState);
          return metricFromState(states.reduce((x, y) => mergeMetricStates(x, y))).compute();
        });
        expect(byReductions).toEqual(oneShot);
      }),
      { numRuns: 100 },
    );
  });

  const value = fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.integer({ min: -5, max: 5 }),
    fc.double({ min: 1000, max: 1000.001, noNaN: true }),
  );

  it('RegressionMetrics (exact sums, kept absolute errors)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 80 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pairs, cuts, order) => {
          const yTrue = pairs.map((p) => p[0]);
          const yPred = pairs.map((p) => p[1]);
          const oneShot = new RegressionMetrics().update({ yTrue, yPred }).compute();
          const merged = new RegressionMetrics();
          for (const [a, b] of shuffled(parts(pairs.length, cuts), order)) {
            const part = new RegressionMetrics().update({ yTrue: yTrue.slice(a, b), yPred: yPred.slice(a, b) });
            merged.loadMerged(roundTrip(part.state()));
          }
          expect(merged.compute()).toEqual(oneShot);
          const r2 = new R2Score();
          for (const [a, b] of parts(pairs.length, cuts)) r2.merge(new R2Score().update({ yTrue: yTrue.slice(a, b), yPred: yPred.slice(a, b) }));
          expect(Object.is(r2.compute(), oneShot.r2) || (Number.isNaN(r2.compute()) && Number.isNaN(oneShot.r2))).toBe(true);
          const medianStates = parts(pairs.length, cuts).map(([a, b]) => roundTrip(new MedianAbsoluteError().update({ yTrue: yTrue.slice(a, b), yPred: yPred.slice(a, b) }).state()) as MetricState);
          expect(metricFromState(shuffled(medianStates, order).reduce((x, y) => mergeMetricStates(x, y))).compute()).toBe(oneShot.median_absolute_error);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('update() over many batches equals one update() over all of them', () => {
    fc.assert(
      fc.property(classification, ({ k, rows, cuts }) => {
        const oneShot = new ClassificationMetrics({ numClasses: k }).update(batchOf(k, rows)).compute();
        const streamed = new ClassificationMetrics({ numClasses: k });
        for (const [a, b] of parts(rows.length, cuts)) streamed.update(batchOf(k, rows.slice(a, b)));
        expect(streamed.compute()).toEqual(oneShot);
      }),
      { numRuns: 100 },
    );
  });
});
