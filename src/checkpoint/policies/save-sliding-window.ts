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
import type { SavePolicy, StepRecord } from './types.js';

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
 *
 * Cost: passing the same append-only history array on every call (as a manager does) costs
 * O(new steps + W) per call; any other array is read in full.
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
  // Per history array, what was learnt from its first `count` records, so that a manager passing
  // its append-only history each step costs O(new steps), not O(all steps). Any array that did not
  // just grow (another object, shorter, or a different record at the old end) starts afresh, so
  // the answers are always those of a full recomputation.
  const memo = new WeakMap<readonly StepRecord[], WindowState>();
  const learn = (state: WindowState, value: number): void => {
    state.tail.push(value);
    if (state.tail.length > window) state.tail.shift();
    if (state.tail.length === window) {
      const mean = meanOf(state.tail);
      if (isBetter(mean, state.reference, mode, minDelta)) state.reference = mean;
    }
  };
  return {
    name,
    decide: ({ current, history, checkpoints }) => {
      const last = requireMetric(current, monitor, name);
      let state = memo.get(history);
      if (state === undefined || state.count > history.length || (state.count > 0 && history[state.count - 1] !== state.last)) {
        state = { count: 0, last: undefined, tail: [], reference: undefined };
        memo.set(history, state);
      }
      for (let i = state.count; i < history.length; i++) {
        const step = history[i];
        const v = step === undefined ? undefined : metricOf(step, monitor);
        if (v !== undefined) learn(state, v);
      }
      state.count = history.length;
      state.last = history[history.length - 1];

      const reference = state.reference;
      const windowValues = [...state.tail, last].slice(-window);
      if (windowValues.length < window) return NO_SAVE;
      const mean = meanOf(windowValues);
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

/** What {@link slidingWindow} learnt from the first `count` records of one history array. */
interface WindowState {
  /** How many records of the array were read. */
  count: number;
  /** The record at `count - 1`, to tell that the array only grew since. */
  last: StepRecord | undefined;
  /** The last (up to W) monitored values read. */
  tail: number[];
  /** The reference mean after those records (step 3 of the rule). */
  reference: number | undefined;
}

/** The mean of `values`, summed in order, so equal windows give bit-identical means. */
function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
