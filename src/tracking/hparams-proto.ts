/**
 * The `hparams` plugin's messages (tensorboard/plugins/hparams/{plugin_data,api}.proto): what makes
 * a run's hyperparameters and final metrics appear in TensorBoard's HParams tab.
 *
 * Each is written as the `plugin_data.content` of a summary value tagged `_hparams_/experiment`,
 * `_hparams_/session_start_info` or `_hparams_/session_end_info`, whose tensor is an empty DT_FLOAT
 * tensor of shape [0]. Metric values are ordinary scalar time series whose tags the experiment names.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { ProtoReader, ProtoWriter, type ProtoField } from './protobuf.js';

/** Plugin name of hparams summaries. */
export const HPARAMS_PLUGIN = 'hparams';
/** Tags of the three hparams summaries. */
export const HPARAMS_TAGS = {
  experiment: '_hparams_/experiment',
  sessionStartInfo: '_hparams_/session_start_info',
  sessionEndInfo: '_hparams_/session_end_info',
} as const;

/** A hyperparameter value as the HParams tab shows it (google.protobuf.Value). */
export type HParamValue = string | number | boolean;

/** `HParamInfo.type`. */
export type HParamType = 'unset' | 'string' | 'bool' | 'float64';
const HPARAM_TYPES: readonly HParamType[] = ['unset', 'string', 'bool', 'float64'];

/** `Experiment`: the columns of the HParams tab. */
export interface HParamsExperiment {
  /** `time_created_secs`, seconds since the Unix epoch. */
  readonly timeCreatedSecs: number;
  /** `hparam_infos`: name and type of each hyperparameter. */
  readonly hparams: readonly { readonly name: string; readonly type: HParamType }[];
  /** `metric_infos`: scalar tags shown as metric columns (group empty: the session's own run). */
  readonly metrics: readonly { readonly tag: string; readonly group?: string }[];
}

/** `SessionStartInfo`: one run's hyperparameter values. */
export interface HParamsSessionStart {
  /** `hparams`: the values; `null` stands for google.protobuf.Value kinds other than number, string, bool. */
  readonly hparams: Readonly<Record<string, HParamValue | null>>;
  /** `start_time_secs`. */
  readonly startTimeSecs: number;
  /** `group_name`. Default: empty (TensorBoard then groups by session). */
  readonly groupName?: string;
}

/** `SessionEndInfo.status`. */
export type HParamsSessionStatus = 'unknown' | 'success' | 'failure' | 'running';
const STATUSES: readonly HParamsSessionStatus[] = ['unknown', 'success', 'failure', 'running'];

/** `SessionEndInfo`. */
export interface HParamsSessionEnd {
  readonly status: HParamsSessionStatus;
  /** `end_time_secs`. */
  readonly endTimeSecs: number;
}

/** `HParamsPluginData`: exactly one of the three messages (version 0). */
export type HParamsPluginData =
  | { readonly experiment: HParamsExperiment }
  | { readonly sessionStartInfo: HParamsSessionStart }
  | { readonly sessionEndInfo: HParamsSessionEnd };

/** The HParams-tab type of a value. */
export function hparamType(v: HParamValue): HParamType {
  return typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'float64';
}

function writeValue(w: ProtoWriter, v: HParamValue): void {
  if (typeof v === 'number') w.double(2, v);
  else if (typeof v === 'string') w.string(3, v);
  else w.varint(4, v);
}

/** Serializes hparams plugin data (the `plugin_data.content` bytes). */
export function encodeHParamsPluginData(d: HParamsPluginData): Uint8Array {
  const w = new ProtoWriter();
  // version = 0: omitted.
  if ('experiment' in d) {
    const e = d.experiment;
    w.message(2, (x) => {
      if (e.timeCreatedSecs !== 0) x.double(3, e.timeCreatedSecs);
      for (const h of e.hparams) {
        x.message(4, (hi) => {
          hi.string(1, h.name);
          const t = HPARAM_TYPES.indexOf(h.type);
          if (t > 0) hi.varint(4, t);
        });
      }
      for (const m of e.metrics) {
        x.message(5, (mi) =>
          mi.message(1, (n) => {
            if (m.group) n.string(1, m.group);
            n.string(2, m.tag);
          }),
        );
      }
    });
  } else if ('sessionStartInfo' in d) {
    const s = d.sessionStartInfo;
    w.message(3, (x) => {
      for (const key of Object.keys(s.hparams).sort()) {
        const v = s.hparams[key];
        x.message(1, (entry) => {
          entry.string(1, key);
          entry.message(2, (pv) => (v === null || v === undefined ? pv.varint(1, 0) : writeValue(pv, v)));
        });
      }
      if (s.groupName) x.string(4, s.groupName);
      if (s.startTimeSecs !== 0) x.double(5, s.startTimeSecs);
    });
  } else {
    const s = d.sessionEndInfo;
    w.message(4, (x) => {
      const status = STATUSES.indexOf(s.status);
      if (status > 0) x.varint(1, status);
      if (s.endTimeSecs !== 0) x.double(2, s.endTimeSecs);
    });
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoding

function bytesOf(f: ProtoField, what: string): Uint8Array {
  const b = ProtoReader.bytes(f);
  if (b === undefined) throw new CkptError('E_BAD_RECORD', `${what} has the wrong wire type`);
  return b;
}

function stringOf(f: ProtoField, what: string): string {
  const s = ProtoReader.string(f, what);
  if (s === undefined) throw new CkptError('E_BAD_RECORD', `${what} has the wrong wire type`);
  return s;
}

function enumOf(f: ProtoField): number {
  const v = ProtoReader.int64(f);
  return v === undefined || v < 0n || v > 1000n ? -1 : Number(v);
}

function decodeValue(bytes: Uint8Array): HParamValue | null {
  const r = new ProtoReader(bytes, 'google.protobuf.Value');
  let out: HParamValue | null = null;
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 2) out = ProtoReader.double(f) ?? null;
    else if (f.field === 3) out = stringOf(f, 'Value.string_value');
    else if (f.field === 4) out = ProtoReader.int64(f) !== 0n;
    else out = null;
  }
  return out;
}

