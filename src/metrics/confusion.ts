/**
 * The confusion matrix and every score that is a function of it alone: accuracy, balanced
 * accuracy, Matthews correlation and Cohen's kappa, computed in scikit-learn 1.2's arithmetic.
 *
 * @module
 */
import { pairwiseSum } from './reduce.js';

/** Integer counts of a `k x k` confusion matrix, row = true class, column = predicted class. */
export interface ConfusionCounts {
  /** Number of classes `k`. */
  readonly numClasses: number;
  /** Row-major counts, length `k * k`; entry `[t * k + p]` counts samples of class t predicted as p. */
  readonly counts: Float64Array;
}

/** Adds one batch of labels into `counts` (labels must already be validated to be in range). */
export function accumulateConfusion(target: ConfusionCounts, yTrue: Int32Array, yPred: Int32Array): void {
  const k = target.numClasses;
  const counts = target.counts;
  if (k <= 256) {
    // Count into a dense Int32 table first: far fewer float stores per sample.
    const local = new Int32Array(k * k);
    for (let i = 0; i < yTrue.length; i++) {
      const cell = (yTrue[i] as number) * k + (yPred[i] as number);
      local[cell] = (local[cell] as number) + 1;
    }
    for (let i = 0; i < local.length; i++) counts[i] = (counts[i] as number) + (local[i] as number);
    return;
  }
  for (let i = 0; i < yTrue.length; i++) {
    const cell = (yTrue[i] as number) * k + (yPred[i] as number);
    counts[cell] = (counts[cell] as number) + 1;
  }
}

/** The labels that occur in `y_true` or `y_pred` (scikit-learn's `unique_labels`), ascending. */
export function presentLabels(c: ConfusionCounts): number[] {
  const k = c.numClasses;
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    let seen = false;
    for (let i = 0; i < k && !seen; i++) seen = (c.counts[j * k + i] as number) > 0 || (c.counts[i * k + j] as number) > 0;
    if (seen) out.push(j);
  }
  return out;
}

/** The sub-matrix for `labels` (rows and columns in that order), as nested arrays. */
export function confusionMatrixFor(c: ConfusionCounts, labels: readonly number[]): number[][] {
  const k = c.numClasses;
  return labels.map((t) => labels.map((p) => c.counts[t * k + p] as number));
}

/** Total number of samples counted. */
export function totalCount(c: ConfusionCounts): number {
  let n = 0;
  for (let i = 0; i < c.counts.length; i++) n += c.counts[i] as number;
  return n;
}

/** `accuracy_score`: correct predictions over all samples. */
export function accuracyFromConfusion(c: ConfusionCounts): number {
  const k = c.numClasses;
  let correct = 0;
  for (let i = 0; i < k; i++) correct += c.counts[i * k + i] as number;
  return correct / totalCount(c);
}

/** Row sums (true counts) and column sums (predicted counts) over `labels`. */
function marginals(m: number[][]): { trueSum: number[]; predSum: number[] } {
  const trueSum = m.map((row) => row.reduce((a, b) => a + b, 0));
  const predSum = m.map((_, j) => m.reduce((a, row) => a + (row[j] as number), 0));
  return { trueSum, predSum };
}

/**
 * `balanced_accuracy_score` (not adjusted): the mean recall over the classes present in
 * `y_true`; classes only predicted are left out (scikit-learn warns about them).
 */
export function balancedAccuracyFromConfusion(c: ConfusionCounts, warnings: string[]): number {
  const m = confusionMatrixFor(c, presentLabels(c));
  const { trueSum } = marginals(m);
  const perClass: number[] = [];
  m.forEach((row, i) => {
    const t = trueSum[i] as number;
    if (t > 0) perClass.push((row[i] as number) / t);
  });
  if (perClass.length < m.length) warnings.push('balanced_accuracy: y_pred contains classes not in y_true');
  return pairwiseSum(perClass) / perClass.length;
}

/** `matthews_corrcoef` (multiclass form; 0 when either marginal is constant). */
export function matthewsFromConfusion(c: ConfusionCounts): number {
  const m = confusionMatrixFor(c, presentLabels(c));
  const { trueSum, predSum } = marginals(m);
  const correct = m.reduce((a, row, i) => a + (row[i] as number), 0);
  const n = predSum.reduce((a, b) => a + b, 0);
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  const covYtYp = correct * n - dot(trueSum, predSum);
  const covYpYp = n ** 2 - dot(predSum, predSum);
  const covYtYt = n ** 2 - dot(trueSum, trueSum);
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/** `cohen_kappa_score` without weights (NaN when only one class occurs at all). */
export function cohenKappaFromConfusion(c: ConfusionCounts): number {
  const m = confusionMatrixFor(c, presentLabels(c));
  const k = m.length;
  const { trueSum, predSum } = marginals(m);
  const total = predSum.reduce((a, b) => a + b, 0);
  let observed = 0;
  const expected = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      observed += (m[i] as number[])[j] as number;
      // np.outer(sum0, sum1): sum0 = column sums (predicted), sum1 = row sums (true).
      expected[i * k + j] = ((predSum[i] as number) * (trueSum[j] as number)) / total;
    }
  }
  return 1 - observed / pairwiseSum(expected);
}
