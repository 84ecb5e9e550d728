/**
 * Evaluation metrics, exact against scikit-learn 1.2, streamed over batches like torchmetrics.
 *
 * @example
 * ```ts
 * import { classificationMetrics, ClassificationMetrics } from 'ckpt';
 * classificationMetrics([0, 1, 1], [0, 1, 0]).accuracy; // 0.6666666666666666
 * const m = new ClassificationMetrics({ numClasses: 2 });
 * m.update({ yTrue: [0, 1], yPred: [0, 1] });
 * const state = m.state(); // JSON, can live in a checkpoint
 * ```
 * @module
 */
export * from './input.js';
export * from './batch.js';
export * from './prf.js';
export * from './confusion.js';
export * from './classification.js';
export * from './regression.js';
export * from './report.js';
export * from './oneshot.js';
export * from './metric.js';
export * from './confusion-metrics.js';
export * from './score-metrics.js';
export * from './regression-metrics.js';
export * from './registry.js';
export { ExactSum } from './exact-sum.js';
