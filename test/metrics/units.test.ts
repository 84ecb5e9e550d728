/**
 * The building blocks: exact summation, the bucket sort, Python-style rounding, input forms,
 * metric directions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  Accuracy, AveragePrecision, BalancedAccuracy, CohenKappa, ConfusionMatrix, ExactSum, ExplainedVariance, F1Score, FBetaScore, LogLoss,
  MatthewsCorrCoef, MaxError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MedianAbsoluteError, Precision, R2Score,
  Recall, RocAuc, RootMeanSquaredError, TopKAccuracy, classificationMetrics, formatFixed, metricDirection, ClassificationMetrics, RegressionMetrics, regressionMetrics,
} from '../../src/metrics/index.js';
import { floatToUnits, scaledBigToNumber } from '../../src/metrics/exact-sum.js';
import { sortFloat64 } from '../../src/metrics/sort.js';
import { rankScores, rocAucRanked, rocAucScores } from '../../src/metrics/ranking.js';

describe('ExactSum', () => {
  it('is the exact sum, rounded once', () => {
    const s = new ExactSum();
    for (const x of [1e100, 1, -1e100, 2 ** -1074, -(2 ** -1074), 0.1, 0.2]) s.add(x);
    expect(s.value()).toBe(1.3);
  });

  it('equals a BigInt reference sum for any values, in any order, and survives its JSON state', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), { maxLength: 200 }), (xs) => {
        const exact = xs.reduce((a, x) => a + floatToUnits(x), 0n);
        const forward = new ExactSum();
        for (const x of xs) forward.add(x);
        const backward = new ExactSum();
        for (const x of xs.slice().reverse()) backward.add(x);
        expect(forward.value()).toBe(scaledBigToNumber(exact, -1074));
        expect(ExactSum.fromState(backward.state()).value()).toBe(forward.value());
      }),
    );
  });

  it('adds squares exactly', () => {
    const s = new ExactSum();
    s.addSquare(1 + 2 ** -30);
    s.add(-1);
    s.add(-(2 ** -29));
    expect(s.value()).toBe(2 ** -60);
  });
});

describe('sortFloat64', () => {
  it('sorts like the native sort (ties, negatives, -0, wide ranges), above the bucketing threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4096, max: 20000 }), fc.integer(), fc.constantFrom('ties', 'uniform', 'wide', 'skewed'), (n, seed, kind) => {
        let state = seed >>> 0;
        const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const u = rand();
          a[i] = kind === 'ties' ? Math.floor(u * 7) - 3 : kind === 'uniform' ? u : kind === 'wide' ? (u - 0.5) * 10 ** Math.floor(rand() * 600 - 300) : u ** 40;
        }
        a[0] = -0;
        const want = a.slice().sort();
        const got = sortFloat64(a.slice());
        let same = true;
        for (let i = 0; i < n && same; i++) same = got[i] === want[i];
        expect(same).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('rocAucScores (bucketed pair counting)', () => {
  it('equals the AUC of the fully sorted scores: ties, skew, signed zeros, one big tie, multiclass columns', () => {
    let seed = 7;
    const r = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(r() * (trial % 3 === 0 ? 40000 : 300));
      const mode = trial % 5;
      const y = new Int32Array(n);
      const s = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const p = r();
        s[2 * i] = mode === 0 ? Math.round(p * 10) / 10 : mode === 1 ? p ** 8 : mode === 2 ? (p < 0.5 ? -0 : 0) : mode === 3 ? (p < 0.9 ? 0.5 : p) : p;
        s[2 * i + 1] = r();
        y[i] = r() < 0.3 + 0.4 * p ? 1 : 0;
      }
      for (const column of [0, 1]) {
        const want = rocAucRanked(rankScores(s, 2, column, (i) => y[i] === 1));
        expect(rocAucScores(s, 2, column, y, 1)).toBe(want);
        expect(rocAucScores(s.filter((_, j) => j % 2 === column), 1, 0, y, 1)).toBe(want);
      }
    }
  });
});

describe('formatFixed (Python format, ties to even on the exact binary value)', () => {
  it.each([
    [0.125, 2, '0.12'], [0.375, 2, '0.38'], [2.5, 0, '2'], [0.6666666666666666, 2, '0.67'], [1, 4, '1.0000'], [0.005, 2, '0.01'], [0.015, 2, '0.01'],
  ])('format(%s, .%sf) = %s', (x, d, want) => {
    expect(formatFixed(x, d)).toBe(want);
  });
});

describe('input forms give the same metrics', () => {
  const yTrue = [0, 1, 2, 2, 1, 0];
  const yPred = [0, 2, 2, 1, 1, 0];
  const probs = [[0.8, 0.1, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.1, 0.5, 0.4], [0.3, 0.4, 0.3], [0.5, 0.25, 0.25]];
  const reference = classificationMetrics(yTrue, yPred, { numClasses: 3 });

  it('typed arrays, tensors, probability rows, flat matrices and logits', () => {
    const forms = [
      classificationMetrics(Int32Array.from(yTrue), Float32Array.from(yPred), { numClasses: 3 }),
      classificationMetrics(Tensor.from('I64', [6], yTrue.map(BigInt)), Tensor.from('U8', [6], yPred), { numClasses: 3 }),
      classificationMetrics(yTrue, probs),
      classificationMetrics(yTrue, Tensor.from('F32', [6, 3], probs.flat())),
      classificationMetrics(yTrue, { data: probs.flat(), cols: 3 }),
      classificationMetrics(yTrue, probs.map((r) => r.map((p) => Math.log(p) + 7)), { logits: true }),
    ];
    for (const f of forms) {
      expect(f.confusion_matrix).toEqual(reference.confusion_matrix);
      expect(f.f1_macro).toBe(reference.f1_macro);
    }
  });

  it('binary: 1-d positive-class probabilities threshold at 0.5 (0 for logits)', () => {
    const p = [0.2, 0.7, 0.5, 0.9];
    expect(classificationMetrics([0, 1, 0, 1], undefined, { scores: p }).confusion_matrix).toEqual([[2, 0], [0, 2]]);
    expect(classificationMetrics([0, 1, 0, 1], undefined, { scores: [-1, 2, 0, 3], logits: true }).confusion_matrix).toEqual([[2, 0], [0, 2]]);
  });
});

describe('regression edge cases', () => {
  it('a constant y_true is constant even when its mean is inexact in float64 (R² and EV follow force_finite)', () => {
    const r = regressionMetrics([0.1, 0.1, 0.1], [0.1, 0.2, 0.1]);
    expect([r.r2, r.explained_variance]).toEqual([0, 0]);
    expect(regressionMetrics([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]).r2).toBe(1);
  });
});

describe('states in checkpoints', () => {
  it('fromState(JSON) continues where the saved metrics stopped', () => {
    const a = new ClassificationMetrics({ numClasses: 3 }).update({ yTrue: [0, 1, 2, 2], scores: [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]] });
    const resumed = ClassificationMetrics.fromState(JSON.parse(JSON.stringify(a.state())));
    const batch = { yTrue: [1, 0], scores: [[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]] };
    expect(resumed.update(batch).compute()).toEqual(a.update(batch).compute());
    const r = new RegressionMetrics().update({ yTrue: [1, 2, 3.5], yPred: [1.5, 2, 3] });
    const rr = RegressionMetrics.fromState(JSON.parse(JSON.stringify(r.state())));
    expect(rr.update({ yTrue: [0.1], yPred: [0.2] }).compute()).toEqual(r.update({ yTrue: [0.1], yPred: [0.2] }).compute());
  });
});

describe('directions', () => {
  it('every metric says whether higher is better', () => {
    const k = { numClasses: 3 };
    const up = [new Accuracy(k), new BalancedAccuracy(k), new Precision(k), new Recall(k), new F1Score(k), new FBetaScore({ ...k, beta: 2 }),
      new MatthewsCorrCoef(k), new CohenKappa(k), new TopKAccuracy(k), new RocAuc(k), new AveragePrecision(k), new R2Score(), new ExplainedVariance()];
    const down = [new LogLoss(k), new MeanSquaredError(), new RootMeanSquaredError(), new MeanAbsoluteError(), new MeanAbsolutePercentageError(),
      new MaxError(), new MedianAbsoluteError()];
    for (const m of up) expect([m.name, m.higherIsBetter]).toEqual([m.name, true]);
    for (const m of down) expect([m.name, m.higherIsBetter]).toEqual([m.name, false]);
    expect(new ConfusionMatrix(k).higherIsBetter).toBeNull();
    for (const m of [...up, ...down]) expect(metricDirection(m.name)).toBe(m.higherIsBetter ? 'max' : 'min');
  });

  it.each([
    ['val_acc', 'max'], ['val_accuracy', 'max'], ['accuracy', 'max'], ['f1_macro', 'max'], ['val/f1', 'max'], ['test_roc_auc', 'max'],
    ['top_5_accuracy', 'max'], ['r2', 'max'], ['best_val_acc', 'max'], ['loss', 'min'], ['val_loss', 'min'], ['train/loss_epoch', 'min'],
    ['mse', 'min'], ['val_mae', 'min'], ['log_loss', 'min'], ['error', 'min'], ['lr', undefined], ['epoch', undefined],
  ] as const)('metricDirection(%s) = %s', (name, want) => {
    expect(metricDirection(name)).toBe(want);
  });
});
