/**
 * `CheckpointManager`: the one object a training loop talks to. It composes the parts and holds
 * the run's life cycle; each decision and mechanism lives in its own module:
 * policies (when to save, what to keep), naming, snapshot, commit, catalog (the manifests), load,
 * lock, run info and signals.
 *
 * @example
 * ```ts
 * const ckpt = await CheckpointManager.open('runs/mnist', { monitor: 'val_acc', saveTopK: 3, keepLast: 1 });
 * if (ckpt.latest()) ({ state } = await ckpt.restore('latest'));
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   // ... train, evaluate ...
 *   await ckpt.save({ epoch, step, metrics: { val_acc }, state: { model, optimizer, rng } });
 * }
 * await ckpt.close();
 * ```
 * Besides the checkpoints, the manager keeps `run.json` (provenance; how the run judges "best";
 * the checkpoint it resumed from), the metrics logs (`metrics.jsonl` + TensorBoard, see the `log`
 * option and {@link CheckpointManager.log}) and the offered-step history (`steps/`, so save
 * policies decide across restarts as if the run never stopped).
 * @module
 */
import { CkptError, isCkptError } from '../errors.js';
import { serializeSafetensors } from '../formats/safetensors/index.js';
import { FsStore } from '../storage/fs-store.js';
import type { Store } from '../storage/store.js';
import type { StateValue } from '../tensor/state-tree.js';
import type { RunLog } from '../tracking/run-log.js';
import { infoOf, readCatalog, sweepRun, type CheckpointInfo } from './catalog.js';
import { commitCheckpoint } from './commit.js';
import { loadCheckpoint, type LoadedCheckpoint } from './load.js';
import { bestMetrics, openManagerLog } from './metrics-log.js';
import { acquireRunLock, type RunLock } from './lock.js';
import { DEFAULT_NAME_TEMPLATE, renderCheckpointName, uniqueName } from './naming.js';
import { resolveOptions, type CheckpointManagerOptions, type ResolvedOptions } from './options.js';
import { requireMetric } from './policies/metric.js';
import { bestCheckpoint, compareOldestFirst, latestCheckpoint, rankByMetric } from './policies/order.js';
import { planRetention } from './policies/plan-retention.js';
import { executeRetention, protectedCheckpoints } from './retention.js';
import type { CheckpointRecord, SaveTrigger, StepRecord } from './policies/types.js';
import { ensureRunInfo, ckptPackageVersion, writeRunInfo, type RunInfo } from './run-info.js';
import { reconcileCheckpointing } from './run-record.js';
import { installSignalHandlers, type SignalOptions } from './signals.js';
import { snapshotState, StagingBuffer } from './snapshot.js';
import { dropAbandoned, StepHistoryWriter } from './step-history.js';
import { encodeStateFile } from './state-file.js';
import { verifyCheckpoint, verifyRun, type VerifyReport } from './verify.js';

/** What to save. */
export interface SaveRequest {
  /** Epoch, 0-based integer. */
  epoch: number;
  /** Global step (optimizer updates so far), integer >= 0. */
  step: number;
  /** Metrics of this step, e.g. `{ val_loss: 0.12, val_acc: 0.97 }`. Default: `{}`. */
  metrics?: Readonly<Record<string, number>>;
  /**
   * The state tree. Tensors under `model` go to `model.safetensors`, under `optimizer` to
   * `optimizer.safetensors`, any others to `extra.safetensors`; everything else (counters, RNG
   * state, data order...) to `state.json`.
   */
  state: StateValue;
  /** Save now whatever the schedule says (`interrupt`, `exception`, `force`). Default: none. */
  trigger?: SaveTrigger;
  /**
   * Async saves only: copy the tensor bytes before returning, so training may change them while
   * the write goes on. Set `false` when the tensors are fresh buffers nobody changes until the
   * write is done (e.g. read back from TF.js with `data()`): `save()` then returns without copying.
   * Default: `true`.
   */
  copy?: boolean;
}

/** What `save()` did. */
export type SaveResult =
  | {
      readonly saved: true;
      /** Name of the checkpoint folder. */
      readonly name: string;
      /** Why it was saved. */
      readonly reasons: readonly string[];
      /** True when it is still being written (async); `wait()` for it. */
      readonly pending: boolean;
      /** Checkpoints retention removed after this save (sync saves; always `[]` for async saves, see `list()` after `wait()`). */
      readonly removed: readonly string[];
    }
  | { readonly saved: false; readonly reasons: readonly string[] };

