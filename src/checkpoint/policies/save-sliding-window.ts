/**
 * The seed's rule: save when the windowed mean of the monitored metric improves; while it
 * plateaus, save every K epochs anyway.
 *
 * @module
 */
import { formatMetricValue, isBetter, metricOf, requireMetric } from './metric.js';
import type { MetricMode } from './metric.js';
import { latestCheckpoint } from './order.js';
import { NO_SAVE, saveBecause } from './save-schedule.js';
import { checkInteger, checkMode, checkMonitor, checkNonNegative } from './validate.js';
import type { SavePolicy } from './types.js';

/** Options of {@link slidingWindow}. */
export interface SlidingWindowOptions {
  /** The metric to watch, e.g. `val_loss`. Required. */
  readonly monitor: string;
  /** `min` when smaller is better, `max` when larger is better. Required. */
  readonly mode: MetricMode;
  /** W: how many of the latest values are averaged (integer >= 1). Required. */
  readonly window: number;
  /** K: while the mean does not improve, save once `K` epochs have passed since the last save. Default: never. */
  readonly plateauEvery?: number;
  /** How much better a mean must be than the reference mean to count. Default: `0` (strictly better). */
  readonly minDelta?: number;
}

/**
 * The seed's sliding-window rule, precisely:
 *
 * 1. Let `v_1..v_m` be the values of `monitor` of the offered steps, oldest first: those of
 *    `ctx.history` that carry it (steps offered without it, e.g. mid-epoch, are skipped), then
 *    `ctx.current`'s, which must be given (else E_METRIC_MISSING). For `i >= W`,
 *    `mean_i = (v_{i-W+1} + ... + v_i) / W`.
 * 2. While `m < W` (the window is not full) this policy never saves.
 * 3. The reference is updated as in Keras/Lightning early stopping: walking `i = W..m-1`, it
 *    starts unset and becomes `mean_i` whenever `mean_i` beats it by more than `minDelta`.
 * 4. **Improvement**: save when `mean_m` beats the reference (or it is unset: the first full
 *    usable window saves). A NaN in the window makes its mean NaN, which is never an improvement.
 * 5. **Plateau**: otherwise, when `plateauEvery = K` is set, save when
 *    `current.epoch - lastSaveEpoch >= K`, where `lastSaveEpoch` is the epoch of the latest
 *    committed checkpoint (saved by any policy), or of the first offered step when there is none.
 *
 * The means come from `ctx.history`: pass steps from before a restart to keep the window across it;
 * with an empty history after a restart the window refills before this policy saves again
 * (the plateau clock still counts from the checkpoints in the manifests).
 */
export function slidingWindow(options: SlidingWindowOptions): SavePolicy {
  const where = 'slidingWindow';
  const monitor = checkMonitor(where, options.monitor);
  const mode = checkMode(where, options.mode);
  const window = checkInteger(where, 'window', options.window);
  const plateauEvery = options.plateauEvery === undefined ? undefined : checkInteger(where, 'plateauEvery', options.plateauEvery);
  const minDelta = checkNonNegative(where, 'minDelta', options.minDelta ?? 0);
  const name =
    `mean ${monitor} over ${window} improves (${mode}${minDelta > 0 ? `, minDelta ${minDelta}` : ''})` +
    (plateauEvery === undefined ? '' : `, else every ${plateauEvery} epochs`);
  return {
    name,
    decide: ({ current, history, checkpoints }) => {
      const last = requireMetric(current, monitor, name);
      const values: number[] = [];
      for (const step of history) {
        const v = metricOf(step, monitor);
        if (v !== undefined) values.push(v);
      }
      values.push(last);
      if (values.length < window) return NO_SAVE;

      let reference: number | undefined;
      let mean = Number.NaN;
      for (let end = window - 1; end < values.length; end++) {
        mean = windowMean(values, end, window);
        if (end < values.length - 1 && isBetter(mean, reference, mode, minDelta)) reference = mean;
      }
      if (isBetter(mean, reference, mode, minDelta)) {
        return saveBecause(
          reference === undefined
            ? `mean ${monitor} over last ${window}=${formatMetricValue(mean)}: no earlier mean to beat`
            : `mean ${monitor} over last ${window} improved ${formatMetricValue(reference)} -> ${formatMetricValue(mean)}`,
        );
      }
      if (plateauEvery === undefined) return NO_SAVE;
      const lastSaveEpoch = latestCheckpoint(checkpoints)?.epoch ?? (history[0] ?? current).epoch;
      const since = current.epoch - lastSaveEpoch;
      return since >= plateauEvery
        ? saveBecause(`mean ${monitor} over last ${window} plateaued at ${formatMetricValue(mean)}: ${since} epochs since the last save`)
        : NO_SAVE;
    },
  };
}

/** The mean of `values[end-window+1..end]`, summed afresh so each mean is exact to its own window. */
function windowMean(values: readonly number[], end: number, window: number): number {
  let sum = 0;
  for (let j = end - window + 1; j <= end; j++) sum += values[j] ?? Number.NaN;
  return sum / window;
}
