/**
 * One batch of classification inputs, normalised: validated integer labels, predicted labels
 * (given, or the argmax of scores), and optional validated scores.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import {
  argmaxRows, checkNotEmpty, checkSameLength, isScoreMatrix, softmaxRows, toLabels, toScores,
  type NumberVector, type ScoreMatrix, type Scores,
} from './input.js';

/** One batch of a classification problem. */
export interface ClassificationBatch {
  /** True class of each sample: integers in `[0, numClasses)`. */
  yTrue: NumberVector;
  /**
   * Predicted classes, or per-class scores (rows, a 2-d tensor) whose row argmax is the
   * prediction. Default: the argmax of `scores` (for 1-d binary scores: `score > 0.5`, or `> 0` for logits).
   */
  yPred?: NumberVector | ScoreMatrix;
  /**
   * Per-class probabilities (or logits with `logits: true`), one row per sample; for a binary
   * problem a 1-d vector of positive-class probabilities also works. Needed by log loss, ROC AUC,
   * average precision and top-k accuracy. Default: `yPred` when it is a score matrix, else none.
   */
  scores?: NumberVector | ScoreMatrix;
}

/** How batches are read. */
export interface BatchOptions {
  /** Number of classes; labels must be below it. */
  numClasses: number;
  /** Scores are logits: softmax (sigmoid for one column) is applied first. Default: false. */
  logits?: boolean;
  /** Derive predicted labels from scores when `yPred` is not given. Default: true (score-only metrics turn it off). */
  predictions?: boolean;
}

/** A validated batch. */
export interface NormalizedBatch {
  yTrue: Int32Array;
  /** Empty when `predictions: false` and no `yPred` was given. */
  yPred: Int32Array;
  /** Probabilities, `cols` is `numClasses` or 1 (binary positive-class scores). */
  scores?: Scores;
}

/** Validates and normalises a batch; throws `CkptError` (E_LENGTH_MISMATCH, E_NAN_INPUT, E_LABEL_RANGE, E_SHAPE...). */
export function normalizeBatch(batch: ClassificationBatch, options: BatchOptions): NormalizedBatch {
  const k = options.numClasses;
  const yTrue = toLabels(batch.yTrue, 'y_true', k);
  const scoreInput = batch.scores ?? (batch.yPred !== undefined && isScoreMatrix(batch.yPred) ? batch.yPred : undefined);
  let scores: Scores | undefined;
  if (scoreInput !== undefined) {
    scores = toScores(scoreInput, batch.scores === undefined ? 'y_pred' : 'scores');
    if (scores.data.length === 0) scores = { data: scores.data, rows: 0, cols: k };
    if (scores.cols !== 1 && scores.cols !== k) {
      throw new CkptError('E_SHAPE', `scores have ${scores.cols} columns but there are ${k} classes`, { details: { columns: scores.cols, numClasses: k } });
    }
    if (scores.cols === 1 && k !== 2) throw new CkptError('E_SHAPE', `1-d scores need a binary problem, but there are ${k} classes`);
    checkSameLength(yTrue.length, scores.rows, 'y_true', 'scores');
    if (options.logits === true) scores = softmaxRows(scores);
  }
  let yPred: Int32Array;
  if (batch.yPred !== undefined && !isScoreMatrix(batch.yPred)) yPred = toLabels(batch.yPred, 'y_pred', k);
  else if (batch.yPred !== undefined) yPred = argmaxRows(toScores(batch.yPred, 'y_pred'));
  else if (scores !== undefined) yPred = options.predictions === false ? new Int32Array(0) : argmaxRows(scores);
  else throw new CkptError('E_INVALID_ARGUMENT', 'a classification batch needs yPred or scores');
  if (batch.yPred !== undefined || options.predictions !== false) checkSameLength(yTrue.length, yPred.length, 'y_true', 'y_pred');
  if (scores === undefined) return { yTrue, yPred };
  return { yTrue, yPred, scores };
}

/** Most classes a classification metric takes (its confusion matrix has this many squared cells). */
export const MAX_CLASSES = 4096;

/** Throws `E_INVALID_ARGUMENT` unless `k` is an integer >= 2, and `E_LIMIT` past {@link MAX_CLASSES}. */
export function checkNumClasses(k: number): number {
  if (!Number.isInteger(k) || k < 2) throw new CkptError('E_INVALID_ARGUMENT', `numClasses must be an integer >= 2, got ${k}`);
  if (k > MAX_CLASSES) throw new CkptError('E_LIMIT', `${k} classes: at most ${MAX_CLASSES} are supported`, { details: { numClasses: k } });
  return k;
}

/** Number of classes for a one-shot call: the given one, or inferred from labels and score columns. */
export function inferNumClasses(batch: ClassificationBatch, given?: number): number {
  if (given !== undefined) return checkNumClasses(given);
  let k = 2;
  const yTrue = toLabels(batch.yTrue, 'y_true');
  checkNotEmpty(yTrue.length, 'y_true');
  for (const y of yTrue) k = Math.max(k, y + 1);
  for (const m of [batch.yPred, batch.scores]) {
    if (m === undefined) continue;
    if (isScoreMatrix(m)) k = Math.max(k, toScores(m, 'scores').cols);
    else if (m === batch.yPred) for (const y of toLabels(m, 'y_pred')) k = Math.max(k, y + 1);
  }
  return checkNumClasses(k);
}