/** Options of {@link CheckpointManager.close}. */
export interface CloseOptions {
  /** More final metrics for the run log (e.g. `test_accuracy`), beside the best checkpoint's `best_<metric>`. Default: none. */
  finalMetrics?: Readonly<Record<string, number>>;
  /** Outcome recorded in TensorBoard's HParams tab. Default: `failure` after an interrupt (`beginShutdown`), else `success`. */
  status?: 'success' | 'failure';
}

/** Which checkpoint to restore: `latest`, `best`, a name, or a step. */
export type RestoreSelector = 'latest' | 'best' | string | number;

/** Manages the checkpoints of one run. Create with {@link CheckpointManager.open}. */
export class CheckpointManager {
  private checkpoints: CheckpointInfo[];
  private readonly staging = new StagingBuffer();
  private inflight: Promise<void> | undefined;
  private pending: CheckpointRecord | undefined;
  private failure: unknown;
  private closed = false;
  private removeSignalHandlers: (() => void) | undefined;
  private shutdownReason: string | undefined;
  private info: RunInfo;

  private constructor(
    /** Where the checkpoints are. */
    readonly store: Store,
    private readonly o: ResolvedOptions,
    private readonly lock: RunLock,
    runInfo: RunInfo,
    checkpoints: readonly CheckpointInfo[],
    /** Folders without a valid manifest that were kept for inspection: their names are taken. */
    private readonly takenNames: readonly string[],
    private readonly runLog: RunLog | undefined,
    /** Offered steps (saved or not) as save policies see them, restored from `steps/` on open. */
    private readonly history: StepRecord[],
    private readonly steps: StepHistoryWriter,
  ) {
    this.checkpoints = [...checkpoints];
    this.info = runInfo;
  }

  /**
   * The run's metrics logs (`metrics.jsonl` + TensorBoard), written by every `save()`; log extra
   * metrics (per-batch loss, ...) here and they land in the same files. `undefined` with `log: false`
   * or a store without a directory. Closed by `close()`: do not close it yourself.
   */
  get log(): RunLog | undefined {
    return this.runLog;
  }

  /** The run's provenance and bookkeeping (`run.json`), as last written. */
  get runInfo(): RunInfo {
    return this.info;
  }

  /**
   * Name of the checkpoint this run last restored, recorded in `run.json` so that it survives
   * restarts; retention (here and in `ckpt prune`) never deletes it while it exists.
   */
  get resumedFrom(): string | undefined {
    return this.info.resumedFrom;
  }

  /**
   * Opens (or creates) the run at `dir`: takes the run lock (`E_LOCKED` if another live process
   * holds it), sweeps leftovers of interrupted writes and deletes, rebuilds the checkpoint list
   * (and so best score and top-K) from the manifests, and writes `run.json` when the run is new.
   * `dir` is the run directory for the default `FsStore`; with `options.store` it only names the run.
   */
  static async open(dir: string, options: CheckpointManagerOptions = {}): Promise<CheckpointManager> {
    const o = resolveOptions(options);
    const store = options.store ?? new FsStore(dir);
    const lock = await acquireRunLock(store, { now: o.now, onWarning: o.onWarning });
    try {
      await sweepRun(store);
      const { checkpoints, incomplete } = await readCatalog(store);
      let runInfo = await ensureRunInfo(store, {
        now: o.now,
        ...(options.hparams === undefined ? {} : { hparams: options.hparams }),
        ...(options.gitCwd === undefined ? {} : { cwd: options.gitCwd }),
      });
      const change = reconcileCheckpointing(runInfo.checkpointing, o);
      if (change !== undefined) {
        if (change.warning !== undefined) o.onWarning(change.warning);
        runInfo = { ...runInfo, checkpointing: change.next };
        await writeRunInfo(store, runInfo);
      }
      const { history, writer } = await StepHistoryWriter.open(store, o.historyLimit);
      const runLog = await openManagerLog(store, {
        enabled: options.log,
        hparams: options.hparams ?? runInfo.hparams,
        resumedFromStep: latestCheckpoint(checkpoints)?.step,
        now: o.now,
      });
      return new CheckpointManager(store, o, lock, runInfo, checkpoints, [...incomplete.keys()], runLog, history, writer);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw err;
    }
  }

