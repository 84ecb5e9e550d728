/**
 * `metrics.jsonl`: the run's metrics as one JSON object per line, one line per logged step or epoch,
 * append-only, readable by anything (`pandas.read_json(path, lines=True)`, `jq`).
 *
 * Line format: `{"step":120,"epoch":2,"time":1764596237123,"loss":0.31,"val_acc":0.97}`
 * - `step` (integer), `epoch` (integer, when given), `time` (milliseconds since the Unix epoch, the
 *   unit of the checkpoint policies' records), then the metrics in the order given.
 * - JSON has no NaN or infinities, and a diverging run produces them, so a non-finite metric is
 *   written as the string `"NaN"`, `"Infinity"` or `"-Infinity"` (the spellings of JavaScript's
 *   `String(x)` and of Python's `float(s)`); the reader turns them back into numbers. Null would lose
 *   which one it was; bare `NaN` tokens (Python's json default) would make the line invalid JSON.
 *   (`-0` is written as `0`, as JSON.stringify does.)
 *
 * Durability: a line is appended whole; `flush()` (once per epoch) fsyncs. A crash can leave a torn
 * last line: the reader skips and reports it, and the writer cuts it off when it reopens the log.
 *
 * @module
 */
import { open, stat, truncate } from 'node:fs/promises';
import { readBoundedFile } from '../util/read-bounded.js';
import { CkptError, fromSystemError } from '../errors.js';
import { AppendFile } from './append-file.js';

/** Default longest line the reader parses: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** Default largest log {@link readMetricsLogFile} loads: 1 GiB. */
export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024 * 1024;
/** Keys of a line that are not metrics. */
export const METRICS_RESERVED_KEYS: readonly string[] = ['step', 'epoch', 'time'];

/** One line of the log. */
export interface MetricsRecord {
  /** Global step. */
  readonly step: number;
  /** Epoch, when logged. */
  readonly epoch?: number;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  /** The metrics; non-finite values included. */
  readonly metrics: Readonly<Record<string, number>>;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** The JSON line (with its trailing newline) for a record. Throws `E_INVALID_ARGUMENT` on a bad step, epoch or metric name. */
export function formatMetricsLine(r: MetricsRecord): string {
  if (!Number.isSafeInteger(r.step)) throw new CkptError('E_INVALID_ARGUMENT', `step must be an integer, got ${r.step}`);
  if (r.epoch !== undefined && !Number.isSafeInteger(r.epoch)) throw new CkptError('E_INVALID_ARGUMENT', `epoch must be an integer, got ${r.epoch}`);
  if (!Number.isFinite(r.time)) throw new CkptError('E_INVALID_ARGUMENT', `time must be a finite number, got ${r.time}`);
  const out: Record<string, number | string> = { step: r.step };
  if (r.epoch !== undefined) out.epoch = r.epoch;
  out.time = r.time;
  for (const [k, v] of Object.entries(r.metrics)) {
    if (METRICS_RESERVED_KEYS.includes(k)) throw new CkptError('E_INVALID_ARGUMENT', `"${k}" is reserved and cannot be a metric name`);
    if (typeof v !== 'number') throw new CkptError('E_INVALID_ARGUMENT', `metric "${k}" must be a number, got ${typeof v}`);
    Object.defineProperty(out, k, { value: Number.isFinite(v) ? v : String(v), enumerable: true, writable: true, configurable: true });
  }
  return `${JSON.stringify(out)}\n`;
}

/** Options of {@link MetricsLogWriter.open}. */
export interface MetricsLogWriterOptions {
  /** Buffered bytes that start a background write. Default: 64 KiB. */
  maxBufferBytes?: number;
  /** Longest last line examined when repairing a torn tail on open. Default: {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

/** What {@link MetricsLogWriter.open} did to an existing log's last line. */
export interface TailRepair {
  /** `truncated`: a torn last line was cut off. `terminated`: a whole last line lacked its newline, one was added. */
  readonly action: 'truncated' | 'terminated';
  /** Byte offset of that last line. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly bytes: number;
}

/** Appends records to `metrics.jsonl`. `append` buffers; `flush` writes and fsyncs. */
export class MetricsLogWriter {
  private constructor(
    private readonly file: AppendFile,
    /** Set when opening found (and fixed) a torn or unterminated last line. */
    readonly repaired: TailRepair | undefined,
  ) {}

  /** The log's path. */
  get path(): string {
    return this.file.path;
  }

