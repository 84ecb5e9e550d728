/**
 * The manager's metrics logs: a {@link RunLog} (`metrics.jsonl` + a TensorBoard event file) in the
 * run directory, opened with the run, written on every `save()`, closed with the best
 * checkpoint's metrics. This module turns the manager's facts into the log's inputs.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { FsStore } from '../storage/fs-store.js';
import type { Store } from '../storage/store.js';
import type { HParamValue } from '../tracking/hparams-proto.js';
import { RunLog } from '../tracking/run-log.js';
import type { CheckpointRecord } from './policies/types.js';
import type { JsonValue } from './run-info.js';

/** Prefix of the final metrics taken from the best checkpoint, e.g. `best_val_acc`. */
export const BEST_METRIC_PREFIX = 'best_';

/**
 * Hyperparameters as TensorBoard's HParams tab takes them: strings, numbers and booleans as they
 * are; anything else (`null`, lists, objects) as its JSON text.
 */
export function hparamsForLog(hparams: { readonly [key: string]: JsonValue }): Record<string, HParamValue> {
  const out: Record<string, HParamValue> = {};
  for (const [k, v] of Object.entries(hparams)) out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  return out;
}

/**
 * The final metrics of a run: every metric of its best checkpoint, named `best_<metric>` so the
 * HParams tab shows them without adding points to the per-epoch series of the same metric.
 */
export function bestMetrics(best: CheckpointRecord | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (best !== undefined) for (const [k, v] of Object.entries(best.metrics)) out[BEST_METRIC_PREFIX + k] = v;
  return out;
}

/** What {@link openManagerLog} needs. */
export interface ManagerLogOptions {
  /** The `log` option: `undefined` means on for a filesystem run, off for other stores. */
  readonly enabled: boolean | undefined;
  readonly hparams: { readonly [key: string]: JsonValue };
  /** Step of the latest checkpoint, for a run that already has some (see `RunLogOptions.resumedFromStep`). */
  readonly resumedFromStep: number | undefined;
  readonly now: () => number;
}

/**
 * Opens the run's log in the directory of `store` (an {@link FsStore}); `undefined` when logging is
 * off. `E_INVALID_ARGUMENT` when `log: true` is asked of a store without a directory.
 */
export async function openManagerLog(store: Store, o: ManagerLogOptions): Promise<RunLog | undefined> {
  if (o.enabled === false) return undefined;
  if (!(store instanceof FsStore)) {
    if (o.enabled === true) throw new CkptError('E_INVALID_ARGUMENT', `log: true needs a run directory, but ${store.location} is not a filesystem store; open without log`);
    return undefined;
  }
  return RunLog.open(store.root, {
    hparams: hparamsForLog(o.hparams),
    now: o.now,
    ...(o.resumedFromStep === undefined ? {} : { resumedFromStep: o.resumedFromStep }),
  });
}
