/**
 * One call, every metric: `classificationMetrics`, `classificationReport` and
 * `regressionMetrics`, keyed by scikit-learn's names. They run the streaming metrics over one batch.
 *
 * @example
 * ```ts
 * import { classificationMetrics, regressionMetrics } from 'ckpt';
 * const m = classificationMetrics([0, 1, 2, 2], [0, 2, 2, 2]);
 * m.f1_macro; // 0.6
 * regressionMetrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]).r2; // 0.9486081370449679
 * ```
 * @module
 */
import { inferNumClasses, normalizeBatch, type ClassificationBatch } from './batch.js';
import { ClassificationMetrics, type ClassificationOptions, type ClassificationResult } from './classification.js';
import { accumulateConfusion, type ConfusionCounts } from './confusion.js';
import { checkNotEmpty, type NumberVector, type ScoreMatrix } from './input.js';
import { RegressionMetrics, type RegressionOptions, type RegressionResult } from './regression.js';
import { classificationReportDictFromConfusion, classificationReportFromConfusion, type ReportDict, type ReportOptions } from './report.js';

/** Options of {@link classificationMetrics}: those of {@link ClassificationMetrics}, with `numClasses` optional. */
export type OneShotClassificationOptions = Omit<ClassificationOptions, 'numClasses'> & {
  /** Number of classes. Default: the largest label in y_true/y_pred plus one, or the score columns (at least 2). */
  numClasses?: number;
  /** Per-class scores (probabilities, or logits with `logits: true`); enables log loss, ROC AUC, AP and top-k. Default: none. */
  scores?: NumberVector | ScoreMatrix;
};

/**
 * Every classification metric of `yPred` (labels, or score rows whose argmax is taken) against
 * `yTrue`. Throws `CkptError` on bad input: E_EMPTY_INPUT, E_LENGTH_MISMATCH, E_NAN_INPUT, E_LABEL_RANGE.
 */
export function classificationMetrics(yTrue: NumberVector, yPred: NumberVector | ScoreMatrix | undefined, options: OneShotClassificationOptions = {}): ClassificationResult {
  const { scores, numClasses, ...rest } = options;
  const batch: ClassificationBatch = { yTrue };
  if (yPred !== undefined) batch.yPred = yPred;
  if (scores !== undefined) batch.scores = scores;
  const k = inferNumClasses(batch, numClasses);
  return new ClassificationMetrics({ ...rest, numClasses: k }).update(batch).compute();
}

/** Options of {@link classificationReport}. */
export type ClassificationReportOptions = ReportOptions & {
  /** Number of classes. Default: inferred from the labels. */
  numClasses?: number;
};

function confusionOf(yTrue: NumberVector, yPred: NumberVector | ScoreMatrix, numClasses?: number): ConfusionCounts {
  const k = inferNumClasses({ yTrue, yPred }, numClasses);
  const b = normalizeBatch({ yTrue, yPred }, { numClasses: k });
  checkNotEmpty(b.yTrue.length, 'y_true');
  const c: ConfusionCounts = { numClasses: k, counts: new Float64Array(k * k) };
  accumulateConfusion(c, b.yTrue, b.yPred);
  return c;
}

/** scikit-learn's `classification_report` text (same characters). */
export function classificationReport(yTrue: NumberVector, yPred: NumberVector | ScoreMatrix, options: ClassificationReportOptions = {}): string {
  return classificationReportFromConfusion(confusionOf(yTrue, yPred, options.numClasses), options);
}

/** scikit-learn's `classification_report(..., output_dict=True)`. */
export function classificationReportDict(yTrue: NumberVector, yPred: NumberVector | ScoreMatrix, options: ClassificationReportOptions = {}): ReportDict {
  return classificationReportDictFromConfusion(confusionOf(yTrue, yPred, options.numClasses), options);
}

/** Every regression metric of `yPred` against `yTrue`. Throws E_EMPTY_INPUT, E_LENGTH_MISMATCH, E_NAN_INPUT. */
export function regressionMetrics(yTrue: NumberVector, yPred: NumberVector, options: RegressionOptions = {}): RegressionResult {
  return new RegressionMetrics(options).update({ yTrue, yPred }).compute();
}
