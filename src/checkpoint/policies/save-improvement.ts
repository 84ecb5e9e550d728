/**
 * "Save only when the metric improves", measured against the best committed checkpoint, so the
 * best score survives restarts (the checkpoints come from the manifests).
 *
 * @module
 */
import { formatMetricValue, isBetter, metricOf, requireMetric } from './metric.js';
import type { MetricMode } from './metric.js';
import { bestCheckpoint } from './order.js';
import { NO_SAVE, saveBecause } from './save-schedule.js';
import { checkMode, checkMonitor, checkNonNegative } from './validate.js';
import type { SavePolicy } from './types.js';

/** Options of {@link onImprovement}. */
export interface OnImprovementOptions {
  /** The metric to watch, e.g. `val_acc`. Required. */
  readonly monitor: string;
  /** `min` when smaller is better (losses), `max` when larger is better (accuracies). Required. */
  readonly mode: MetricMode;
  /** How much better than the best checkpoint a value must be to count. Default: `0` (strictly better). */
  readonly minDelta?: number;
}

/**
 * Saves when the current value of `monitor` is better than that of the best committed checkpoint
 * by more than `minDelta` (see {@link isBetter}); the first value saves when no checkpoint has one.
 * Checkpoints whose value is NaN or missing are not candidates for best. A NaN current value is
 * never an improvement. A missing current value throws E_METRIC_MISSING listing the metrics given.
 */
export function onImprovement(options: OnImprovementOptions): SavePolicy {
  const where = 'onImprovement';
  const monitor = checkMonitor(where, options.monitor);
  const mode = checkMode(where, options.mode);
  const minDelta = checkNonNegative(where, 'minDelta', options.minDelta ?? 0);
  const name = `on improvement of ${monitor} (${mode}${minDelta > 0 ? `, minDelta ${minDelta}` : ''})`;
  return {
    name,
    decide: ({ current, checkpoints }) => {
      const value = requireMetric(current, monitor, name);
      const best = bestCheckpoint(checkpoints, monitor, mode);
      const bestValue = best === undefined ? undefined : metricOf(best, monitor);
      if (!isBetter(value, bestValue, mode, minDelta)) return NO_SAVE;
      return saveBecause(
        bestValue === undefined
          ? `${monitor}=${formatMetricValue(value)}: first checkpoint with ${monitor}`
          : `${monitor} improved ${formatMetricValue(bestValue)} -> ${formatMetricValue(value)}`,
      );
    },
  };
}
