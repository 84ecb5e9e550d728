/**
 * The options of `CheckpointManager`, and how the convenience options become policies. Convenience
 * options only build policies (see `policies/`); `savePolicies` / `retentionPolicies` replace them.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { DEFAULT_MAX_SHARD_BYTES } from '../formats/safetensors/sharded.js';
import type { Store } from '../storage/store.js';
import { DEFAULT_NAME_TEMPLATE, templatePlaceholders } from './naming.js';
import type { MetricMode } from './policies/metric.js';
import { keepEveryNEpochs, keepLastN, keepTopK, keepWithin } from './policies/retention-policies.js';
import { anyOf, everyNEpochs, everyNSeconds, everyNSteps, onImprovement, onTrigger, slidingWindow } from './policies/save-policies.js';
import type { RetentionPolicy, SavePolicy } from './policies/types.js';
import type { JsonValue } from './run-info.js';

/** Options of the seed's sliding-window save rule. */
export interface SlidingWindowOption {
  /** W: how many of the latest values of the monitored metric are averaged. Required. */
  window: number;
  /** K: while the mean plateaus, save every K epochs anyway. Default: never. */
  plateauEvery?: number;
  /** How much better the mean must be to count. Default: `minDelta` of the manager, else 0. */
  minDelta?: number;
}

/** Options of `CheckpointManager.open`. Every option is optional. */
export interface CheckpointManagerOptions {
  /** Metric that ranks checkpoints (best, top-K, improvement), e.g. `val_acc`. Default: none (no best, no top-K; `best()` is undefined). */
  monitor?: string;
  /** `min` or `max`. Default: inferred from `monitor` ({@link inferMode}): `max` for accuracy-like names, else `min`. */
  mode?: MetricMode;
  /** Improvement smaller than this does not count (improvement and sliding-window rules). Default: 0. */
  minDelta?: number;
  /** Keep the K best checkpoints by `monitor` (needs `monitor`). Default: no top-K rule. */
  saveTopK?: number;
  /** Keep the N latest checkpoints. Default: no last-N rule. With no retention option at all, everything is kept. */
  keepLast?: number;
  /** Keep one checkpoint per N epochs, for the long history. Default: no such rule. */
  keepEveryNEpochs?: number;
  /** Keep every checkpoint younger than this many seconds. Default: no such rule. */
  keepWithinSeconds?: number;
  /** Save at the end of every N-th epoch (0-based epochs: N=5 saves epochs 4, 9, ...). Default: off. */
  everyNEpochs?: number;
  /** Save when `step % N === 0` (step > 0). Default: off. */
  everyNSteps?: number;
  /** Save when this many seconds passed since the last checkpoint. Default: off. */
  everyNSeconds?: number;
  /** Save when `monitor` improves on the best checkpoint (needs `monitor`). Default: false. */
  saveOnImprovementOnly?: boolean;
  /** The seed's rule: save when the mean of `monitor` over the last W offers improves (needs `monitor`). Default: off. */
  slidingWindow?: SlidingWindowOption;
  /**
   * Checkpoint name template (Python format specs), e.g. `{epoch}-{val_loss:.2f}` or
   * `model_epoch_{epoch}_val_loss_{val_loss:.4f}`. Default: `{epoch:04d}-{step}` with
   * `name=value` insertion, e.g. `epoch=0007-step=700`, plus `-{monitor}` when a metric is monitored.
   */
  filename?: string;
  /** Explicit save policies (any of them saves); override every convenience save option. Default: built from the options. */
  savePolicies?: readonly SavePolicy[];
  /** Explicit retention policies (the union is kept); override every convenience retention option. Default: built from the options. */
  retentionPolicies?: readonly RetentionPolicy[];
  /**
   * Write the run's metrics logs (`manager.log`): `metrics.jsonl` and a TensorBoard event file in the
   * run directory, with `hparams` in TensorBoard's HParams tab. Every `save()` logs its step, epoch
   * and metrics (saved or not) and flushes both files; `close()` adds the best checkpoint's metrics
   * as `best_<metric>`. Log more (e.g. per-batch loss) with `manager.log.log(...)`.
   * A run that already has checkpoints is taken to resume from its latest: its TensorBoard session
   * starts after that step, so scalars an interrupted attempt logged past it are hidden.
   * Each open starts a new TensorBoard session: pass `false` when opening a run only to restore from it.
   * Default: true with a filesystem store (the default store); false with other stores, which have
   * no directory (`true` there is `E_INVALID_ARGUMENT`).
   */
  log?: boolean;
  /** Write in the background: `save()` returns once tensors are copied. Default: true. */
  async?: boolean;
  /** Where checkpoints go. Default: an `FsStore` on the run directory. */
  store?: Store;
  /** Clock, ms since the Unix epoch (for step times and retention). Default: `Date.now`. */
  now?: () => number;
  /** Hyperparameters recorded in `run.json` when the run is created. Default: `{}`. */
  hparams?: { readonly [key: string]: JsonValue };
  /** Receives warnings (fallback to an older checkpoint, stale lock taken over). Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /** Directory whose git commit/branch/dirty is recorded in `run.json`. Default: `process.cwd()`. */
  gitCwd?: string;
  /**
   * How many offered steps (saved or not) save policies see as history; older ones are forgotten so
   * memory stays bounded on long runs (the sliding-window rule then looks back this far). The history
   * is kept in the run (`steps/`, see `step-history.ts`) and read back on open, so decisions after a
   * restart are those of a run that never stopped. Default: 100,000.
   */
  historyLimit?: number;
  /**
   * A tensor file (`model.safetensors`, ...) holding more tensor bytes than this is written as
   * Hugging Face shards instead: `model-00001-of-0000N.safetensors` plus `model.safetensors.index.json`,
   * all in the manifest. Restores read either form. Default: 5 GB ({@link DEFAULT_MAX_SHARD_BYTES}), as Hugging Face.
   */
  maxShardBytes?: number;
}