function decodeExperiment(bytes: Uint8Array): HParamsExperiment {
  const r = new ProtoReader(bytes, 'Experiment');
  let timeCreatedSecs = 0;
  const hparams: { name: string; type: HParamType }[] = [];
  const metrics: { tag: string; group?: string }[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 3) timeCreatedSecs = ProtoReader.double(f) ?? 0;
    else if (f.field === 4) {
      const h = new ProtoReader(bytesOf(f, 'HParamInfo'), 'HParamInfo');
      let name = '';
      let type: HParamType = 'unset';
      for (let g = h.next(); g !== undefined; g = h.next()) {
        if (g.field === 1) name = stringOf(g, 'HParamInfo.name');
        else if (g.field === 4) type = HPARAM_TYPES[enumOf(g)] ?? 'unset';
      }
      hparams.push({ name, type });
    } else if (f.field === 5) {
      const m = new ProtoReader(bytesOf(f, 'MetricInfo'), 'MetricInfo');
      for (let g = m.next(); g !== undefined; g = m.next()) {
        if (g.field !== 1) continue;
        const n = new ProtoReader(bytesOf(g, 'MetricName'), 'MetricName');
        let group = '';
        let tag = '';
        for (let k = n.next(); k !== undefined; k = n.next()) {
          if (k.field === 1) group = stringOf(k, 'MetricName.group');
          else if (k.field === 2) tag = stringOf(k, 'MetricName.tag');
        }
        metrics.push(group ? { tag, group } : { tag });
      }
    }
  }
  return { timeCreatedSecs, hparams, metrics };
}

function decodeStart(bytes: Uint8Array): HParamsSessionStart {
  const r = new ProtoReader(bytes, 'SessionStartInfo');
  const hparams: Record<string, HParamValue | null> = {};
  let startTimeSecs = 0;
  let groupName = '';
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) {
      const e = new ProtoReader(bytesOf(f, 'SessionStartInfo.hparams'), 'SessionStartInfo.HparamsEntry');
      let key = '';
      let value: HParamValue | null = null;
      for (let g = e.next(); g !== undefined; g = e.next()) {
        if (g.field === 1) key = stringOf(g, 'HparamsEntry.key');
        else if (g.field === 2) value = decodeValue(bytesOf(g, 'HparamsEntry.value'));
      }
      Object.defineProperty(hparams, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (f.field === 4) groupName = stringOf(f, 'SessionStartInfo.group_name');
    else if (f.field === 5) startTimeSecs = ProtoReader.double(f) ?? 0;
  }
  return { hparams, startTimeSecs, ...(groupName ? { groupName } : {}) };
}

function decodeEnd(bytes: Uint8Array): HParamsSessionEnd {
  const r = new ProtoReader(bytes, 'SessionEndInfo');
  let status: HParamsSessionStatus = 'unknown';
  let endTimeSecs = 0;
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) status = STATUSES[enumOf(f)] ?? 'unknown';
    else if (f.field === 2) endTimeSecs = ProtoReader.double(f) ?? 0;
  }
  return { status, endTimeSecs };
}

/** Parses hparams plugin data; `undefined` when it holds none of the three known messages. */
export function decodeHParamsPluginData(bytes: Uint8Array): HParamsPluginData | undefined {
  const r = new ProtoReader(bytes, 'HParamsPluginData');
  let out: HParamsPluginData | undefined;
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 2) out = { experiment: decodeExperiment(bytesOf(f, 'HParamsPluginData.experiment')) };
    else if (f.field === 3) out = { sessionStartInfo: decodeStart(bytesOf(f, 'HParamsPluginData.session_start_info')) };
    else if (f.field === 4) out = { sessionEndInfo: decodeEnd(bytesOf(f, 'HParamsPluginData.session_end_info')) };
  }
  return out;
}
