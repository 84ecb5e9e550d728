/**
 * The TensorBoard `Event` message and the parts of `Summary` / `TensorProto` that scalars and the
 * hparams plugin use, as plain objects, with an encoder and a decoder.
 *
 * Field numbers follow tensorboard/compat/proto/{event,summary,tensor,tensor_shape}.proto (proto3:
 * fields holding their default value are omitted). Encoding writes fields in field-number order,
 * as protoc does, so our bytes equal TensorFlow's for the same message.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { ProtoReader, ProtoWriter, decodePackedFixed, type ProtoField } from './protobuf.js';

/** `tensorflow.TfDataType` values the scalar code uses. */
export const TfDataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_INT64: 9, DT_HALF: 19 } as const;

/** `SummaryMetadata.SummaryDataClass`: how TensorBoard's data server stores a time series. */
export const SummaryDataClass = { UNKNOWN: 0, SCALAR: 1, TENSOR: 2, BLOB_SEQUENCE: 3 } as const;

/** Plugin name of scalar summaries. */
export const SCALARS_PLUGIN = 'scalars';

/** `SessionLog.SessionLogStatus`. */
export const SessionLogStatus = { UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

/** `SummaryMetadata`: which plugin owns a tag. Writers attach it to the first value of a tag in a file. */
export interface SummaryMetadata {
  /** `plugin_data.plugin_name`, e.g. `scalars`, `hparams`. */
  readonly pluginName: string;
  /** `plugin_data.content`, plugin-specific serialized bytes. Default: empty. */
  readonly pluginContent?: Uint8Array;
  /** `display_name`. Default: empty. */
  readonly displayName?: string;
  /** `summary_description`. Default: empty. */
  readonly description?: string;
  /** `data_class`, one of {@link SummaryDataClass}. Default: 0 (unknown; readers infer it from the plugin name). */
  readonly dataClass?: number;
}

/** The fields of `TensorProto` that scalar and hparams summaries use. */
export interface TensorMessage {
  /** `dtype`, a {@link TfDataType} value. */
  readonly dtype: number;
  /** Dimension sizes; `[]` is a rank-0 tensor (a scalar). */
  readonly shape: readonly number[];
  /** `tensor_content`: raw little-endian element bytes. Default: absent. */
  readonly content?: Uint8Array;
  /** `float_val`. Default: absent. */
  readonly floatVal?: readonly number[];
  /** `double_val`. Default: absent. */
  readonly doubleVal?: readonly number[];
}

/** One `Summary.Value`. */
export interface SummaryValue {
  /** The time series name. */
  readonly tag: string;
  /** Plugin metadata, when present on this value. */
  readonly metadata?: SummaryMetadata;
  /** TF1-style `simple_value` (a float32). */
  readonly simpleValue?: number;
  /** TF2-style tensor value. */
  readonly tensor?: TensorMessage;
  /** Set by the decoder for value kinds it does not decode (`image`, `histo`, `audio`, ...). */
  readonly otherKind?: string;
}

/** `SessionLog`. */
export interface SessionLog {
  /** One of {@link SessionLogStatus}. */
  readonly status: number;
  /** Default: empty. */
  readonly checkpointPath?: string;
  /** Default: empty. */
  readonly msg?: string;
}

/** One `Event`. Exactly one of `fileVersion`, `summary`, `sessionLog` or `otherKind` is normally set. */
export interface EventMessage {
  /** Seconds since the Unix epoch (a double). */
  readonly wallTime: number;
  /** The global step. */
  readonly step: number;
  /** `file_version`, e.g. `brain.Event:2`. */
  readonly fileVersion?: string;
  /** `summary.value`. */
  readonly summary?: readonly SummaryValue[];
  /** `session_log`. */
  readonly sessionLog?: SessionLog;
  /** `source_metadata.writer`. */
  readonly sourceWriter?: string;
  /** Set by the decoder for event kinds it does not decode (`graph_def`, `meta_graph_def`, ...), with their size. */
  readonly otherKind?: { readonly kind: string; readonly byteLength: number };
}

// ---------------------------------------------------------------- encoding

function writeMetadata(w: ProtoWriter, m: SummaryMetadata): void {
  w.message(1, (p) => {
    if (m.pluginName !== '') p.string(1, m.pluginName);
    if (m.pluginContent !== undefined && m.pluginContent.length > 0) p.bytes(2, m.pluginContent);
  });
  if (m.displayName) w.string(2, m.displayName);
  if (m.description) w.string(3, m.description);
  if (m.dataClass) w.varint(4, m.dataClass);
}

function writeTensor(w: ProtoWriter, t: TensorMessage): void {
  if (t.dtype !== 0) w.varint(1, t.dtype);
  w.message(2, (s) => {
    for (const size of t.shape) s.message(2, (d) => (size !== 0 ? d.varint(1, size) : d));
  });
  if (t.content !== undefined && t.content.length > 0) w.bytes(4, t.content);
  if (t.floatVal !== undefined && t.floatVal.length > 0) w.bytes(5, packFixed(t.floatVal, 4));
  if (t.doubleVal !== undefined && t.doubleVal.length > 0) w.bytes(6, packFixed(t.doubleVal, 8));
}

function packFixed(values: readonly number[], width: 4 | 8): Uint8Array {
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (width === 4 ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
  return out;
}

function writeValue(w: ProtoWriter, v: SummaryValue): void {
  w.string(1, v.tag);
  if (v.simpleValue !== undefined) w.float(2, v.simpleValue);
  if (v.tensor !== undefined) {
    const t = v.tensor;
    w.message(8, (tw) => writeTensor(tw, t));
  }
  if (v.metadata !== undefined) {
    const m = v.metadata;
    w.message(9, (mw) => writeMetadata(mw, m));
  }
}

/** Serializes an {@link EventMessage} (the payload of one TFRecord). */
export function encodeEvent(e: EventMessage): Uint8Array {
  const w = new ProtoWriter();
  if (e.wallTime !== 0) w.double(1, e.wallTime);
  if (e.step !== 0) w.varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.summary !== undefined) {
    const values = e.summary;
    w.message(5, (s) => {
      for (const v of values) s.message(1, (vw) => writeValue(vw, v));
    });
  }
  if (e.sessionLog !== undefined) {
    const l = e.sessionLog;
    w.message(7, (sw) => {
      if (l.status !== 0) sw.varint(1, l.status);
      if (l.checkpointPath) sw.string(2, l.checkpointPath);
      if (l.msg) sw.string(3, l.msg);
    });
  }
  if (e.sourceWriter !== undefined) {
    const writer = e.sourceWriter;
    w.message(10, (m) => m.string(1, writer));
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoding

function safeNumber(v: bigint | undefined, what: string): number {
  if (v === undefined) throw new CkptError('E_BAD_RECORD', `${what} has the wrong wire type`);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new CkptError('E_BAD_RECORD', `${what} ${v} is outside the exactly representable integers`);
  }
  return Number(v);
}

function requireBytes(f: ProtoField, what: string): Uint8Array {
  const b = ProtoReader.bytes(f);
  if (b === undefined) throw new CkptError('E_BAD_RECORD', `${what} has the wrong wire type`);
  return b;
}

function requireString(f: ProtoField, what: string): string {
  const s = ProtoReader.string(f, what);
  if (s === undefined) throw new CkptError('E_BAD_RECORD', `${what} has the wrong wire type`);
  return s;
}

function decodeMetadata(bytes: Uint8Array): SummaryMetadata {
  const r = new ProtoReader(bytes, 'SummaryMetadata');
  let pluginName = '';
  let pluginContent: Uint8Array | undefined;
  let displayName = '';
  let description = '';
  let dataClass = 0;
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) {
      const p = new ProtoReader(requireBytes(f, 'SummaryMetadata.plugin_data'), 'PluginData');
      for (let g = p.next(); g !== undefined; g = p.next()) {
        if (g.field === 1) pluginName = requireString(g, 'PluginData.plugin_name');
        else if (g.field === 2) pluginContent = requireBytes(g, 'PluginData.content');
      }
    } else if (f.field === 2) displayName = requireString(f, 'SummaryMetadata.display_name');
    else if (f.field === 3) description = requireString(f, 'SummaryMetadata.summary_description');
    else if (f.field === 4) dataClass = safeNumber(ProtoReader.int64(f), 'SummaryMetadata.data_class');
  }
  return {
    pluginName,
    ...(pluginContent !== undefined ? { pluginContent } : {}),
    ...(displayName ? { displayName } : {}),
    ...(description ? { description } : {}),
    ...(dataClass ? { dataClass } : {}),
  };
}