  /** The monitored metric and its mode, when one is set. */
  get monitor(): { readonly name: string; readonly mode: 'min' | 'max' } | undefined {
    return this.o.monitor === undefined ? undefined : { name: this.o.monitor, mode: this.o.mode };
  }

  /**
   * Offers a step. Decides with the save policies (a `trigger` always saves), and when saving:
   * snapshots the state, writes and commits the checkpoint, then applies retention. With `async`
   * (the default) it returns once tensors are copied and the write goes on in the background;
   * at most one write is in flight (a second save waits for the first). A failed background write
   * is thrown by the next call (save, restore, wait or close).
   * Throws `E_METRIC_MISSING` when the monitored metric is not in `metrics` (except for triggers).
   */
  async save(request: SaveRequest): Promise<SaveResult> {
    if (this.shutdownReason !== undefined && request.trigger !== 'interrupt') return { saved: false, reasons: [this.shutdownReason] };
    this.ensureOpen();
    this.throwFailure();
    const current = this.stepRecord(request);
    dropAbandoned(this.history, current.step); // steps past a checkpoint this run resumed from
    let decision;
    if (request.trigger !== undefined) {
      decision = { save: true, reasons: [`trigger: ${request.trigger}`] };
    } else {
      if (this.o.monitor !== undefined) requireMetric(current, this.o.monitor, 'save');
      const visible = this.pending === undefined ? this.checkpoints : [...this.checkpoints, this.pending];
      decision = this.o.savePolicy.decide({ current, history: this.history, checkpoints: visible });
    }
    if (this.runLog !== undefined) {
      this.runLog.log({ step: current.step, epoch: current.epoch, metrics: current.metrics });
      await this.runLog.flush();
    }
    this.steps.record(current);
    this.history.push(current);
    if (this.history.length > this.o.historyLimit) this.history.splice(0, this.history.length - this.o.historyLimit);
    if (!decision.save) {
      await this.flushSteps();
      return { saved: false, reasons: decision.reasons };
    }

    // One snapshot at a time: the previous write must finish before its staging buffer is reused.
    // Re-check after every wake-up: another save() may have started its write in between.
    do await this.settle();
    while (this.inflight !== undefined);
    this.throwFailure();
    const name = uniqueName(this.renderName(current, request.trigger), new Set([...this.checkpoints.map((c) => c.name), ...this.takenNames]));
    const snapshot = snapshotState(request.state, this.o.async && request.copy !== false ? this.staging : undefined);
    // Plan every file now (cheap: headers only), so bad dtypes or names throw here, not in the background.
    for (const tensors of snapshot.tensorFiles.values()) serializeSafetensors(tensors);
    const stateJson = encodeStateFile({
      epoch: current.epoch,
      step: current.step,
      metrics: current.metrics,
      skeleton: snapshot.skeleton,
      framework: { library: 'ckpt', version: ckptPackageVersion(), node: process.version },
    });
    const write = async (): Promise<string[]> => {
      const manifest = await commitCheckpoint(
        this.store,
        { name, ...current, ...(request.trigger === undefined ? {} : { trigger: request.trigger }), reasons: decision.reasons, tensorFiles: snapshot.tensorFiles, stateJson },
        this.o.now,
        { maxShardBytes: this.o.maxShardBytes },
      );
      this.checkpoints.push(infoOf(name, manifest));
      this.checkpoints.sort(compareOldestFirst);
      const removed = await this.applyRetention();
      await this.flushSteps();
      return removed;
    };
    // Sync or async, the write is tracked as the one in flight, so concurrent calls queue behind it.
    let syncError: unknown;
    let removed: readonly string[] = [];
    this.pending = { name, ...current };
    const tracked = write().then(
      (r) => {
        removed = r;
        this.pending = undefined;
        this.inflight = undefined;
      },
      (err: unknown) => {
        this.pending = undefined;
        this.inflight = undefined;
        if (this.o.async) this.failure = err;
        else syncError = err ?? new CkptError('E_SAVE_FAILED', `saving ${name} failed`);
      },
    );
    this.inflight = tracked;
    if (!this.o.async) {
      await tracked;
      if (syncError !== undefined) throw syncError;
      return { saved: true, name, reasons: decision.reasons, pending: false, removed };
    }
    return { saved: true, name, reasons: decision.reasons, pending: true, removed: [] };
  }

