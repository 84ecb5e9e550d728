/**
 * The exact sums behind the regression metrics, for one batch: fl(d²), y, y², d, d², |d| and
 * |d| / max(|y|, 2^-52) with d = y_true - y_pred, and max |d|. Each value is added as an exact
 * {@link ExactSum}, so any split of the data gives the same state.
 *
 * The native addon's kernel (native/regression-sums.c: vectorized, on up to 4 threads) computes
 * the very same sums bit for bit; without the addon, plain JavaScript loops do.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { CkptError } from '../errors.js';
import { nativeAddon } from '../util/native.js';
import { RESERVE_CHUNK, type ExactSum } from './exact-sum.js';
import { checkFinite } from './input.js';

/** Bits of the sums to compute, in the kernel's order. */
export const SUM = { sq: 1, y: 2, y2: 4, d: 8, d2: 16, abs: 32, ape: 64, max: 128 } as const;

/** The sums a batch is added to, in {@link SUM}'s order (fl(d²), y, y², d, d², |d|, APE terms). */
export type RegressionSumTargets = readonly [ExactSum, ExactSum, ExactSum, ExactSum, ExactSum, ExactSum, ExactSum];

/** Options of {@link addRegressionSums}. */
export interface RegressionSumsOptions {
  /** Use the native kernel when the addon is loaded. Default: true. */
  native?: boolean;
  /** The native kernel to use: `'auto'`, `'avx512'`, `'avx2'` or `'base'`. Default: `'auto'`. */
  kernel?: string;
  /** Threads for the native kernel. Default: up to 4 for batches of 65,536 samples or more, else 1. */
  threads?: number;
}

const EPS = 2 ** -52;
const PARALLEL_MIN_SAMPLES = 1 << 16;
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism()));

/** Whether the native kernel computes the sums here (the addon is built and loaded). */
export function nativeRegressionSums(): boolean {
  return nativeAddon()?.regressionSums !== undefined;
}

/**
 * Adds the sums of `mask` (bits of {@link SUM}) over one batch to `targets`; returns the new
 * max |d| (from `maxAbs`, when `mask` has {@link SUM.max}). Throws `E_NAN_INPUT` (and adds
 * nothing) when a value is NaN or infinite.
 */
export function addRegressionSums(
  y: Float64Array,
  p: Float64Array,
  mask: number,
  targets: RegressionSumTargets,
  maxAbs: number,
  options: RegressionSumsOptions = {},
): number {
  const addon = options.native === false ? undefined : nativeAddon();
  if (addon?.regressionSums) {
    const threads = options.threads ?? (y.length >= PARALLEL_MIN_SAMPLES ? MAX_THREADS : 1);
    const out = addon.regressionSums(y, p, mask, threads, options.kernel ?? 'auto');
    if (out[0]) {
      checkFinite(y, 'y_true');
      checkFinite(p, 'y_pred');
      throw new CkptError('E_INTERNAL', 'the native regression kernel saw a non-finite value that the check did not');
    }
    targets.forEach((sum, q) => {
      if (mask & (1 << q)) sum.addExact(out[2 + 2 * q] as bigint, out[3 + 2 * q] as number);
    });
    return mask & SUM.max ? Math.max(maxAbs, out[1]) : maxAbs;
  }
  checkFinite(y, 'y_true');
  checkFinite(p, 'y_pred');
  return addSumsInJs(y, p, mask, targets, maxAbs);
}

/** The JavaScript path: one loop over the samples. */
function addSumsInJs(y: Float64Array, p: Float64Array, mask: number, targets: RegressionSumTargets, maxAbs: number): number {
  const [sumSq, sumY, sumY2, sumD, sumD2, sumAbs, sumApe] = targets;
  for (let start = 0; start < y.length; start += RESERVE_CHUNK) {
    const end = Math.min(y.length, start + RESERVE_CHUNK);
    const m = end - start;
    targets.forEach((sum, q) => {
      if (mask & (1 << q)) sum.reserve(q === 2 || q === 4 ? 2 * m : m);
    });
    if (mask === (SUM.sq | SUM.y | SUM.y2)) {
      addR2Sums(y, p, start, end, sumSq, sumY, sumY2);
      continue;
    }
    for (let i = start; i < end; i++) {
      const yi = y[i] as number;
      const d = yi - (p[i] as number);
      const a = Math.abs(d);
      // scikit-learn sums the rounded squares; summing them exactly keeps its value and makes merges exact.
      if (mask & SUM.sq) sumSq.add(d * d);
      if (mask & SUM.y) sumY.add(yi);
      if (mask & SUM.y2) sumY2.addSquare(yi);
      if (mask & SUM.d) sumD.add(d);
      if (mask & SUM.d2) sumD2.addSquare(d);
      if (mask & SUM.abs) sumAbs.add(a);
      if (mask & SUM.ape) sumApe.add(a / Math.max(Math.abs(yi), EPS));
      if (mask & SUM.max && a > maxAbs) maxAbs = a;
    }
  }
  return maxAbs;
}

/** R² alone (R2Score): fl(d²), y and y² of samples [start, end), in a small loop of its own (after `reserve`). */
function addR2Sums(y: Float64Array, p: Float64Array, start: number, end: number, sumSq: ExactSum, sumY: ExactSum, sumY2: ExactSum): void {
  for (let i = start; i < end; i++) {
    const yi = y[i] as number;
    const d = yi - (p[i] as number);
    sumSq.add(d * d);
    sumY.add(yi);
    sumY2.addSquare(yi);
  }
}
