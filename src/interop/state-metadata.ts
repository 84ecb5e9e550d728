/**
 * Keeping a whole state tree in a safetensors file: the tensors are stored under their dotted
 * names, and what safetensors cannot hold (the skeleton with every non-tensor value, and the
 * checkpoint's epoch/step/metrics) goes into `__metadata__` as JSON strings under `ckpt.*` keys.
 * Other tools see an ordinary safetensors file; ckpt reads the tree back exactly.
 *
 * @module
 */
import { decodeMetrics, encodeMetrics } from '../checkpoint/manifest.js';
import { CkptError } from '../errors.js';
import type { Skeleton } from '../tensor/state-tree.js';
import type { CheckpointRecordInfo } from './state-source.js';

/** `__metadata__` key of the JSON skeleton. */
export const SKELETON_KEY = 'ckpt.skeleton';
/** `__metadata__` key of the JSON `{epoch, step, metrics}`. */
export const RECORD_KEY = 'ckpt.record';

/** What {@link splitStateMetadata} finds in a `__metadata__` map. */
export interface StateMetadata {
  /** The metadata without the `ckpt.*` keys. */
  metadata: Record<string, string>;
  skeleton?: Skeleton;
  record?: CheckpointRecordInfo;
}

/** `metadata` plus the `ckpt.*` keys for `skeleton` and `record` (each only when given). */
export function joinStateMetadata(metadata: Readonly<Record<string, string>>, skeleton?: Skeleton, record?: CheckpointRecordInfo): Record<string, string> {
  const out: Record<string, string> = { ...metadata };
  if (skeleton !== undefined) out[SKELETON_KEY] = JSON.stringify(skeleton);
  if (record !== undefined) out[RECORD_KEY] = JSON.stringify({ epoch: record.epoch, step: record.step, metrics: encodeMetrics(record.metrics) });
  return out;
}

function parseKey(value: string, key: string, where: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new CkptError('E_CORRUPT', `${where}: __metadata__ key ${key} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { key } });
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseRecord(raw: unknown, where: string): CheckpointRecordInfo {
  const bad = (what: string): CkptError => new CkptError('E_CORRUPT', `${where}: __metadata__ key ${RECORD_KEY} ${what}`, { details: { key: RECORD_KEY } });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('is not a JSON object');
  const r = raw as Record<string, unknown>;
  if (!isCount(r.epoch) || !isCount(r.step)) throw bad('needs non-negative integer epoch and step');
  const m = r.metrics;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw bad('needs a metrics object');
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'number' && v !== 'NaN' && v !== 'Infinity' && v !== '-Infinity') throw bad(`has a non-numeric metric ${JSON.stringify(k)}`);
    metrics[k] = v;
  }
  return { epoch: r.epoch, step: r.step, metrics: decodeMetrics(metrics) };
}

/**
 * Separates the `ckpt.*` keys from a `__metadata__` map. `where` names the file in errors.
 * Throws `E_CORRUPT` when a `ckpt.*` value is not the JSON ckpt writes (the skeleton itself is
 * checked when the tree is rebuilt).
 */
export function splitStateMetadata(metadata: Readonly<Record<string, string>>, where: string): StateMetadata {
  const rest: Record<string, string> = {};
  let skeleton: Skeleton | undefined;
  let record: CheckpointRecordInfo | undefined;
  for (const [k, v] of Object.entries(metadata)) {
    if (k === SKELETON_KEY) skeleton = parseKey(v, k, where) as Skeleton;
    else if (k === RECORD_KEY) record = parseRecord(parseKey(v, k, where), where);
    else rest[k] = v;
  }
  return { metadata: rest, ...(skeleton === undefined ? {} : { skeleton }), ...(record === undefined ? {} : { record }) };
}
