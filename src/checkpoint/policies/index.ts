/**
 * Save and retention policies, and the metric and ordering helpers they share. Everything here is
 * pure: no I/O, no clock (`now` comes in through the context).
 *
 * @example
 * ```ts
 * const save = anyOf(onImprovement({ monitor: 'val_acc', mode: 'max' }), everyNEpochs(5), onTrigger());
 * if (save.decide(ctx).save) { ... }
 * const plan = planRetention(checkpoints, [keepTopK({ k: 3, monitor: 'val_acc', mode: 'max' }), keepLastN(1)], { now, protected: new Map() });
 * ```
 * @module
 */
export type * from './types.js';
export * from './save-policies.js';
export { keepTopK, keepLastN, keepEveryNEpochs, keepWithin, formatDuration } from './retention-policies.js';
export type { KeepTopKOptions } from './retention-policies.js';
export { planRetention, KEEP_ALL_REASON } from './plan-retention.js';
export { bestCheckpoint, latestCheckpoint, rankByMetric, compareOldestFirst, oldestFirst } from './order.js';
export { compareMetric, isBetter, metricOf, requireMetric, formatMetricValue } from './metric.js';
export type { MetricMode } from './metric.js';