  /**
   * Loads a checkpoint back, verifying every file first. `latest` and `best` fall back to the
   * next candidate (older, or next best) when one is corrupt or incomplete, warning with its name;
   * a name or step selects exactly that checkpoint (`E_CORRUPT`, `E_NOT_FOUND` otherwise).
   * The restored checkpoint is remembered as `resumedFrom` and never deleted by retention.
   */
  async restore(selector: RestoreSelector = 'latest'): Promise<LoadedCheckpoint> {
    this.ensureOpen();
    await this.settle();
    this.throwFailure();
    const candidates = this.candidates(selector);
    const fallback = selector === 'latest' || selector === 'best';
    const bad: string[] = [];
    for (const c of candidates) {
      try {
        const loaded = await loadCheckpoint(this.store, c.name);
        if (bad.length > 0) this.o.onWarning(`restore('${selector}'): ${bad.join('; ')}; restored "${c.name}" (epoch ${c.epoch}, step ${c.step}) instead`);
        if (this.info.resumedFrom !== c.name) {
          const next = { ...this.info, resumedFrom: c.name };
          await writeRunInfo(this.store, next);
          this.info = next;
        }
        return loaded;
      } catch (err) {
        if (!fallback || !(isCkptError(err, 'E_CORRUPT') || isCkptError(err, 'E_INCOMPLETE'))) throw err;
        bad.push(`checkpoint "${c.name}" is unusable (${err.message})`);
      }
    }
    if (bad.length > 0) throw new CkptError('E_CORRUPT', `restore('${selector}'): no valid checkpoint in ${this.store.location}: ${bad.join('; ')}`);
    throw new CkptError('E_NOT_FOUND', `restore(${JSON.stringify(selector)}): no such checkpoint in ${this.store.location}` + (this.checkpoints.length === 0 ? ' (the run has none yet)' : ''));
  }

  /** Committed checkpoints, oldest first (a background write shows up once committed). */
  list(): readonly CheckpointInfo[] {
    return [...this.checkpoints];
  }

  /** The best committed checkpoint by the monitored metric (NaN never best); `undefined` without `monitor` or checkpoints. */
  best(): CheckpointInfo | undefined {
    if (this.o.monitor === undefined) return undefined;
    const b = bestCheckpoint(this.checkpoints, this.o.monitor, this.o.mode);
    return b === undefined ? undefined : this.byName(b.name);
  }

  /** The latest committed checkpoint (highest step, then time); `undefined` when there is none. */
  latest(): CheckpointInfo | undefined {
    const l = latestCheckpoint(this.checkpoints);
    return l === undefined ? undefined : this.byName(l.name);
  }

  /** Verifies one checkpoint (by name) or, without a name, every checkpoint folder of the run. */
  async verify(name: string): Promise<VerifyReport>;
  async verify(): Promise<VerifyReport[]>;
  async verify(name?: string): Promise<VerifyReport | VerifyReport[]> {
    await this.settle();
    return name === undefined ? verifyRun(this.store) : verifyCheckpoint(this.store, name);
  }

  /** Waits for the background write, if any; throws its error if it failed. */
  async wait(): Promise<void> {
    await this.settle();
    this.throwFailure();
  }

  /**
   * Opt-in: on SIGINT/SIGTERM, finish the in-flight save, save `finalState()` with trigger
   * `interrupt`, close, and exit 130/143; a second signal exits at once. Returns a function that
   * removes the handlers (also done by `close()`).
   */
  handleSignals(options: SignalOptions): () => void {
    this.removeSignalHandlers?.();
    const remove = installSignalHandlers(this, options, this.o.onWarning);
    this.removeSignalHandlers = remove;
    return remove;
  }

  /**
   * Stops accepting scheduled saves (they return `saved: false` with `reason`); only `interrupt`
   * saves go on. Used by signal handling so the training loop can keep calling `save()` safely.
   */
  beginShutdown(reason: string): void {
    this.shutdownReason ??= reason;
  }