const MAX_WORDS = ['acc', 'accuracy', 'f1', 'auc', 'auroc', 'precision', 'recall', 'r2', 'map', 'iou', 'dice', 'bleu', 'rouge', 'score', 'top1', 'top5'];

/**
 * `max` when a part of `monitor` (split at `_`, `/`, `-`, `.`) is accuracy-like (acc, f1, auc,
 * precision, recall, r2, map, iou, dice, bleu, rouge, score), else `min` (losses, errors).
 */
export function inferMode(monitor: string): MetricMode {
  const parts = monitor.toLowerCase().split(/[_/\-.\s]+/);
  return parts.some((p) => MAX_WORDS.includes(p)) ? 'max' : 'min';
}

/** A save policy that saves every time it is asked: the default schedule when no other is set. */
export const everyCall: SavePolicy = { name: 'every call', decide: () => ({ save: true, reasons: ['every call'] }) };

/** The options with defaults filled and policies built. */
export interface ResolvedOptions {
  readonly monitor: string | undefined;
  readonly mode: MetricMode;
  readonly savePolicy: SavePolicy;
  /** Names of the save policies `savePolicy` combines (recorded in `run.json`). */
  readonly savePolicyNames: readonly string[];
  readonly retentionPolicies: readonly RetentionPolicy[];
  readonly filename: string;
  readonly async: boolean;
  readonly now: () => number;
  readonly onWarning: (message: string) => void;
  readonly historyLimit: number;
  readonly maxShardBytes: number;
}

function needMonitor(option: string, monitor: string | undefined): string {
  if (monitor === undefined) throw new CkptError('E_INVALID_ARGUMENT', `the ${option} option needs a monitored metric: set monitor, e.g. monitor: 'val_loss'`);
  return monitor;
}

/** Fills defaults and builds the policies; throws `E_INVALID_ARGUMENT` for contradictory options. */
export function resolveOptions(o: CheckpointManagerOptions): ResolvedOptions {
  const monitor = o.monitor;
  const mode = o.mode ?? (monitor === undefined ? 'min' : inferMode(monitor));
  const minDelta = o.minDelta ?? 0;

  if (o.maxShardBytes !== undefined && (!Number.isSafeInteger(o.maxShardBytes) || o.maxShardBytes < 1)) {
    throw new CkptError('E_INVALID_ARGUMENT', `maxShardBytes must be a positive integer, got ${o.maxShardBytes}`);
  }
  if (o.historyLimit !== undefined && (!Number.isSafeInteger(o.historyLimit) || o.historyLimit < 1)) {
    throw new CkptError('E_INVALID_ARGUMENT', `historyLimit must be an integer >= 1, got ${o.historyLimit}`);
  }
  let save: SavePolicy[];
  if (o.savePolicies !== undefined) {
    save = [...o.savePolicies];
  } else {
    save = [];
    if (o.everyNEpochs !== undefined) save.push(everyNEpochs(o.everyNEpochs));
    if (o.everyNSteps !== undefined) save.push(everyNSteps(o.everyNSteps));
    if (o.everyNSeconds !== undefined) save.push(everyNSeconds(o.everyNSeconds));
    if (o.saveOnImprovementOnly === true) save.push(onImprovement({ monitor: needMonitor('saveOnImprovementOnly', monitor), mode, minDelta }));
    if (o.slidingWindow !== undefined) {
      const sw = o.slidingWindow;
      save.push(slidingWindow({ monitor: needMonitor('slidingWindow', monitor), mode, window: sw.window, minDelta: sw.minDelta ?? minDelta, ...(sw.plateauEvery === undefined ? {} : { plateauEvery: sw.plateauEvery }) }));
    }
    if (save.length === 0) save.push(everyCall);
    save.push(onTrigger());
  }

  let retention: RetentionPolicy[];
  if (o.retentionPolicies !== undefined) {
    retention = [...o.retentionPolicies];
  } else {
    retention = [];
    if (o.saveTopK !== undefined) retention.push(keepTopK({ k: o.saveTopK, monitor: needMonitor('saveTopK', monitor), mode }));
    if (o.keepLast !== undefined) retention.push(keepLastN(o.keepLast));
    if (o.keepEveryNEpochs !== undefined) retention.push(keepEveryNEpochs(o.keepEveryNEpochs));
    if (o.keepWithinSeconds !== undefined) retention.push(keepWithin(o.keepWithinSeconds * 1000));
  }

  const filename = o.filename ?? (monitor === undefined ? DEFAULT_NAME_TEMPLATE : `${DEFAULT_NAME_TEMPLATE}-{${monitor}:.4f}`);
  templatePlaceholders(filename); // throws E_TEMPLATE now rather than at the first save
  return {
    monitor,
    mode,
    savePolicy: anyOf(...save),
    savePolicyNames: save.map((p) => p.name),
    retentionPolicies: retention,
    filename,
    async: o.async ?? true,
    now: o.now ?? Date.now,
    onWarning: o.onWarning ?? ((m: string) => console.warn(`ckpt: ${m}`)),
    historyLimit: o.historyLimit ?? 100_000,
    maxShardBytes: o.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES,
  };
}
