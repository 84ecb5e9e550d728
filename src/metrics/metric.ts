/**
 * The streaming metric contract (torchmetrics' model): `update(batch)` adds samples, `compute()`
 * reads the value, `reset()` forgets, `merge(other)` adds another instance's samples, and
 * `state()` is JSON that `fromState` turns back into a metric — so metric state can be saved in a
 * checkpoint and a resumed evaluation continues exactly. Every metric says whether higher is better.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { ExactSum } from './exact-sum.js';

/** JSON values (as stored in metric states). */
export type MetricJson = string | number | boolean | null | MetricJson[] | { [key: string]: MetricJson };

/**
 * How a state field merges (torchmetrics' `dist_reduce_fx`): `sum` of integers, `max`, `cat`
 * (concatenation of arrays; the metric's value does not depend on the order), `exact-sum` (an
 * {@link ExactSum} state: exact addition), `same` (must be equal, e.g. a tag).
 */
export type Reduction = 'sum' | 'max' | 'cat' | 'exact-sum' | 'same';

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
  /** How each field of `data` merges, so any reader can merge states without the metric's code. */
  reductions: { [key: string]: Reduction };
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

function mergeField(field: string, how: Reduction, a: MetricJson | undefined, b: MetricJson | undefined): MetricJson | undefined {
  if (a === undefined || b === undefined) {
    if (how === 'cat' || a === b) return a ?? b;
    throw new CkptError('E_INVALID_ARGUMENT', `cannot merge states: ${field} is missing on one side`);
  }
  const bad = () => new CkptError('E_INVALID_ARGUMENT', `cannot merge states: ${field} does not fit its reduction ${how}`);
  switch (how) {
    case 'sum':
      if (typeof a === 'number' && typeof b === 'number') return a + b;
      if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.map((x, i) => (x as number) + (b[i] as number));
      throw bad();
    case 'max':
      if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
      throw bad();
    case 'cat':
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      throw bad();
    case 'exact-sum': {
      if (typeof a !== 'string' || typeof b !== 'string') throw bad();
      const sum = ExactSum.fromState(a);
      sum.merge(ExactSum.fromState(b));
      return sum.state();
    }
    case 'same':
      if (JSON.stringify(a) === JSON.stringify(b)) return a;
      throw bad();
  }
}

/**
 * Merges two states of the same metric by their declared reductions, without the metric's code
 * (e.g. states gathered from several evaluation workers). `metricFromState(mergeMetricStates(a, b))`
 * computes exactly what merging the two metrics computes.
 */
export function mergeMetricStates(a: MetricState, b: MetricState): MetricState {
  checkSameOptions(a, b);
  if (JSON.stringify(a.reductions) !== JSON.stringify(b.reductions)) throw new CkptError('E_INVALID_ARGUMENT', 'cannot merge states with different reductions');
  const data: { [key: string]: MetricJson } = {};
  for (const [field, how] of Object.entries(a.reductions)) {
    const v = mergeField(field, how, a.data[field], b.data[field]);
    if (v !== undefined) data[field] = v;
  }
  return { kind: a.kind, version: 1, options: a.options, data, reductions: a.reductions };
}
