/**
 * Writes TensorBoard event files in the form both of TensorBoard's readers (the Python loader and
 * the Rust data server) accept (formats.md 3.6): `events.out.tfevents.<unix seconds>.<hostname>.<pid>.<counter>`,
 * first record `file_version: "brain.Event:2"`, then scalar and hparams summaries, each one TFRecord.
 * Scalar records equal TensorFlow's byte for byte (tested against a record TF wrote).
 *
 * Records are buffered and appended whole (see {@link AppendFile}); `flush()` fsyncs. A crash leaves
 * at most a torn last record, which TensorBoard and {@link readEvents} both skip.
 *
 * @example
 * ```ts
 * const w = await EventFileWriter.open('runs/a');
 * w.writeScalar('val_acc', 0.97, 100);
 * await w.flush(); // once per epoch
 * await w.close();
 * ```
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { CkptError, fromSystemError, isCkptError } from '../errors.js';
import { AppendFile, DEFAULT_MAX_BUFFER_BYTES } from './append-file.js';
import { TfDataType, SCALARS_PLUGIN, encodeEvent, type EventMessage, type SummaryValue, type TensorMessage } from './event-proto.js';
import { HPARAMS_PLUGIN, HPARAMS_TAGS, encodeHParamsPluginData, type HParamsPluginData } from './hparams-proto.js';
import { DEFAULT_MAX_RECORD_BYTES, encodeRecord } from './tfrecord.js';

/** The `file_version` every event file starts with; version 2 enables TensorBoard's SessionLog.START handling. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

let fileCounter = 0;

/** Options of {@link EventFileWriter.open}. */
export interface EventFileWriterOptions {
  /** Clock, in milliseconds since the Unix epoch; gives the file name and each event's wall_time. Default: `Date.now`. */
  now?: () => number;
  /** Host name in the file name (path separators are replaced by `_`). Default: `os.hostname()`. */
  hostname?: string;
  /** Appended to the file name, e.g. `.v2`. Default: empty. */
  filenameSuffix?: string;
  /** Buffered bytes that start a background write. Default: 64 KiB. */
  maxBufferBytes?: number;
  /** Largest serialized event accepted (`E_LIMIT` beyond). Default: 64 MiB. */
  maxRecordBytes?: number;
}

/** The event file name TensorBoard's own writer uses: `events.out.tfevents.%010d.<host>.<pid>.<counter><suffix>`. */
export function eventFileName(unixSeconds: number, host: string, pid: number, counter: number, suffix = ''): string {
  const safeHost = host.replace(/[/\\]/g, '_') || 'localhost';
  return `events.out.tfevents.${String(Math.floor(unixSeconds)).padStart(10, '0')}.${safeHost}.${pid}.${counter}${suffix}`;
}

/**
 * A rank-0 DT_FLOAT tensor holding `value` (rounded to float32) in `tensor_content`, the form
 * TensorBoard's own `tf.summary.scalar` writes.
 */
export function scalarTensor(value: number): TensorMessage {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  return { dtype: TfDataType.DT_FLOAT, shape: [], content };
}

/** See the module documentation. */
export class EventFileWriter {
  private readonly seenScalarTags = new Set<string>();

  private constructor(
    private readonly file: AppendFile,
    private readonly now: () => number,
    private readonly maxRecordBytes: number,
  ) {}

  /** Full path of the event file. */
  get path(): string {
    return this.file.path;
  }

