/**
 * A run's metrics, written twice: `metrics.jsonl` (for people and scripts) and a TensorBoard event
 * file (scalars, plus hyperparameters and final metrics for the HParams tab). The checkpoint
 * manager and the demo log through this.
 *
 * @example
 * ```ts
 * const log = await RunLog.open('runs/a', { hparams: { lr: 1e-3, optimizer: 'adam' } });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   log.log({ step: (epoch + 1) * 100, epoch, metrics: { loss: 0.3, val_acc: 0.97 } });
 *   await log.flush(); // durable once per epoch
 * }
 * await log.close({ finalMetrics: { best_val_acc: 0.97 } });
 * ```
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CkptError, fromSystemError } from '../errors.js';
import { SessionLogStatus } from './event-proto.js';
import { EventFileWriter } from './event-writer.js';
import type { HParamValue, HParamsSessionStatus } from './hparams-proto.js';
import { MetricsLogWriter, type TailRepair } from './jsonl-log.js';

/** File name of the JSONL log inside the run directory. */
export const METRICS_LOG_FILE = 'metrics.jsonl';

/** Options of {@link RunLog.open}. */
export interface RunLogOptions {
  /**
   * Hyperparameters shown in TensorBoard's HParams tab. When given (even `{}`), the event file gets
   * the hparams session-start record now and the session-end record on `close()` (no experiment
   * record: see {@link RunLog.close}).
   * Default: none, and no hparams records.
   */
  hparams?: Readonly<Record<string, HParamValue>>;
  /** Clock in milliseconds since the Unix epoch, for `time` in the JSONL and wall_time in events. Default: `Date.now`. */
  now?: () => number;
  /**
   * The step of the checkpoint this run resumes from. The session's `SessionLog.START` event is then
   * written at the next step, so TensorBoard discards scalars an interrupted earlier attempt logged
   * after it. The JSONL log keeps every line: take the last line per step. Default: none (a fresh
   * run, START at step 0).
   */
  resumedFromStep?: number;
  /** Host name in the event file name. Default: `os.hostname()`. */
  hostname?: string;
  /** Buffered bytes per file that start a background write. Default: 64 KiB. */
  maxBufferBytes?: number;
}

/** One logged step. */
export interface RunLogEntry {
  /** Global step (integer). */
  readonly step: number;
  /** Epoch (integer), when known. Default: omitted from the JSONL line. */
  readonly epoch?: number;
  /** Metric name to value; non-finite values are kept (see the JSONL format). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Options of {@link RunLog.close}. */
export interface RunLogCloseOptions {
  /** Metrics shown as the run's result in the HParams tab (e.g. `best_val_acc`); written as scalars at the last logged step. Default: none. */
  finalMetrics?: Readonly<Record<string, number>>;
  /** Session status recorded in the HParams tab. Default: `success`. */
  status?: Extract<HParamsSessionStatus, 'success' | 'failure'>;
}

/** See the module documentation. `log()` only buffers; write errors surface from `flush()` / `close()`. */
export class RunLog {
  private lastStep = 0;
  private closed = false;

  private constructor(
    /** The run directory. */
    readonly runDir: string,
    private readonly jsonl: MetricsLogWriter,
    private readonly events: EventFileWriter,
    private readonly now: () => number,
    private readonly hasHParams: boolean,
  ) {}

  /** Path of `metrics.jsonl`. */
  get metricsPath(): string {
    return this.jsonl.path;
  }

  /** Path of this session's event file. */
  get eventsPath(): string {
    return this.events.path;
  }

  /** Set when opening found a torn last JSONL line (left by a crash) and repaired it. */
  get repairedTail(): TailRepair | undefined {
    return this.jsonl.repaired;
  }

