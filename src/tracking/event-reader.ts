/**
 * Reads TensorBoard event files written by ckpt, TensorFlow (TF1 and TF2), TensorBoard's own writer
 * or PyTorch's SummaryWriter: scalars in every form those write (TF1 `simple_value`; TF2 tensors with
 * `tensor_content` f32/f64, `float_val` or `double_val`), per-tag plugin metadata and hparams records.
 *
 * Never throws on file contents. What it decides when the bytes are wrong:
 * - A torn last record (the file ends inside it): every complete record is returned and
 *   `truncatedAt` gives the torn record's offset. This is what a crash, or a live writer, leaves.
 * - A CRC mismatch or an over-limit length: reading STOPS there and the problem is reported. Like
 *   rustboard and TensorBoard's Python loader, we do not skip ahead: once a length cannot be trusted
 *   the framing after it is guesswork, and ckpt's writer only appends, so a bad CRC before the end
 *   means damage, not a crash artefact. Stopping also keeps what we show equal to what TensorBoard shows.
 * - A record whose CRCs verify but whose Event does not decode: skipped and reported (its framing
 *   is sound, so the records after it are still trustworthy).
 *
 * @module
 */
import { readdir } from 'node:fs/promises';
import { readBoundedFile } from '../util/read-bounded.js';
import { join } from 'node:path';
import { CkptError, fromSystemError, isCkptError, type CkptErrorCode } from '../errors.js';
import { SCALARS_PLUGIN, SessionLogStatus, SummaryDataClass, TfDataType, decodeEvent, type EventMessage, type SummaryMetadata, type SummaryValue } from './event-proto.js';
import {
  HPARAMS_PLUGIN,
  decodeHParamsPluginData,
  type HParamsExperiment,
  type HParamsSessionEnd,
  type HParamsSessionStart,
} from './hparams-proto.js';
import { scanRecords } from './tfrecord.js';

/** Default largest event file {@link readEventFile} loads: 1 GiB. */
export const DEFAULT_MAX_EVENT_FILE_BYTES = 1024 * 1024 * 1024;

/** One scalar data point. */
export interface ScalarPoint {
  readonly tag: string;
  readonly step: number;
  /** Seconds since the Unix epoch. */
  readonly wallTime: number;
  /** The value as stored (float32 values widened exactly to a JS number). */
  readonly value: number;
}

/** One decoded event with the byte offset of its record. */
export type ReadEvent = EventMessage & { readonly offset: number };

/** Something wrong in the file, reported instead of thrown. */
export interface ReadProblem {
  /** Byte offset of the record concerned. */
  readonly offset: number;
  /** `E_BAD_RECORD` (CRC, framing, undecodable event), `E_LIMIT` (over-long record) or `E_UNSUPPORTED` (a scalar form not understood). */
  readonly code: CkptErrorCode;
  readonly message: string;
}

/** What {@link readEvents} found. */
export interface EventReadResult {
  /** Every scalar, in file order. */
  readonly scalars: ScalarPoint[];
  /** Every decoded event, in file order. */
  readonly events: ReadEvent[];
  /** Plugin metadata per tag, as first seen (writers attach it to the first value of a tag only). */
  readonly metadata: Map<string, SummaryMetadata>;
  /** The latest hparams records, when present. */
  readonly hparams: {
    experiment?: HParamsExperiment;
    sessionStartInfo?: HParamsSessionStart;
    sessionEndInfo?: HParamsSessionEnd;
  };
  /**
   * Every `SessionLog.START` event: its step, and how many of `scalars` came before it (TensorBoard
   * drops earlier scalars with step >= a restart's step; see `readRunEvents`).
   */
  readonly sessionStarts: { readonly step: number; readonly scalarsBefore: number }[];
  /** `file_version` of the first event, when it has one (e.g. `brain.Event:2`). */
  readonly fileVersion?: string;
  /** Offset of a torn last record, when the data ends inside one. */
  readonly truncatedAt?: number;
  /** Byte offset where reading stopped: the end of the last complete record that could be trusted. */
  readonly endOffset: number;
  /** Corrupt or unsupported records, in file order. */
  readonly problems: ReadProblem[];
}

/** Options of {@link readEvents} and {@link readEventFile}. */
export interface ReadEventsOptions {
  /** Largest record accepted; longer lengths stop reading with `E_LIMIT`. Default: 64 MiB. */
  maxRecordBytes?: number;
  /** Largest file {@link readEventFile} loads (`E_LIMIT` beyond). Default: {@link DEFAULT_MAX_EVENT_FILE_BYTES}. */
  maxFileBytes?: number;
}

