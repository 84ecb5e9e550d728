/**
 * Precision, recall and F-beta from a confusion matrix, with scikit-learn 1.2's averaging
 * (`binary`, `micro`, `macro`, `weighted`, per class) and `zero_division` rules.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import type { ConfusionCounts } from './confusion.js';
import { npMean, npWeightedAverage } from './reduce.js';

/**
 * What to return for a ratio whose denominator is 0 (e.g. precision of a class never predicted):
 * `'warn'` returns 0 and records a warning, `0` and `1` return that value silently.
 */
export type ZeroDivision = 'warn' | 0 | 1;

/** How per-class scores are combined. `binary` reports the positive class only. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options of {@link precisionRecallFscore}. */
export interface PrfOptions {
  /** The classes to report and average over. Default: classes present in y_true or y_pred. */
  labels?: readonly number[];
  /** Weight of recall in the F-score. Default: 1 (F1). */
  beta?: number;
  /** Value for 0/0 ratios. Default: `'warn'` (0 with a warning). */
  zeroDivision?: ZeroDivision;
  /** The positive class for `average: 'binary'`. Default: 1. */
  posLabel?: number;
}

/** Per-class precision, recall, F-score and support, in the order of `labels`. */
export interface PerClassPrf {
  labels: number[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
}

/** An averaged precision, recall and F-score. */
export interface AveragedPrf {
  precision: number;
  recall: number;
  fscore: number;
}

interface Sums {
  tp: number[];
  pred: number[];
  truth: number[];
}

function sums(c: ConfusionCounts, labels: readonly number[]): Sums {
  const k = c.numClasses;
  const tp: number[] = [];
  const pred: number[] = [];
  const truth: number[] = [];
  for (const l of labels) {
    let p = 0;
    let t = 0;
    for (let i = 0; i < k; i++) {
      p += c.counts[i * k + l] as number;
      t += c.counts[l * k + i] as number;
    }
    tp.push(c.counts[l * k + l] as number);
    pred.push(p);
    truth.push(t);
  }
  return { tp, pred, truth };
}

function divide(num: number[], den: number[], zeroDivision: ZeroDivision, what: string, warnings: string[]): number[] {
  let warned = false;
  const out = num.map((x, i) => {
    const d = den[i] as number;
    if (d !== 0) return x / d;
    if (zeroDivision === 'warn') warned = true;
    return zeroDivision === 1 ? 1 : 0;
  });
  if (warned) warnings.push(`${what} is ill-defined and set to 0.0 where there are no ${what === 'precision' ? 'predicted' : 'true'} samples; use zeroDivision to control this`);
  return out;
}

function fscores(precision: number[], recall: number[], beta: number): number[] {
  const beta2 = beta * beta;
  if (beta === Infinity) return recall.slice();
  return precision.map((p, i) => {
    const r = recall[i] as number;
    let denom = beta2 * p + r;
    if (denom === 0) denom = 1;
    return ((1 + beta2) * p * r) / denom;
  });
}

function checkLabels(c: ConfusionCounts, labels: readonly number[]): void {
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0 || l >= c.numClasses) {
      throw new CkptError('E_LABEL_RANGE', `label ${l} is not one of the ${c.numClasses} classes`);
    }
  }
}

/** Per-class precision, recall, F-beta and support (`average=None`). */
export function perClassPrf(c: ConfusionCounts, labels: readonly number[], options: PrfOptions = {}, warnings: string[] = []): PerClassPrf {
  checkLabels(c, labels);
  const zd = options.zeroDivision ?? 'warn';
  const s = sums(c, labels);
  const precision = divide(s.tp, s.pred, zd, 'precision', warnings);
  const recall = divide(s.tp, s.truth, zd, 'recall', warnings);
  return { labels: [...labels], precision, recall, fscore: fscores(precision, recall, options.beta ?? 1), support: s.truth };
}

/**
 * `precision_recall_fscore_support(..., average=...)`: precision, recall and F-beta averaged as
 * asked over `labels` (which must be the present labels or the user's choice). Warnings about
 * 0/0 ratios are appended to `warnings`.
 */
export function averagedPrf(c: ConfusionCounts, labels: readonly number[], average: Average, options: PrfOptions = {}, warnings: string[] = []): AveragedPrf {
  const zd = options.zeroDivision ?? 'warn';
  const beta = options.beta ?? 1;
  if (average === 'binary') {
    const pos = options.posLabel ?? 1;
    const one = perClassPrf(c, [pos], options, warnings);
    return { precision: one.precision[0] as number, recall: one.recall[0] as number, fscore: one.fscore[0] as number };
  }
  checkLabels(c, labels);
  const s = sums(c, labels);
  if (average === 'micro') {
    const total = (a: number[]) => [a.reduce((x, y) => x + y, 0)];
    const precision = divide(total(s.tp), total(s.pred), zd, 'precision', warnings);
    const recall = divide(total(s.tp), total(s.truth), zd, 'recall', warnings);
    return { precision: precision[0] as number, recall: recall[0] as number, fscore: fscores(precision, recall, beta)[0] as number };
  }
  const precision = divide(s.tp, s.pred, zd, 'precision', warnings);
  const recall = divide(s.tp, s.truth, zd, 'recall', warnings);
  const fscore = fscores(precision, recall, beta);
  if (average === 'macro') return { precision: npMean(precision), recall: npMean(recall), fscore: npMean(fscore) };
  const weightSum = s.truth.reduce((a, b) => a + b, 0);
  if (weightSum === 0) {
    const zdValue = zd === 1 ? 1 : 0;
    const predSum = s.pred.reduce((a, b) => a + b, 0);
    if (predSum === 0) return { precision: zdValue, recall: zdValue, fscore: zdValue };
    return { precision: 0, recall: zdValue, fscore: 0 };
  }
  return {
    precision: npWeightedAverage(precision, s.truth),
    recall: npWeightedAverage(recall, s.truth),
    fscore: npWeightedAverage(fscore, s.truth),
  };
}
