/**
 * The steps offered to the manager (saved or not), kept in the run so that save policies that look
 * back (the sliding-window rule) decide after a restart as if the run had never stopped.
 *
 * Layout: `steps/<chunk>.jsonl`, chunk numbers of 8 digits, at most {@link STEPS_PER_CHUNK} lines each,
 * one `{"step","epoch","time","metrics"}` object per line (non-finite metrics as `"NaN"`, ...). Only the
 * manager's offered steps go here, never rows logged by training code through `manager.log`.
 * The manager rewrites the current chunk with one atomic put per `save()` (works on every store, no
 * append needed), so the cost per save is bounded by the chunk size, not by the run's length: at
 * once for a step it does not save, after the checkpoint's commit and retention for one it saves.
 * A failed write is retried with the next one (the steps stay buffered) and only warned about:
 * the history helps decisions after a restart, it is not a checkpoint.
 *
 * Resumed attempts: global steps only grow in one attempt. A record whose step is lower than the
 * one before it starts over from an earlier checkpoint, so the records after its step belong to
 * an abandoned attempt and are dropped ({@link appendStep}), in memory and when reading back.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import type { Store } from '../storage/store.js';
import { parseJson } from '../util/json.js';
import { decodeMetrics, encodeMetrics } from './manifest.js';
import type { StepRecord } from './policies/types.js';

/** Folder of the step history, relative to the run. */
export const STEPS_DIR = 'steps/';
/** Lines per chunk file. */
export const STEPS_PER_CHUNK = 1000;

const chunkKey = (n: number): string => `${STEPS_DIR}${String(n).padStart(8, '0')}.jsonl`;

/** Drops the trailing records of an abandoned attempt: those with a step above `step`. */
export function dropAbandoned(history: StepRecord[], step: number): void {
  let keep = history.length;
  while (keep > 0 && (history[keep - 1]?.step ?? -Infinity) > step) keep--;
  if (keep < history.length) history.splice(keep);
}

/** Appends `record` to `history` after {@link dropAbandoned}. */
export function appendStep(history: StepRecord[], record: StepRecord): void {
  dropAbandoned(history, record.step);
  history.push(record);
}

function parseLine(line: string): StepRecord | undefined {
  let v: unknown;
  try {
    v = parseJson(line, 'a step history line');
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (!Number.isSafeInteger(r.step) || !Number.isSafeInteger(r.epoch) || typeof r.time !== 'number' || !Number.isFinite(r.time)) return undefined;
  if (typeof r.metrics !== 'object' || r.metrics === null || Array.isArray(r.metrics)) return undefined;
  const metrics: Record<string, number | string> = {};
  for (const [k, m] of Object.entries(r.metrics)) {
    if (typeof m === 'number' || m === 'NaN' || m === 'Infinity' || m === '-Infinity') metrics[k] = m;
    else return undefined;
  }
  return { step: r.step as number, epoch: r.epoch as number, time: r.time, metrics: decodeMetrics(metrics) };
}

/** Writes a run's step history, one chunk file per {@link STEPS_PER_CHUNK} offered steps. Only the lock holder writes. */
export class StepHistoryWriter {
  /** Full chunks with steps not yet written. */
  private readonly full: { chunk: number; lines: string[] }[] = [];
  /** True when the current chunk has steps not yet written. */
  private dirty = false;

  private constructor(
    private readonly store: Store,
    private chunk: number,
    private lines: string[],
  ) {}

  /**
   * Reads the history back (the last `limit` records, abandoned attempts dropped; unreadable lines
   * skipped) and returns it with a writer that appends after it.
   */
  static async open(store: Store, limit: number): Promise<{ history: StepRecord[]; writer: StepHistoryWriter }> {
    const keys = (await store.list(STEPS_DIR)).filter((k) => /^steps\/\d{8}\.jsonl$/.test(k)).sort();
    const history: StepRecord[] = [];
    let lastLines: string[] = [];
    for (const key of keys) {
      const text = new TextDecoder().decode(await store.get(key));
      lastLines = text.split('\n').filter((l) => l !== '');
      for (const line of lastLines) {
        const r = parseLine(line);
        if (r !== undefined) appendStep(history, r);
      }
      if (history.length > 2 * limit) history.splice(0, history.length - limit);
    }
    if (history.length > limit) history.splice(0, history.length - limit);
    const lastKey = keys.at(-1);
    const chunk = lastKey === undefined ? 0 : Number(lastKey.slice(STEPS_DIR.length, STEPS_DIR.length + 8));
    return { history, writer: new StepHistoryWriter(store, chunk, lastKey === undefined ? [] : lastLines) };
  }

  /** Buffers one offered step; {@link flush} makes it durable. */
  record(r: StepRecord): void {
    if (this.lines.length >= STEPS_PER_CHUNK) {
      if (this.dirty) this.full.push({ chunk: this.chunk, lines: this.lines });
      this.chunk++;
      this.lines = [];
    }
    this.lines.push(JSON.stringify({ step: r.step, epoch: r.epoch, time: r.time, metrics: encodeMetrics(r.metrics) }));
    this.dirty = true;
  }

  /** Writes the buffered steps: one atomic put per chunk touched. On failure they stay buffered for the next flush. */
  async flush(): Promise<void> {
    for (let c = this.full[0]; c !== undefined; c = this.full[0]) {
      await this.put(c.chunk, c.lines);
      this.full.shift();
    }
    if (!this.dirty) return;
    await this.put(this.chunk, this.lines);
    this.dirty = false;
  }

  private async put(chunk: number, lines: readonly string[]): Promise<void> {
    try {
      await this.store.put(chunkKey(chunk), new TextEncoder().encode(lines.join('\n') + '\n'));
    } catch (err) {
      throw err instanceof CkptError ? err : new CkptError('E_IO', `could not write ${chunkKey(chunk)}`, { cause: err });
    }
  }
}