  /**
   * Creates `logDir` if needed and a new event file in it (never appends to an existing one: a
   * resumed run gets a second file, which TensorBoard reads after the first by name order), then
   * buffers the `file_version` record.
   */
  static async open(logDir: string, options: EventFileWriterOptions = {}): Promise<EventFileWriter> {
    const now = options.now ?? Date.now;
    try {
      await mkdir(logDir, { recursive: true });
    } catch (err) {
      throw fromSystemError(err, 'create log directory', logDir);
    }
    const host = options.hostname ?? osHostname();
    const openOptions = { mode: 'wx' as const, maxBufferBytes: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES };
    const openedMs = now();
    for (let attempt = 0; ; attempt++) {
      const name = eventFileName(openedMs / 1000, host, process.pid, fileCounter++, options.filenameSuffix ?? '');
      try {
        const file = await AppendFile.open(join(logDir, name), openOptions);
        const w = new EventFileWriter(file, now, options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
        w.writeEvent({ wallTime: openedMs / 1000, step: 0, fileVersion: EVENT_FILE_VERSION });
        return w;
      } catch (err) {
        const exists = isCkptError(err) && err.details.syscallCode === 'EEXIST';
        if (!exists || attempt >= 1000) throw err;
      }
    }
  }

  /** Buffers one event as a TFRecord. Throws `E_LIMIT` when it serializes to more than `maxRecordBytes`. */
  writeEvent(event: EventMessage): void {
    this.file.append(encodeRecord(encodeEvent(event), this.maxRecordBytes));
  }

  /**
   * Buffers one scalar, TF2 style: a rank-0 DT_FLOAT tensor in `tensor_content`, with `scalars`
   * plugin metadata on the first value of each tag in this file. The record is byte for byte what
   * TF2's `tf.summary.scalar` writes (tested against a record TF wrote).
   *
   * Why TF2 and not TF1 `simple_value`: both TensorBoard readers accept either, but the tensor form
   * is what current TF and TensorBoard write, it needs no legacy migration in the reader, and the
   * same form carries our hparams summaries. No `data_class` is set, as TensorBoard's own
   * `scalars` metadata does not set it either (tensorboard 2.21 plugins/scalar/metadata.py); readers
   * infer SCALAR from the plugin name. The value is stored as float32 (rustboard drops DT_DOUBLE
   * scalars); the JSONL log keeps full float64 precision.
   *
   * @param wallTimeSecs the event's wall_time in seconds. Default: the clock's now.
   */
  writeScalar(tag: string, value: number, step: number, wallTimeSecs?: number): void {
    checkTag(tag);
    checkStep(step);
    const first = !this.seenScalarTags.has(tag);
    const v: SummaryValue = {
      tag,
      tensor: scalarTensor(value),
      ...(first ? { metadata: { pluginName: SCALARS_PLUGIN } } : {}),
    };
    this.writeEvent({ wallTime: wallTimeSecs ?? this.now() / 1000, step, summary: [v] });
    this.seenScalarTags.add(tag);
  }

  /**
   * Buffers one hparams plugin record (experiment, session start or session end), tagged as the
   * plugin expects and carrying an empty DT_FLOAT tensor of shape [0].
   *
   * @param step the event's step. Default: 0.
   * @param wallTimeSecs the event's wall_time in seconds. Default: the clock's now.
   */
  writeHParams(data: HParamsPluginData, step = 0, wallTimeSecs?: number): void {
    checkStep(step);
    const tag =
      'experiment' in data ? HPARAMS_TAGS.experiment : 'sessionStartInfo' in data ? HPARAMS_TAGS.sessionStartInfo : HPARAMS_TAGS.sessionEndInfo;
    const v: SummaryValue = {
      tag,
      tensor: { dtype: TfDataType.DT_FLOAT, shape: [0] },
      metadata: { pluginName: HPARAMS_PLUGIN, pluginContent: encodeHParamsPluginData(data) },
    };
    this.writeEvent({ wallTime: wallTimeSecs ?? this.now() / 1000, step, summary: [v] });
  }

  /** Writes everything buffered and fsyncs the file. Call once per epoch. */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return this.file.close();
  }
}

function checkTag(tag: string): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new CkptError('E_INVALID_ARGUMENT', 'a scalar tag must be a non-empty string');
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step)) throw new CkptError('E_INVALID_ARGUMENT', `step must be an integer, got ${step}`);
}