  /** Opens `path` for appending (creating it), first repairing a torn last line left by a crash. */
  static async open(path: string, options: MetricsLogWriterOptions = {}): Promise<MetricsLogWriter> {
    const repaired = await repairTail(path, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    const file = await AppendFile.open(path, options.maxBufferBytes === undefined ? {} : { maxBufferBytes: options.maxBufferBytes });
    if (repaired?.action === 'terminated') file.append(new Uint8Array([0x0a]));
    return new MetricsLogWriter(file, repaired);
  }

  /** Buffers one line. Throws `E_INVALID_ARGUMENT` for a bad record (nothing is written then). */
  append(record: MetricsRecord): void {
    this.file.append(utf8Encoder.encode(formatMetricsLine(record)));
  }

  /** Writes every buffered line and fsyncs. */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /** Flushes and closes. */
  close(): Promise<void> {
    return this.file.close();
  }
}

async function repairTail(path: string, maxLineBytes: number): Promise<TailRepair | undefined> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    const e = fromSystemError(err, 'open metrics log', path);
    if (e.code === 'E_NOT_FOUND') return undefined;
    throw e;
  }
  if (size === 0) return undefined;
  const window = Math.min(size, maxLineBytes + 1);
  const tail = new Uint8Array(window);
  try {
    const h = await open(path, 'r');
    try {
      await h.read(tail, 0, window, size - window);
    } finally {
      await h.close();
    }
  } catch (err) {
    throw fromSystemError(err, 'read metrics log tail', path);
  }
  if (tail[window - 1] === 0x0a) return undefined;
  const nl = tail.lastIndexOf(0x0a);
  if (nl < 0 && window < size) return { action: 'terminated', offset: size - window, bytes: window }; // over-long: leave it, just end it
  const offset = size - window + nl + 1;
  const line = tail.subarray(nl + 1);
  if (parseLine(line) !== undefined) return { action: 'terminated', offset, bytes: line.length };
  try {
    await truncate(path, offset);
  } catch (err) {
    throw fromSystemError(err, 'truncate torn metrics line', path);
  }
  return { action: 'truncated', offset, bytes: line.length };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Parses one line into a record, or returns an error message. */
function parseLine(bytes: Uint8Array): MetricsRecord | undefined {
  const r = parseLineOrReason(bytes);
  return typeof r === 'string' ? undefined : r;
}

function parseLineOrReason(bytes: Uint8Array): MetricsRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes)) as unknown;
  } catch (err) {
    return `not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const obj = value as Record<string, unknown>;
  const { step, epoch, time } = obj;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) return '"step" is missing or not an integer';
  if (epoch !== undefined && (typeof epoch !== 'number' || !Number.isSafeInteger(epoch))) return '"epoch" is not an integer';
  if (typeof time !== 'number' || !Number.isFinite(time)) return '"time" is missing or not a number';
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (METRICS_RESERVED_KEYS.includes(k)) continue;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? NON_FINITE[v] : undefined;
    if (n !== undefined) Object.defineProperty(metrics, k, { value: n, enumerable: true, writable: true, configurable: true });
    // other values (added by hand or by other tools) are not metrics: ignored
  }
  return { step, ...(epoch !== undefined ? { epoch } : {}), time, metrics };
}

/** A line the reader could not use. */
export interface MetricsLogProblem {
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the line. */
  readonly offset: number;
  /** `E_BAD_RECORD` (not a valid record) or `E_LIMIT` (longer than `maxLineBytes`). */
  readonly code: 'E_BAD_RECORD' | 'E_LIMIT';
  readonly message: string;
}

/** What {@link readMetricsLog} found. */
export interface MetricsLogReadResult {
  /** Every valid line, in file order. */
  readonly records: MetricsRecord[];
  /** Set when the last line is torn (no newline and not a valid record): skipped. */
  readonly tornLastLine?: { readonly line: number; readonly offset: number; readonly bytes: number };
  /** Corrupt or over-long lines before the last, skipped. */
  readonly problems: MetricsLogProblem[];
}

/** Options of {@link readMetricsLog}. */
export interface ReadMetricsLogOptions {
  /** Longest line parsed; longer ones are reported with `E_LIMIT`. Default: {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /** Largest file {@link readMetricsLogFile} loads. Default: {@link DEFAULT_MAX_LOG_BYTES}. */
  maxFileBytes?: number;
}

/** Parses a whole `metrics.jsonl`. Never throws on contents: bad lines are reported, blank lines ignored. */
export function readMetricsLog(bytes: Uint8Array, options: ReadMetricsLogOptions = {}): MetricsLogReadResult {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const records: MetricsRecord[] = [];
  const problems: MetricsLogProblem[] = [];
  let tornLastLine: MetricsLogReadResult['tornLastLine'];
  let start = 0;
  for (let lineNo = 1; start < bytes.length; lineNo++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    const line = bytes.subarray(start, end);
    const offset = start;
    start = end + 1;
    if (line.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) continue;
    if (line.length > maxLine) {
      if (nl < 0) tornLastLine = { line: lineNo, offset, bytes: line.length };
      else problems.push({ line: lineNo, offset, code: 'E_LIMIT', message: `line ${lineNo} is ${line.length} bytes, over the limit of ${maxLine}` });
      continue;
    }
    const r = parseLineOrReason(line);
    if (typeof r !== 'string') records.push(r);
    else if (nl < 0) tornLastLine = { line: lineNo, offset, bytes: line.length };
    else problems.push({ line: lineNo, offset, code: 'E_BAD_RECORD', message: `line ${lineNo}: ${r}` });
  }
  return { records, ...(tornLastLine !== undefined ? { tornLastLine } : {}), problems };
}

/** Reads `metrics.jsonl` from disk (size-checked first). OS errors throw as `CkptError`s; contents never do. */
export async function readMetricsLogFile(path: string, options: ReadMetricsLogOptions = {}): Promise<MetricsLogReadResult> {
  const bytes = await readBoundedFile(path, options.maxFileBytes ?? DEFAULT_MAX_LOG_BYTES, 'read metrics log');
  return readMetricsLog(bytes, options);
}
