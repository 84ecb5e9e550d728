/**
 * Scores that need per-class probabilities: log loss (scikit-learn 1.2's clipping and row
 * renormalisation) and top-k accuracy (its tie order).
 *
 * @module
 */
import type { Scores } from './input.js';

/** Clipping bound of `log_loss(eps='auto')` for float64 scores: `np.finfo(np.float64).eps`. */
export const LOG_LOSS_EPS = 2 ** -52;

/**
 * Calls `add(loss_i)` with each sample's log loss: the probabilities are clipped to
 * `[eps, 1 - eps]`, each row divided by its sum, and the loss is `-log(p[y_true])`.
 * A single column is the positive-class probability of a binary problem.
 */
export function forEachLogLoss(yTrue: Int32Array, scores: Scores, add: (loss: number) => void, eps = LOG_LOSS_EPS): void {
  const { data, cols } = scores;
  const hiClip = 1 - eps;
  const clip = (x: number) => (x < eps ? eps : x > hiClip ? hiClip : x);
  if (cols === 1) {
    for (let i = 0; i < yTrue.length; i++) {
      const p = clip(data[i] as number);
      const q = 1 - p;
      const sum = q + p;
      add(-Math.log((yTrue[i] === 1 ? p : q) / sum));
    }
    return;
  }
  for (let i = 0; i < yTrue.length; i++) {
    const row = i * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += clip(data[row + j] as number);
    add(-Math.log(clip(data[row + (yTrue[i] as number)] as number) / sum));
  }
}

/**
 * Number of samples whose true class is among the `k` highest scores. On ties the higher class
 * index ranks first (scikit-learn sorts with a stable argsort, then reverses).
 */
export function topKHits(yTrue: Int32Array, scores: Scores, k: number): number {
  const { data, cols } = scores;
  if (k >= cols) return yTrue.length;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const row = i * cols;
    const t = yTrue[i] as number;
    const s = data[row + t] as number;
    let above = 0;
    for (let j = 0; j < cols && above < k; j++) {
      const x = data[row + j] as number;
      if (x > s || (x === s && j > t)) above++;
    }
    if (above < k) hits++;
  }
  return hits;
}
