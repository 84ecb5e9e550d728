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

/** One-vs-rest ROC AUC only (no ranking kept, no average precision): the same values as {@link ovrRanking}'s. */
export function ovrRocAuc(labels: Int32Array, scores: Float64Array, k: number): Pick<OvrRanking, 'auc' | 'support' | 'probabilities' | 'aucMacro' | 'aucWeighted'> {
  const auc: number[] = [];
  const support: number[] = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) support[labels[i] as number] = (support[labels[i] as number] as number) + 1;
  for (let c = 0; c < k; c++) auc.push(rocAucScores(scores, k, c, labels, c));
  const probabilities = rowsSumToOne(scores, k);
  return {
    auc, support, probabilities,
    aucMacro: probabilities ? npMean(auc) : NaN,
    aucWeighted: probabilities ? npWeightedAverage(auc, support) : NaN,
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

const AUC_PAIRWISE_MAX = 256;
/** Elements per coarse bucket aimed at (its fine pass then runs in cache). */
const COARSE_TARGET = 8192;
const MAX_COARSE = 512;

/**
 * ROC AUC of `scores[i * stride + column]` with `labels[i] === positiveLabel` as the positive
 * class, without sorting every score. Each score gets a fine bucket `floor((x - min) * scale)`, a
 * monotone map, so every score of a lower bucket is below every score of a higher one. Two
 * cache-friendly scatters group the scores: first by coarse bucket (the fine bucket's high bits),
 * positives and negatives apart, then each coarse bucket by fine bucket inside a small buffer.
 * Pairs in different fine buckets are counted from class counts; pairs in one fine bucket are
 * compared directly (small) or by sorting each class and merging (large, from a skewed
 * distribution). Counts the same integer `2U` as {@link rocAucRanked}, so the result is identical.
 */
export function rocAucScores(
  scores: Float64Array, stride: number, column: number, labels: Int32Array, positiveLabel: number,
  /** `[min, max]` of the scores when the caller knows it (one pass less). */
  knownRange?: readonly [number, number],
): number {
  // Each pass is its own small function: V8 then optimises each one with its own type feedback
  // (one long function with several hot loops deoptimises at every loop it has not run yet).
  const n = labels.length;
  const [min, max] = knownRange !== undefined && n > 0 ? knownRange : scanScores(scores, stride, column, labels.length);
  let coarseBits = 0;
  while ((1 << coarseBits) < MAX_COARSE && (n >>> coarseBits) > COARSE_TARGET) coarseBits++;
  const coarse = 1 << coarseBits;
  let fineBits = 0;
  while ((n >>> (coarseBits + fineBits + 2)) > 1) fineBits++;
  const fine = 1 << fineBits;
  const total = coarse * fine;
  const width = max - min;
  const scale = total > 1 && width > 0 && Number.isFinite(width) ? (total - 1) / width : 0;
  // Coarse pass: slot 2c holds the positives of coarse bucket c and slot 2c + 1 its negatives,
  // so `at[2c] <= at[2c + 1] <= at[2c + 2]` bound them in `grouped` after the prefix sum.
  // Branch-free on the class (a 50/50 class branch mispredicts half the time).
  const at = new Int32Array(2 * coarse + 1);
  countCoarse(scores, stride, column, labels, positiveLabel, min, scale, fineBits, at);
  let positives = 0;
  let largest = 0;
  for (let c = 0; c < coarse; c++) {
    const p = at[2 * c + 1] as number;
    const q = at[2 * c + 2] as number;
    positives += p;
    largest = Math.max(largest, p + q);
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  for (let s = 0; s < 2 * coarse; s++) at[s + 1] = (at[s + 1] as number) + (at[s] as number);
  const grouped = new Float64Array(n);
  scatterCoarse(scores, stride, column, labels, positiveLabel, min, scale, fineBits, at.slice(0, 2 * coarse), grouped);
  const fp: FinePass = {
    min, scale, mask: fine - 1, buf: new Float64Array(largest), keys: new Int32Array(largest),
    posCount: new Int32Array(fine), negCount: new Int32Array(fine), posCur: new Int32Array(fine), negCur: new Int32Array(fine),
    twiceU: 0, below: 0,
  };
  for (let c = 0; c < coarse; c++) {
    const q0 = at[2 * c + 1] as number;
    finePass(fp, grouped, at[2 * c] as number, q0, grouped, q0, at[2 * c + 2] as number);
  }
  const twiceU = fp.twiceU;
  if (twiceU <= Number.MAX_SAFE_INTEGER) return twiceU / (2 * positives * negatives);
  return twiceU / 2 / positives / negatives;
}

/** [min, max] of `scores[i * stride + column]`, i < n. */
function scanScores(scores: Float64Array, stride: number, column: number, n: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0, j = column; i < n; i++, j += stride) {
    const x = scores[j] as number;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

function countCoarse(
  scores: Float64Array, stride: number, column: number, labels: Int32Array, positiveLabel: number,
  min: number, scale: number, fineBits: number, at: Int32Array,
): void {
  for (let i = 0, j = column; i < labels.length; i++, j += stride) {
    // floor((x - min) * scale) never decreases as x grows (each step rounds monotonically).
    const c = Math.floor(((scores[j] as number) - min) * scale) >>> fineBits;
    const s = 2 * c + 2 - Number(labels[i] === positiveLabel);
    at[s] = (at[s] as number) + 1;
  }
}

function scatterCoarse(
  scores: Float64Array, stride: number, column: number, labels: Int32Array, positiveLabel: number,
  min: number, scale: number, fineBits: number, next: Int32Array, out: Float64Array,
): void {
  for (let i = 0, j = column; i < labels.length; i++, j += stride) {
    const x = scores[j] as number;
    const s = 2 * (Math.floor((x - min) * scale) >>> fineBits) + 1 - Number(labels[i] === positiveLabel);
    const k = next[s] as number;
    next[s] = k + 1;
    out[k] = x;
  }
}

/** Scratch space and running totals of the fine pass. */
interface FinePass {
  readonly min: number;
  readonly scale: number;
  readonly mask: number;
  readonly buf: Float64Array;
  readonly keys: Int32Array;
  readonly posCount: Int32Array;
  readonly negCount: Int32Array;
  readonly posCur: Int32Array;
  readonly negCur: Int32Array;
  /** 2 * #(negative < positive) + #(negative == positive) so far. */
  twiceU: number;
  /** Negatives in the buckets done so far. */
  below: number;
}

/**
 * One coarse bucket (positives `pos[p0, p1)`, negatives `neg[q0, q1)`), grouped by fine bucket
 * in `buf`: fine bucket f holds its positives in [mid - posCount[f], mid) and its negatives in
 * [mid, mid + negCount[f]), where mid = posCur[f] after the scatter.
 */
function finePass(fp: FinePass, pos: Float64Array, p0: number, p1: number, neg: Float64Array, q0: number, q1: number): void {
  if (p1 === p0 || q1 === q0) {
    // One class only: no pair inside the bucket.
    fp.twiceU += 2 * (p1 - p0) * fp.below;
    fp.below += q1 - q0;
    return;
  }
  const { min, scale, mask, buf, keys, posCount, negCount, posCur, negCur } = fp;
  posCount.fill(0);
  negCount.fill(0);
  // keys[k]: fine bucket of the k-th value of this coarse bucket (positives, then negatives).
  const np = p1 - p0;
  for (let i = p0; i < p1; i++) {
    const f = Math.floor(((pos[i] as number) - min) * scale) & mask;
    keys[i - p0] = f;
    posCount[f] = (posCount[f] as number) + 1;
  }
  for (let i = q0; i < q1; i++) {
    const f = Math.floor(((neg[i] as number) - min) * scale) & mask;
    keys[np + i - q0] = f;
    negCount[f] = (negCount[f] as number) + 1;
  }
  let at = 0;
  for (let f = 0; f <= mask; f++) {
    posCur[f] = at;
    at += posCount[f] as number;
    negCur[f] = at;
    at += negCount[f] as number;
  }
  for (let i = p0; i < p1; i++) {
    const f = keys[i - p0] as number;
    const k = posCur[f] as number;
    posCur[f] = k + 1;
    buf[k] = pos[i] as number;
  }
  for (let i = q0; i < q1; i++) {
    const f = keys[np + i - q0] as number;
    const k = negCur[f] as number;
    negCur[f] = k + 1;
    buf[k] = neg[i] as number;
  }
  let twiceU = fp.twiceU;
  let below = fp.below;
  for (let f = 0; f <= mask; f++) {
    const gp = posCount[f] as number;
    const gn = negCount[f] as number;
    if (gp > 0) {
      twiceU += 2 * gp * below;
      if (gn > 0) {
        const mid = posCur[f] as number;
        twiceU += gp * gn <= AUC_PAIRWISE_MAX ? pairsWithin(buf, mid - gp, mid, mid + gn) : pairsSorted(buf, mid - gp, mid, mid + gn);
      }
    }
    below += gn;
  }
  fp.twiceU = twiceU;
  fp.below = below;
}

/** 2 * #(negative < positive) + #(negative == positive) over positives `[lo, mid)` and negatives `[mid, hi)`. */
function pairsWithin(v: Float64Array, lo: number, mid: number, hi: number): number {
  let t = 0;
  for (let i = lo; i < mid; i++) {
    const p = v[i] as number;
    for (let j = mid; j < hi; j++) {
      const q = v[j] as number;
      // Branch-free: (q < p) + (q <= p) is 2, 1 or 0.
      t += Number(q < p) + Number(q <= p);
    }
  }
  return t;
}

/** {@link pairsWithin} for large ranges: sorts both classes, then one merge. */
function pairsSorted(v: Float64Array, lo: number, mid: number, hi: number): number {
  const p = sortFloat64(v.subarray(lo, mid));
  const q = sortFloat64(v.subarray(mid, hi));
  let t = 0;
  let below = 0;
  let equal = 0;
  let j = 0;
  let prev = NaN;
  for (let i = 0; i < p.length; i++) {
    const x = p[i] as number;
    if (x !== prev) {
      // Advance past negatives below x; count those equal to x.
      below += equal;
      equal = 0;
      while (j < q.length && (q[j] as number) < x) {
        below++;
        j++;
      }
      while (j < q.length && (q[j] as number) === x) {
        equal++;
        j++;
      }
      prev = x;
    }
    t += 2 * below + equal;
  }
  return t;
}