function decodeShape(bytes: Uint8Array): number[] {
  const r = new ProtoReader(bytes, 'TensorShapeProto');
  const dims: number[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field !== 2) continue;
    const d = new ProtoReader(requireBytes(f, 'TensorShapeProto.dim'), 'TensorShapeProto.Dim');
    let size = 0;
    for (let g = d.next(); g !== undefined; g = d.next()) {
      if (g.field === 1) size = safeNumber(ProtoReader.int64(g), 'Dim.size');
    }
    dims.push(size);
  }
  return dims;
}

function decodeTensor(bytes: Uint8Array): TensorMessage {
  const r = new ProtoReader(bytes, 'TensorProto');
  let dtype = 0;
  let shape: number[] = [];
  let content: Uint8Array | undefined;
  const floatVal: number[] = [];
  const doubleVal: number[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) dtype = safeNumber(ProtoReader.int64(f), 'TensorProto.dtype');
    else if (f.field === 2) shape = decodeShape(requireBytes(f, 'TensorProto.tensor_shape'));
    else if (f.field === 4) content = requireBytes(f, 'TensorProto.tensor_content');
    else if (f.field === 5) for (const x of decodePackedFixed(f, 4, 'TensorProto.float_val')) floatVal.push(x);
    else if (f.field === 6) for (const x of decodePackedFixed(f, 8, 'TensorProto.double_val')) doubleVal.push(x);
  }
  return {
    dtype,
    shape,
    ...(content !== undefined ? { content } : {}),
    ...(floatVal.length > 0 ? { floatVal } : {}),
    ...(doubleVal.length > 0 ? { doubleVal } : {}),
  };
}

