/**
 * ROC AUC and average precision of one binary problem, from the sorted scores of its positive
 * and negative samples. Ties are grouped like scikit-learn's `_binary_clf_curve` (one threshold
 * per distinct score). The AUC is computed from integer counts and rounded once, so it is the
 * exact area; average precision sums scikit-learn's per-threshold terms exactly.
 *
 * @module
 */
import { ExactSum } from './exact-sum.js';
import { npMean, npWeightedAverage } from './reduce.js';
import { sortFloat64 } from './sort.js';

/** Scores of one binary problem split by true class, each sorted ascending. */
export interface SortedBinaryScores {
  readonly positives: Float64Array;
  readonly negatives: Float64Array;
}

/** Splits `scores[i * stride + column]` by whether `isPositive(i)`, then sorts both parts. */
export function splitAndSort(scores: Float64Array, stride: number, column: number, isPositive: (i: number) => boolean): SortedBinaryScores {
  const rows = scores.length / stride;
  let p = 0;
  for (let i = 0; i < rows; i++) if (isPositive(i)) p++;
  const positives = new Float64Array(p);
  const negatives = new Float64Array(rows - p);
  let a = 0;
  let b = 0;
  for (let i = 0; i < rows; i++) {
    const x = scores[i * stride + column] as number;
    if (isPositive(i)) positives[a++] = x;
    else negatives[b++] = x;
  }
  return { positives: sortFloat64(positives), negatives: sortFloat64(negatives) };
}

/**
 * Area under the ROC curve: P(score of a positive > score of a negative) + 0.5 P(equal).
 * NaN when there are no positives or no negatives (scikit-learn raises there).
 */
export function rocAucSorted({ positives, negatives }: SortedBinaryScores): number {
  const np = positives.length;
  const nn = negatives.length;
  if (np === 0 || nn === 0) return NaN;
  // twiceU = sum over positives of 2 * (#negatives below) + (#negatives equal). Integer-valued.
  let twiceU = 0;
  let j = 0;
  let i = 0;
  while (i < np) {
    const v = positives[i] as number;
    while (j < nn && (negatives[j] as number) < v) j++;
    let ties = 0;
    while (j + ties < nn && negatives[j + ties] === v) ties++;
    let group = 0;
    while (i < np && positives[i] === v) {
      i++;
      group++;
    }
    twiceU += group * (2 * j + ties);
  }
  if (twiceU <= Number.MAX_SAFE_INTEGER) return twiceU / (2 * np * nn);
  return twiceU / 2 / np / nn;
}

/**
 * Average precision (scikit-learn's step-function integral: sum over thresholds of
 * `(R_i - R_{i-1}) * P_i`). With no positives recall is taken as 1 everywhere, which gives 0.
 */
export function averagePrecisionSorted({ positives, negatives }: SortedBinaryScores): number {
  const np = positives.length;
  let i = np - 1;
  let j = negatives.length - 1;
  let tps = 0;
  let fps = 0;
  let prevRecall = 0;
  const terms = new Float64Array(np + negatives.length);
  let count = 0;
  while (i >= 0 || j >= 0) {
    const pv = i >= 0 ? (positives[i] as number) : -Infinity;
    const nv = j >= 0 ? (negatives[j] as number) : -Infinity;
    const v = i >= 0 && (j < 0 || pv >= nv) ? pv : nv;
    while (i >= 0 && positives[i] === v) {
      tps++;
      i--;
    }
    while (j >= 0 && negatives[j] === v) {
      fps++;
      j--;
    }
    const recall = np === 0 ? 1 : tps / np;
    const precision = tps / (tps + fps);
    // scikit-learn computes -(R_{i-1} - R_i) * P_i; negation is exact, so the terms are identical.
    const term = (prevRecall - recall) * precision;
    terms[count++] = term;
    prevRecall = recall;
  }
  const sum = new ExactSum();
  sum.addAll(terms.subarray(0, count));
  const v = -sum.value();
  return v === 0 ? 0 : v;
}

/** One-vs-rest ranking scores of a multiclass problem. */
export interface OvrRanking {
  /** Per-class ROC AUC (NaN for a class absent from y_true or present in every sample). */
  auc: number[];
  /** Per-class average precision (0 for a class absent from y_true). */
  ap: number[];
  /** Per-class number of true samples. */
  support: number[];
  /** True when every row of scores sums to 1 (scikit-learn's `np.allclose` check for multiclass AUC). */
  probabilities: boolean;
  /** Macro mean of `auc`; NaN unless `probabilities`. */
  aucMacro: number;
  /** Support-weighted mean of `auc`; NaN unless `probabilities`. */
  aucWeighted: number;
  /** Macro mean of `ap` (scikit-learn >= 1.3's multiclass `average_precision_score`). */
  apMacro: number;
}

/** One-vs-rest AUC and AP for each of `k` classes, from row-major `scores` (`labels.length x k`). */
export function ovrRanking(labels: Int32Array, scores: Float64Array, k: number): OvrRanking {
  const auc: number[] = [];
  const ap: number[] = [];
  const support: number[] = [];
  for (let c = 0; c < k; c++) {
    const sorted = splitAndSort(scores, k, c, (i) => labels[i] === c);
    auc.push(rocAucSorted(sorted));
    ap.push(averagePrecisionSorted(sorted));
    support.push(sorted.positives.length);
  }
  const probabilities = rowsSumToOne(scores, k);
  return {
    auc, ap, support, probabilities,
    aucMacro: probabilities ? npMean(auc) : NaN,
    aucWeighted: probabilities ? npWeightedAverage(auc, support) : NaN,
    apMacro: npMean(ap),
  };
}

/** scikit-learn's check for multiclass ROC AUC: `np.allclose(1, scores.sum(axis=1))`. */
function rowsSumToOne(scores: Float64Array, k: number): boolean {
  for (let i = 0; i < scores.length; i += k) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += scores[i + j] as number;
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum))) return false;
  }
  return true;
}
