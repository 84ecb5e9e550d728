/**
 * ROC AUC and average precision of one binary problem, from its scores sorted with their
 * classes. Ties are grouped like scikit-learn's `_binary_clf_curve` (one threshold
 * per distinct score). The AUC is computed from integer counts and rounded once, so it is the
 * exact area; average precision sums scikit-learn's per-threshold terms exactly.
 *
 * @module
 */
import { ExactSum } from './exact-sum.js';
import { npMean, npWeightedAverage } from './reduce.js';
import { sortFloat64 } from './sort.js';

/** Scores of one binary problem sorted ascending, each with its class (1 = positive). */
export interface RankedScores {
  readonly values: Float64Array;
  readonly positive: Uint8Array;
  /** Number of positives. */
  readonly positives: number;
}

const MAX_BUCKETS = 1 << 20;
const INSERTION_MAX = 48;

/**
 * Sorts `scores[i * stride + column]` ascending, carrying `isPositive(i)` along: one counting
 * pass into value buckets (a monotone map of the score range), one scatter, then each bucket is
 * sorted in cache (insertion sort; a large bucket from a skewed distribution is split by class,
 * radix-sorted and merged).
 */
export function rankScores(scores: Float64Array, stride: number, column: number, isPositive: (i: number) => boolean): RankedScores {
  const n = scores.length / stride;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = scores[i * stride + column] as number;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const buckets = Math.max(1, Math.min(MAX_BUCKETS, n >>> 2));
  const range = max - min;
  const scale = buckets > 1 && range > 0 && Number.isFinite(range) ? (buckets - 1) / range : 0;
  const starts = new Int32Array(buckets + 1);
  // floor((x - min) * scale) never decreases as x grows (each step rounds monotonically). It is
  // recomputed in the scatter pass rather than stored: arithmetic is cheaper than memory here.
  for (let i = 0; i < n; i++) {
    const b = Math.floor(((scores[i * stride + column] as number) - min) * scale);
    starts[b + 1] = (starts[b + 1] as number) + 1;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  const values = new Float64Array(n);
  const positive = new Uint8Array(n);
  const next = starts.slice(0, buckets);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const x = scores[i * stride + column] as number;
    const b = Math.floor((x - min) * scale);
    const at = next[b] as number;
    next[b] = at + 1;
    values[at] = x;
    const pos = isPositive(i) ? 1 : 0;
    positive[at] = pos;
    positives += pos;
  }
  for (let b = 0; b < buckets; b++) {
    const lo = starts[b] as number;
    const hi = starts[b + 1] as number;
    if (hi - lo <= 1) continue;
    if (hi - lo <= INSERTION_MAX) insertionSort(values, positive, lo, hi);
    else sortLarge(values, positive, lo, hi);
  }
  return { values, positive, positives };
}

function insertionSort(v: Float64Array, c: Uint8Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = v[i] as number;
    const cx = c[i] as number;
    let j = i - 1;
    while (j >= lo && (v[j] as number) > x) {
      v[j + 1] = v[j] as number;
      c[j + 1] = c[j] as number;
      j--;
    }
    v[j + 1] = x;
    c[j + 1] = cx;
  }
}

/** Sorts a large range by class: each class sorted on its own, then merged (positives first on ties). */
function sortLarge(v: Float64Array, c: Uint8Array, lo: number, hi: number): void {
  let p = 0;
  for (let i = lo; i < hi; i++) p += c[i] as number;
  const pos = new Float64Array(p);
  const neg = new Float64Array(hi - lo - p);
  let a = 0;
  let b = 0;
  for (let i = lo; i < hi; i++) {
    if (c[i] === 1) pos[a++] = v[i] as number;
    else neg[b++] = v[i] as number;
  }
  sortFloat64(pos);
  sortFloat64(neg);
  a = 0;
  b = 0;
  for (let i = lo; i < hi; i++) {
    const takePos = b >= neg.length || (a < pos.length && (pos[a] as number) <= (neg[b] as number));
    v[i] = takePos ? (pos[a++] as number) : (neg[b++] as number);
    c[i] = takePos ? 1 : 0;
  }
}

/**
 * Area under the ROC curve: P(score of a positive > score of a negative) + 0.5 P(equal).
 * NaN when there are no positives or no negatives (scikit-learn raises there).
 */
export function rocAucRanked({ values, positive, positives }: RankedScores): number {
  const n = values.length;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  // twiceU = sum over positives of 2 * (#negatives below) + (#negatives equal). Integer-valued.
  let twiceU = 0;
  let below = 0;
  let i = 0;
  while (i < n) {
    const x = values[i] as number;
    let gp = 0;
    let gn = 0;
    while (i < n && values[i] === x) {
      if (positive[i] === 1) gp++;
      else gn++;
      i++;
    }
    twiceU += gp * (2 * below + gn);
    below += gn;
  }
  if (twiceU <= Number.MAX_SAFE_INTEGER) return twiceU / (2 * positives * negatives);
  return twiceU / 2 / positives / negatives;
}

/**
 * Average precision (scikit-learn's step-function integral: sum over thresholds, from the
 * highest score down, of `(R_i - R_{i-1}) * P_i`). With no positives recall is taken as 1
 * everywhere, which gives 0.
 */
export function averagePrecisionRanked({ values, positive, positives }: RankedScores): number {
  let i = values.length - 1;
  let tps = 0;
  let fps = 0;
  let prevRecall = 0;
  const terms = new Float64Array(values.length);
  let count = 0;
  while (i >= 0) {
    const x = values[i] as number;
    while (i >= 0 && values[i] === x) {
      if (positive[i] === 1) tps++;
      else fps++;
      i--;
    }
    const recall = positives === 0 ? 1 : tps / positives;
    const precision = tps / (tps + fps);
    // scikit-learn computes -(R_{i-1} - R_i) * P_i; negation is exact, so the terms are identical.
    terms[count++] = (prevRecall - recall) * precision;
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
    const ranked = rankScores(scores, k, c, (i) => labels[i] === c);
    auc.push(rocAucRanked(ranked));
    ap.push(averagePrecisionRanked(ranked));
    support.push(ranked.positives);
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
