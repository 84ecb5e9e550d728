/**
 * What `ckpt convert` carries from one format to another: a whole state tree, split into named
 * tensors (possibly lazy, so a huge safetensors file streams through) plus the JSON skeleton that
 * places them, string metadata, and the checkpoint record (epoch, step, metrics) when one is known.
 *
 * A source without a skeleton is a flat `{name: tensor}` dict, which is what a plain Hugging Face
 * safetensors file holds (and what `safetensors.torch.load_file` returns).
 *
 * @example
 * ```ts
 * const source = sourceFromState(await readPth('ckpt.pth'));
 * const tree = await materializeState(source); // the same tree back
 * ```
 * @module
 */
import { CkptError, isCkptError } from '../errors.js';
import { flattenState, unflattenState, type Skeleton, type StateValue } from '../tensor/state-tree.js';
import { Tensor } from '../tensor/tensor.js';
import type { LazyTensor } from '../formats/safetensors/types.js';

/** Epoch, step and metrics of a checkpoint, when the source knows them. */
export interface CheckpointRecordInfo {
  readonly epoch: number;
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A state tree ready to convert. */
export interface StateSource {
  /** Tensors by dotted name, in storage order; lazy tensors are read only when consumed. */
  readonly tensors: ReadonlyMap<string, Tensor | LazyTensor>;
  /**
   * Where each tensor sits in the tree (`{"$tensor": name}` leaves, see `flattenState`).
   * Absent for a flat `{name: tensor}` dict.
   */
  readonly skeleton?: Skeleton;
  /** String metadata (safetensors `__metadata__` without the `ckpt.*` keys); `{}` when none. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Epoch, step and metrics, when the input recorded them (a checkpoint directory does). */
  readonly record?: CheckpointRecordInfo;
}

/** @deprecated the old name of {@link StateSource}. */
export type TensorSource = StateSource;

/** Reads every byte of a lazy tensor into a Tensor; `E_CORRUPT` when it yields more or fewer bytes than declared. */
export async function materializeTensor(name: string, t: Tensor | LazyTensor): Promise<Tensor> {
  if (t instanceof Tensor) return t;
  const tapped = TAPPED.get(t);
  if (tapped !== undefined) {
    tapped.onBytes(tapped.tensor.byteLength);
    return tapped.tensor;
  }
  const bytes = new Uint8Array(t.byteLength);
  let at = 0;
  for await (const chunk of t.chunks()) {
    if (at + chunk.byteLength > bytes.byteLength) throw new CkptError('E_CORRUPT', `tensor ${name} yields more than its ${t.byteLength} bytes`, { details: { tensor: name } });
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  if (at !== bytes.byteLength) throw new CkptError('E_CORRUPT', `tensor ${name} yields ${at} of its ${t.byteLength} bytes`, { details: { tensor: name } });
  return new Tensor(t.dtype, t.shape, bytes);
}

/** Every tensor of `source` read into memory, names and order kept. */
export async function materializeTensors(source: StateSource): Promise<Map<string, Tensor>> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of source.tensors) out.set(name, await materializeTensor(name, t));
  return out;
}

/**
 * The state tree of `source`: the skeleton filled with the tensors, or, without a skeleton, a
 * flat `Map` of name to tensor (a Python `dict` once written as `.pth`).
 */
export async function materializeState(source: StateSource): Promise<StateValue> {
  const tensors = await materializeTensors(source);
  if (source.skeleton === undefined) return tensors;
  let tree: StateValue;
  try {
    tree = unflattenState(tensors, source.skeleton);
  } catch (err) {
    if (!isCkptError(err, 'E_NOT_FOUND') && !isCkptError(err, 'E_STATE_TREE')) throw err;
    throw new CkptError('E_CORRUPT', `the state skeleton does not fit the tensors: ${err.message}`, { cause: err });
  }
  // Every tensor must have its place: one the skeleton does not mention would be silently dropped.
  const placed = new Set(flattenState(tree).tensors.values());
  const lost = [...tensors].find(([, t]) => !placed.has(t));
  if (lost !== undefined) {
    throw new CkptError('E_CORRUPT', `tensor ${lost[0]} is not placed by the state skeleton (ckpt.skeleton); the file was changed after ckpt wrote it`, { details: { tensor: lost[0] } });
  }
  return tree;
}

/** Splits a state tree into a source (tensors by dotted name, and the skeleton). */
export function sourceFromState(tree: StateValue, metadata: Readonly<Record<string, string>> = {}, record?: CheckpointRecordInfo): StateSource {
  const { tensors, skeleton } = flattenState(tree);
  return { tensors, skeleton, metadata, ...(record === undefined ? {} : { record }) };
}

/**
 * True when `skeleton` says no more than "a plain dict of tensors, each under its own name, in
 * the order `names`": what a source without a skeleton means, so a writer may leave it out.
 */
export function isFlatSkeleton(skeleton: Skeleton, names: readonly string[]): boolean {
  if (skeleton === null || typeof skeleton !== 'object' || Array.isArray(skeleton)) return false;
  const keys = Object.keys(skeleton);
  let entries: Skeleton[][];
  if (keys.length === 1 && keys[0] === '$dict' && Array.isArray(skeleton.$dict)) entries = skeleton.$dict.filter((e) => Array.isArray(e));
  else if (keys.every((k) => !k.startsWith('$'))) entries = keys.map((k) => [k, skeleton[k] ?? null]);
  else return false;
  if (entries.length !== names.length) return false;
  return entries.every((e, i) => {
    const [k, v] = e;
    return e.length === 2 && typeof k === 'string' && k === names[i] && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && v.$tensor === k;
  });
}

/** Total bytes of the tensors of `source`. */
export function sourceBytes(source: StateSource): number {
  let n = 0;
  for (const t of source.tensors.values()) n += t.byteLength;
  return n;
}

/** Tensors in memory wrapped by {@link tapSource}: materialising them gives the original back, not a copy. */
const TAPPED = new WeakMap<LazyTensor, { tensor: Tensor; onBytes: (n: number) => void }>();

/**
 * `source` with every tensor turned lazy, calling `onBytes(n)` for each chunk consumed: progress
 * reporting for streamed conversions. Tensors already in memory stay zero-copy.
 */
export function tapSource(source: StateSource, onBytes: (n: number) => void): StateSource {
  const tensors = new Map<string, LazyTensor>();
  for (const [name, t] of source.tensors) {
    const lazy: LazyTensor = {
      dtype: t.dtype,
      shape: t.shape,
      byteLength: t.byteLength,
      async *chunks() {
        if (t instanceof Tensor) {
          onBytes(t.byteLength);
          yield t.bytes;
          return;
        }
        for await (const c of t.chunks()) {
          onBytes(c.byteLength);
          yield c;
        }
      },
    };
    if (t instanceof Tensor) TAPPED.set(lazy, { tensor: t, onBytes });
    tensors.set(name, lazy);
  }
  return { ...source, tensors };
}
