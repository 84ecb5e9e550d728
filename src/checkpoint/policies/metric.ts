/**
 * One place for how policies read and compare a monitored metric: `min`/`max` modes, `minDelta`,
 * NaN never better than anything, and the E_METRIC_MISSING error that lists what exists.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import type { StepRecord } from './types.js';

/** Whether smaller (`min`, e.g. a loss) or larger (`max`, e.g. an accuracy) values are better. */
export type MetricMode = 'min' | 'max';

/**
 * The value of `monitor` in `record`, or `undefined` when it was not given (or is not a number).
 * NaN is returned as is. Inherited properties such as `constructor` are never numbers, so they
 * read as missing.
 */
export function metricOf(record: StepRecord, monitor: string): number | undefined {
  const value: unknown = record.metrics[monitor];
  return typeof value === 'number' ? value : undefined;
}

/**
 * The value of `monitor` in `record`; throws E_METRIC_MISSING naming the metrics that exist
 * when it was not given. `what` says who needs it, e.g. `on improvement of val_acc`.
 */
export function requireMetric(record: StepRecord, monitor: string, what: string): number {
  const value = metricOf(record, monitor);
  if (value !== undefined) return value;
  const available = Object.keys(record.metrics).sort();
  const list = available.length === 0 ? 'no metrics were given' : `available: ${available.join(', ')}`;
  throw new CkptError(
    'E_METRIC_MISSING',
    `${what}: metric "${monitor}" is missing at epoch ${record.epoch}, step ${record.step} (${list}); ` +
      'log it before saving or change the monitored metric',
    { details: { monitor, epoch: record.epoch, step: record.step, available } },
  );
}

/**
 * True when `candidate` beats `reference` by more than `minDelta` in direction `mode`
 * (`min`: `candidate < reference - minDelta`; `max`: `candidate > reference + minDelta`).
 * NaN is never better, and a NaN or missing reference is beaten by any non-NaN candidate.
 */
export function isBetter(candidate: number, reference: number | undefined, mode: MetricMode, minDelta = 0): boolean {
  if (Number.isNaN(candidate)) return false;
  if (reference === undefined || Number.isNaN(reference)) return true;
  return mode === 'min' ? candidate < reference - minDelta : candidate > reference + minDelta;
}

/**
 * A comparator that sorts values best first for `mode`; NaN sorts after every number.
 * Equal values compare 0, so a stable sort keeps their input order.
 */
export function compareMetric(mode: MetricMode): (a: number, b: number) => number {
  return (a, b) => {
    const aNaN = Number.isNaN(a);
    const bNaN = Number.isNaN(b);
    if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
    if (a === b) return 0;
    return (mode === 'min' ? a < b : a > b) ? -1 : 1;
  };
}

/** A metric value for messages: at most 4 significant digits, e.g. `0.9722`, `1.235e-7`. */
export function formatMetricValue(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