  /**
   * Waits for the background write, closes the run log (final metrics: the best checkpoint's as
   * `best_<metric>`, plus `options.finalMetrics`), releases the lock and the staging memory.
   * Throws a pending write error (or a log error). Idempotent.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    await this.settle();
    this.closed = true;
    this.removeSignalHandlers?.();
    this.staging.release();
    await this.flushSteps();
    let logError: unknown;
    try {
      const status = options.status ?? (this.shutdownReason === undefined && this.failure === undefined ? 'success' : 'failure');
      await this.runLog?.close({ finalMetrics: { ...bestMetrics(this.best()), ...options.finalMetrics }, status });
    } catch (err) {
      logError = err;
    }
    await this.lock.release();
    this.throwFailure();
    if (logError !== undefined) throw logError;
  }

  private stepRecord(r: SaveRequest): StepRecord {
    if (!Number.isSafeInteger(r.epoch) || r.epoch < 0) throw new CkptError('E_INVALID_ARGUMENT', `save: epoch must be an integer >= 0, got ${r.epoch}`);
    if (!Number.isSafeInteger(r.step) || r.step < 0) throw new CkptError('E_INVALID_ARGUMENT', `save: step must be an integer >= 0, got ${r.step}`);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.metrics ?? {})) {
      if (typeof v !== 'number') throw new CkptError('E_INVALID_ARGUMENT', `save: metric ${k} must be a number, got ${typeof v}`);
      metrics[k] = v;
    }
    return { epoch: r.epoch, step: r.step, metrics, time: this.o.now() };
  }

  /** The name from the template; a trigger save whose metrics the template lacks is named `<default>-<trigger>`. */
  private renderName(current: StepRecord, trigger: SaveTrigger | undefined): string {
    try {
      return renderCheckpointName(this.o.filename, current);
    } catch (err) {
      if (trigger === undefined || !isCkptError(err, 'E_METRIC_MISSING')) throw err;
      return renderCheckpointName(`${DEFAULT_NAME_TEMPLATE}-${trigger}`, current, { autoInsertMetricName: true });
    }
  }

  private candidates(selector: RestoreSelector): CheckpointInfo[] {
    const newestFirst = [...this.checkpoints].sort(compareOldestFirst).reverse();
    if (selector === 'latest') return newestFirst;
    if (selector === 'best') {
      if (this.o.monitor === undefined) throw new CkptError('E_INVALID_ARGUMENT', "restore('best') needs a monitored metric: open the manager with monitor");
      return rankByMetric(this.checkpoints, this.o.monitor, this.o.mode).map((r) => this.byName(r.checkpoint.name));
    }
    if (typeof selector === 'number') return newestFirst.filter((c) => c.step === selector).slice(0, 1);
    return newestFirst.filter((c) => c.name === selector);
  }

  private byName(name: string): CheckpointInfo {
    const c = this.checkpoints.find((x) => x.name === name);
    if (c === undefined) throw new CkptError('E_INTERNAL', `checkpoint ${name} vanished from the list`);
    return c;
  }

  private async applyRetention(): Promise<string[]> {
    const protect = protectedCheckpoints(this.checkpoints, this.monitor, this.resumedFrom);
    const plan = planRetention(this.checkpoints, this.o.retentionPolicies, { now: this.o.now(), protected: protect });
    const removed = await executeRetention(this.store, plan, (name, err) =>
      this.o.onWarning(`retention could not delete checkpoint "${name}": ${err instanceof Error ? err.message : String(err)}; it will be retried`),
    );
    this.checkpoints = this.checkpoints.filter((c) => !removed.includes(c.name));
    return removed;
  }

  /** Writes the buffered step history; a failure is a warning (retried with the next save), not a failed save. */
  private async flushSteps(): Promise<void> {
    try {
      await this.steps.flush();
    } catch (err) {
      this.o.onWarning(`could not record the step history (${err instanceof Error ? err.message : String(err)}); it is retried with the next save`);
    }
  }

  private async settle(): Promise<void> {
    while (this.inflight !== undefined) await this.inflight;
  }

  private throwFailure(): void {
    if (this.failure === undefined) return;
    const err = this.failure;
    this.failure = undefined;
    throw err;
  }

  private ensureOpen(): void {
    if (this.closed) throw new CkptError('E_USAGE', 'this CheckpointManager is closed; open the run again');
  }
}
