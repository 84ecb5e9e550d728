/**
 * The streaming metric contract (torchmetrics' model): `update(batch)` adds samples, `compute()`
 * reads the value, `reset()` forgets, `merge(other)` adds another instance's samples, and
 * `state()` is JSON that `fromState` turns back into a metric — so metric state can be saved in a
 * checkpoint and a resumed evaluation continues exactly. Every metric says whether higher is better.
 *
 * @module
 */
import { CkptError } from '../errors.js';

/** JSON values (as stored in metric states). */
export type MetricJson = string | number | boolean | null | MetricJson[] | { [key: string]: MetricJson };

/** The serialised state of one metric: its kind, the options it was built with, and its data. */
export interface MetricState {
  /** The metric class, e.g. `"accuracy"`, `"roc_auc"`, `"r2"`. */
  kind: string;
  /** State format version. */
  version: 1;
  /** The constructor options, so `metricFromState` can rebuild the metric. */
  options: { [key: string]: MetricJson };
  /** The accumulated state (counts, exact sums, kept scores). */
  data: { [key: string]: MetricJson };
}

/** A metric computed over a stream of batches. */
export interface Metric<Batch, Value> {
  /** The metric's name, e.g. `"f1_macro"`. */
  readonly name: string;
  /** True when larger values are better (accuracy, F1, R²); false for losses and errors; null for non-scalars (confusion matrix). */
  readonly higherIsBetter: boolean | null;
  /** Adds a batch of samples. Throws `CkptError` on bad input; the state is unchanged then. */
  update(batch: Batch): this;
  /** The value over every sample so far. Throws `E_EMPTY_INPUT` before the first sample. */
  compute(): Value;
  /** Forgets every sample. */
  reset(): this;
  /** Adds the samples of another metric of the same kind and options (exactly). */
  merge(other: this): this;
  /** The state as JSON. */
  state(): MetricState;
}

/** Throws `E_INVALID_ARGUMENT` unless `state` is a {@link MetricState} of `kind`. */
export function checkState(state: unknown, kind: string): MetricState {
  const s = state as Partial<MetricState> | null;
  if (typeof s !== 'object' || s === null || s.version !== 1 || typeof s.options !== 'object' || typeof s.data !== 'object' || s.data === null) {
    throw new CkptError('E_INVALID_ARGUMENT', `not a metric state (expected {kind, version: 1, options, data})`);
  }
  if (s.kind !== kind) throw new CkptError('E_INVALID_ARGUMENT', `a ${String(s.kind)} state cannot be loaded into a ${kind} metric`);
  return s as MetricState;
}

/** Throws `E_INVALID_ARGUMENT` unless two metrics have identical options (so their states add up). */
export function checkSameOptions(a: MetricState, b: MetricState): void {
  if (a.kind !== b.kind || JSON.stringify(a.options) !== JSON.stringify(b.options)) {
    throw new CkptError('E_INVALID_ARGUMENT', `cannot merge ${b.kind} ${JSON.stringify(b.options)} into ${a.kind} ${JSON.stringify(a.options)}`);
  }
}