/** Reads the events in `bytes` (a whole event file, or a prefix of one). Never throws on malformed input. */
export function readEvents(bytes: Uint8Array, options: ReadEventsOptions = {}): EventReadResult {
  const scan = scanRecords(bytes, options.maxRecordBytes === undefined ? {} : { maxRecordBytes: options.maxRecordBytes });
  const scalars: ScalarPoint[] = [];
  const events: ReadEvent[] = [];
  const metadata = new Map<string, SummaryMetadata>();
  const hparams: EventReadResult['hparams'] = {};
  const problems: ReadProblem[] = [];
  const sessionStarts: EventReadResult['sessionStarts'] = [];
  let fileVersion: string | undefined;

  for (const rec of scan.records) {
    let event: EventMessage;
    try {
      event = decodeEvent(rec.data);
    } catch (err) {
      if (!isCkptError(err)) throw err;
      problems.push({ offset: rec.offset, code: err.code, message: `record at byte ${rec.offset}: ${err.message}` });
      continue;
    }
    events.push({ ...event, offset: rec.offset });
    if (events.length === 1 && event.fileVersion !== undefined) fileVersion = event.fileVersion;
    if (event.sessionLog?.status === SessionLogStatus.START) sessionStarts.push({ step: event.step, scalarsBefore: scalars.length });
    for (const v of event.summary ?? []) {
      if (v.metadata !== undefined && !metadata.has(v.tag)) metadata.set(v.tag, v.metadata);
      const meta = metadata.get(v.tag);
      try {
        const value = scalarValue(v, meta);
        if (value !== undefined) scalars.push({ tag: v.tag, step: event.step, wallTime: event.wallTime, value });
        if (meta?.pluginName === HPARAMS_PLUGIN && v.metadata?.pluginContent !== undefined) {
          const d = decodeHParamsPluginData(v.metadata.pluginContent);
          if (d !== undefined) Object.assign(hparams, d);
        }
      } catch (err) {
        if (!isCkptError(err)) throw err;
        problems.push({ offset: rec.offset, code: err.code, message: `tag ${JSON.stringify(v.tag)} at step ${event.step}: ${err.message}` });
      }
    }
  }

  const endOffset = scan.stop?.offset ?? bytes.length;
  if (scan.stop !== undefined && scan.stop.kind === 'corrupt') {
    problems.push({ offset: scan.stop.offset, code: scan.stop.code, message: `${scan.stop.message}; stopped reading here` });
  }
  return {
    scalars,
    events,
    metadata,
    hparams,
    sessionStarts,
    ...(fileVersion !== undefined ? { fileVersion } : {}),
    ...(scan.stop?.kind === 'truncated' ? { truncatedAt: scan.stop.offset } : {}),
    endOffset,
    problems,
  };
}

/**
 * The scalar a summary value holds, or `undefined` when it is not a scalar. TF1 `simple_value` is
 * always a scalar; a tensor is one when its tag's metadata names the `scalars` plugin or the SCALAR
 * data class. Throws `E_UNSUPPORTED` for a scalar tensor in a form we cannot read.
 */
export function scalarValue(v: SummaryValue, meta: SummaryMetadata | undefined): number | undefined {
  if (v.simpleValue !== undefined) return v.simpleValue;
  const t = v.tensor;
  if (t === undefined) return undefined;
  if (meta?.pluginName !== SCALARS_PLUGIN && meta?.dataClass !== SummaryDataClass.SCALAR) return undefined;
  if (t.shape.some((d) => d !== 1)) throw new CkptError('E_UNSUPPORTED', `a scalar tensor of shape [${t.shape.join(', ')}]`);
  const c = t.content;
  if (t.dtype === TfDataType.DT_FLOAT) {
    if (c !== undefined && c.length === 4) return new DataView(c.buffer, c.byteOffset, 4).getFloat32(0, true);
    if (c === undefined && t.floatVal?.length === 1) return t.floatVal[0];
  } else if (t.dtype === TfDataType.DT_DOUBLE) {
    if (c !== undefined && c.length === 8) return new DataView(c.buffer, c.byteOffset, 8).getFloat64(0, true);
    if (c === undefined && t.doubleVal?.length === 1) return t.doubleVal[0];
  } else {
    throw new CkptError('E_UNSUPPORTED', `a scalar tensor of dtype ${t.dtype} (only DT_FLOAT and DT_DOUBLE are read)`);
  }
  throw new CkptError('E_UNSUPPORTED', 'a scalar tensor without exactly one value');
}

/** Reads one event file from disk (size-checked first). OS errors throw as `CkptError`s; contents never do. */
export async function readEventFile(path: string, options: ReadEventsOptions = {}): Promise<EventReadResult> {
  const bytes = await readBoundedFile(path, options.maxFileBytes ?? DEFAULT_MAX_EVENT_FILE_BYTES, 'read event file');
  return readEvents(bytes, options);
}

/** Event files in `dir` (basename contains `tfevents`, as TensorBoard decides), in the order TensorBoard reads them. */
export async function listEventFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw fromSystemError(err, 'list event files', dir);
  }
  return names
    .filter((n) => n.includes('tfevents'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(dir, n));
}
