/**
 * The epoch, step and metrics a checkpoint directory's manifest needs, for a state tree that
 * comes from a file without a manifest (a `.pth` or a plain `.safetensors`): taken from the
 * tree's top level, the way training scripts save them.
 *
 * @module
 */
import type { StateValue } from '../../tensor/state-tree.js';
import type { CheckpointRecordInfo } from '../state-source.js';

/** Top-level keys read as the step, first found wins. */
export const STEP_KEYS = ['step', 'global_step'] as const;

function isPlainObject(v: StateValue | undefined): v is Record<string, StateValue> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function topLevel(tree: StateValue | undefined, key: string): StateValue | undefined {
  if (tree instanceof Map) return tree.get(key);
  return isPlainObject(tree) && Object.hasOwn(tree, key) ? tree[key] : undefined;
}

function count(v: StateValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

/**
 * `epoch` from a top-level `epoch` count, `step` from `step` or `global_step`, metrics from a
 * top-level `metrics` dict of numbers; 0, 0 and `{}` for what is missing or not of that form.
 */
export function inferRecord(tree: StateValue): CheckpointRecordInfo {
  const epoch = count(topLevel(tree, 'epoch')) ?? 0;
  let step = 0;
  for (const k of STEP_KEYS) {
    const s = count(topLevel(tree, k));
    if (s !== undefined) {
      step = s;
      break;
    }
  }
  const metrics: Record<string, number> = {};
  const m = topLevel(tree, 'metrics');
  if (m instanceof Map || isPlainObject(m)) {
    const entries = m instanceof Map ? [...m.entries()] : Object.entries(m);
    for (const [k, v] of entries) if (typeof k === 'string' && typeof v === 'number') metrics[k] = v;
  }
  return { epoch, step, metrics };
}