const VALUE_KINDS: Readonly<Record<number, string>> = { 3: 'obsolete_old_style_histogram', 4: 'image', 5: 'histo', 6: 'audio' };

function decodeValue(bytes: Uint8Array): SummaryValue {
  const r = new ProtoReader(bytes, 'Summary.Value');
  let tag = '';
  let metadata: SummaryMetadata | undefined;
  let simpleValue: number | undefined;
  let tensor: TensorMessage | undefined;
  let otherKind: string | undefined;
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) tag = requireString(f, 'Summary.Value.tag');
    else if (f.field === 2) {
      simpleValue = ProtoReader.float(f);
      if (simpleValue === undefined) return r.error('simple_value is not a fixed32');
    } else if (f.field === 8) tensor = decodeTensor(requireBytes(f, 'Summary.Value.tensor'));
    else if (f.field === 9) metadata = decodeMetadata(requireBytes(f, 'Summary.Value.metadata'));
    else if (VALUE_KINDS[f.field] !== undefined) otherKind = VALUE_KINDS[f.field];
  }
  return {
    tag,
    ...(metadata !== undefined ? { metadata } : {}),
    ...(simpleValue !== undefined ? { simpleValue } : {}),
    ...(tensor !== undefined ? { tensor } : {}),
    ...(otherKind !== undefined ? { otherKind } : {}),
  };
}

const EVENT_KINDS: Readonly<Record<number, string>> = {
  4: 'graph_def',
  6: 'log_message',
  8: 'tagged_run_metadata',
  9: 'meta_graph_def',
};

/** Parses one serialized `Event`. Unknown fields are skipped; malformed bytes throw `E_BAD_RECORD`. */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  const r = new ProtoReader(bytes, 'Event');
  let wallTime = 0;
  let step = 0;
  let fileVersion: string | undefined;
  let summary: SummaryValue[] | undefined;
  let sessionLog: SessionLog | undefined;
  let sourceWriter: string | undefined;
  let otherKind: EventMessage['otherKind'];
  for (let f = r.next(); f !== undefined; f = r.next()) {
    switch (f.field) {
      case 1: {
        const t = ProtoReader.double(f);
        if (t === undefined) return r.error('wall_time is not a double');
        wallTime = t;
        break;
      }
      case 2:
        step = safeNumber(ProtoReader.int64(f), 'Event.step');
        break;
      case 3:
        fileVersion = requireString(f, 'Event.file_version');
        break;
      case 5: {
        summary ??= [];
        const s = new ProtoReader(requireBytes(f, 'Event.summary'), 'Summary');
        for (let g = s.next(); g !== undefined; g = s.next()) {
          if (g.field === 1) summary.push(decodeValue(requireBytes(g, 'Summary.value')));
        }
        break;
      }
      case 7:
        sessionLog = decodeSessionLog(requireBytes(f, 'Event.session_log'));
        break;
      case 10: {
        const s = new ProtoReader(requireBytes(f, 'Event.source_metadata'), 'SourceMetadata');
        for (let g = s.next(); g !== undefined; g = s.next()) if (g.field === 1) sourceWriter = requireString(g, 'SourceMetadata.writer');
        break;
      }
      default: {
        const kind = EVENT_KINDS[f.field];
        if (kind !== undefined) otherKind = { kind, byteLength: requireBytes(f, `Event.${kind}`).length };
      }
    }
  }
  return {
    wallTime,
    step,
    ...(fileVersion !== undefined ? { fileVersion } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...(sessionLog !== undefined ? { sessionLog } : {}),
    ...(sourceWriter !== undefined ? { sourceWriter } : {}),
    ...(otherKind !== undefined ? { otherKind } : {}),
  };
}

function decodeSessionLog(bytes: Uint8Array): SessionLog {
  const r = new ProtoReader(bytes, 'SessionLog');
  let status = 0;
  let checkpointPath = '';
  let msg = '';
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) status = safeNumber(ProtoReader.int64(f), 'SessionLog.status');
    else if (f.field === 2) checkpointPath = requireString(f, 'SessionLog.checkpoint_path');
    else if (f.field === 3) msg = requireString(f, 'SessionLog.msg');
  }
  return { status, ...(checkpointPath ? { checkpointPath } : {}), ...(msg ? { msg } : {}) };
}