  /**
   * Opens (creating) the run directory, appends to its `metrics.jsonl` (cutting off a torn last line)
   * and starts a new event file, flushed at once with its first records.
   */
  static async open(runDir: string, options: RunLogOptions = {}): Promise<RunLog> {
    const now = options.now ?? Date.now;
    if (options.hparams !== undefined) checkHParams(options.hparams);
    if (options.resumedFromStep !== undefined && !Number.isSafeInteger(options.resumedFromStep)) {
      throw new CkptError('E_INVALID_ARGUMENT', `resumedFromStep must be an integer, got ${options.resumedFromStep}`);
    }
    try {
      await mkdir(runDir, { recursive: true });
    } catch (err) {
      throw fromSystemError(err, 'create run directory', runDir);
    }
    const buffer = options.maxBufferBytes === undefined ? {} : { maxBufferBytes: options.maxBufferBytes };
    const jsonl = await MetricsLogWriter.open(join(runDir, METRICS_LOG_FILE), buffer);
    let events: EventFileWriter;
    try {
      events = await EventFileWriter.open(runDir, { now, ...buffer, ...(options.hostname !== undefined ? { hostname: options.hostname } : {}) });
    } catch (err) {
      await jsonl.close().catch(() => undefined);
      throw err;
    }
    const startMs = now();
    // Every session starts with SessionLog.START. TensorBoard's Python loader ignores the first one in
    // a run and, on each later one, drops the events it has seen with step >= its step: the scalars an
    // interrupted attempt logged after the checkpoint we resume from (plugin_event_accumulator.py
    // _CheckForRestartAndMaybePurge; rustboard does not purge).
    const startStep = options.resumedFromStep === undefined ? 0 : options.resumedFromStep + 1;
    events.writeEvent({ wallTime: startMs / 1000, step: startStep, sessionLog: { status: SessionLogStatus.START } });
    if (options.hparams !== undefined) {
      events.writeHParams({ sessionStartInfo: { hparams: options.hparams, startTimeSecs: startMs / 1000 } }, 0, startMs / 1000);
    }
    const log = new RunLog(runDir, jsonl, events, now, options.hparams !== undefined);
    if (options.resumedFromStep !== undefined) log.lastStep = options.resumedFromStep;
    try {
      await log.flush(); // the event file is valid and on disk (with the hparams) before training starts
    } catch (err) {
      await log.close().catch(() => undefined);
      throw err;
    }
    return log;
  }

  /** Buffers one step in both logs. Throws `E_INVALID_ARGUMENT` (and writes nothing) for a bad entry. */
  log(entry: RunLogEntry): void {
    if (this.closed) throw new CkptError('E_USAGE', `the run log of ${this.runDir} is closed`);
    if (Object.keys(entry.metrics).includes('')) throw new CkptError('E_INVALID_ARGUMENT', 'a metric name must not be empty');
    const time = this.now();
    this.jsonl.append({ step: entry.step, ...(entry.epoch !== undefined ? { epoch: entry.epoch } : {}), time, metrics: entry.metrics });
    for (const [tag, value] of Object.entries(entry.metrics)) {
      this.events.writeScalar(tag, value, entry.step, time / 1000);
    }
    this.lastStep = entry.step;
  }

  /** Writes and fsyncs both logs. Call once per epoch. */
  async flush(): Promise<void> {
    await Promise.all([this.jsonl.flush(), this.events.flush()]);
  }

  /**
   * Writes the final metrics (scalars at the last logged step) and the hparams session-end record,
   * then flushes and closes both files.
   *
   * No `_hparams_/experiment` record is written, on purpose: TensorBoard's HParams plugin takes the
   * FIRST experiment record it finds in ANY run of the logdir as the experiment of the whole logdir
   * (backend_context.py `_find_experiment_tag`), so per-run experiments would let one run's columns
   * hide the others' when several ckpt runs are compared. Without one, the plugin builds the
   * experiment from every run's session-start record (hyperparameter types and domains) and scalar
   * tags (metrics), which is exactly what we would have written. `EventFileWriter.writeHParams` can
   * still write an experiment, e.g. into the logdir root as `hp.hparams_config` does.
   */
  async close(options: RunLogCloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown;
    try {
      this.writeEndRecords(options);
    } catch (err) {
      failure = err;
    }
    const results = await Promise.allSettled([this.jsonl.close(), this.events.close()]);
    for (const r of results) if (r.status === 'rejected') failure ??= r.reason;
    if (failure !== undefined) throw failure;
  }

  private writeEndRecords(options: RunLogCloseOptions): void {
    const endSecs = this.now() / 1000;
    const final = options.finalMetrics ?? {};
    for (const [tag, value] of Object.entries(final)) this.events.writeScalar(tag, value, this.lastStep, endSecs);
    if (!this.hasHParams) return;
    this.events.writeHParams({ sessionEndInfo: { status: options.status ?? 'success', endTimeSecs: endSecs } }, this.lastStep, endSecs);
  }
}

function checkHParams(h: Readonly<Record<string, unknown>>): void {
  for (const [k, v] of Object.entries(h)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new CkptError('E_INVALID_ARGUMENT', `hyperparameter "${k}" must be a string, number or boolean, got ${v === null ? 'null' : typeof v}`);
    }
  }
}
