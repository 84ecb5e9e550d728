/**
 * Where things live in a run, and how a state tree's tensors split across the checkpoint files.
 *
 * ```
 * <run>/run.json, <run>/ckpt.lock
 * <run>/checkpoints/<name>/{model.safetensors, optimizer.safetensors, extra.safetensors, state.json, manifest.json}
 * ```
 * Tensors under `state.model` go to `model.safetensors` named without the `model.` prefix (as
 * Hugging Face names them); tensors under `state.optimizer` go to `optimizer.safetensors` without the
 * `optimizer.` prefix; every other tensor goes to `extra.safetensors` under its full dotted name.
 * `model.safetensors` is always written (empty when there are no model tensors); the other two only
 * when they hold tensors. A tensor file larger than the manager's `maxShardBytes` is written as
 * Hugging Face shards (`model-00001-of-00002.safetensors`, ... and `model.safetensors.index.json`).
 * `state.json` keeps the whole skeleton with full dotted tensor names.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** Folder of committed checkpoints, relative to the run. */
export const CHECKPOINTS_DIR = 'checkpoints/';
/** The commit record of a checkpoint; written last. */
export const MANIFEST_FILE = 'manifest.json';
/** The JSON side of a checkpoint: skeleton, epoch, step, metrics, framework info. */
export const STATE_FILE = 'state.json';
/** Run provenance, relative to the run. */
export const RUN_FILE = 'run.json';
/** The single-writer lock, relative to the run. */
export const LOCK_FILE = 'ckpt.lock';

/** A tensor file of a checkpoint and the dotted-name prefix its tensors had in the state tree. */
export interface TensorFileSpec {
  readonly file: string;
  /** Prefix (with the trailing dot) removed on write and restored on read; `''` for none. */
  readonly prefix: string;
  /** Written even when empty. */
  readonly always: boolean;
}

/** The tensor files, in the order names are matched (first matching prefix wins; `''` catches all). */
export const TENSOR_FILES: readonly TensorFileSpec[] = [
  { file: 'model.safetensors', prefix: 'model.', always: true },
  { file: 'optimizer.safetensors', prefix: 'optimizer.', always: false },
  { file: 'extra.safetensors', prefix: '', always: false },
];

/** The index of a tensor file written as shards: `model.safetensors.index.json` for `model.safetensors`. */
export function shardIndexFile(file: string): string {
  return `${file}.index.json`;
}

/** The shard-name prefix of a tensor file: `model` for `model.safetensors` (shards are `model-00001-of-00002.safetensors`). */
export function shardPrefixOf(file: string): string {
  return file.replace(/\.safetensors$/, '');
}

/** The folder of checkpoint `name`, e.g. `checkpoints/epoch=3/`. */
export function checkpointFolder(name: string): string {
  checkName(name);
  return `${CHECKPOINTS_DIR}${name}/`;
}

/** Key of a file of checkpoint `name`. */
export function checkpointKey(name: string, file: string): string {
  return checkpointFolder(name) + file;
}

/** Throws `E_INVALID_ARGUMENT` for a name that cannot be one directory: empty, `/`, `.`/`..`, a staging prefix. */
export function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0') || name.startsWith('.tmp-') || name.length > 255) {
    throw new CkptError('E_INVALID_ARGUMENT', `invalid checkpoint name ${JSON.stringify(name)}: one directory name, not starting with .tmp-, at most 255 characters`);
  }
}

/** Splits flat tensors by file: `file -> (name in file -> tensor)`. Files with `always` are present even when empty. */
export function splitTensors<T>(tensors: ReadonlyMap<string, T>): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>();
  for (const spec of TENSOR_FILES) if (spec.always) out.set(spec.file, new Map());
  for (const [name, t] of tensors) {
    const spec = TENSOR_FILES.find((s) => name.startsWith(s.prefix) && name.length > s.prefix.length);
    if (spec === undefined) throw new CkptError('E_INTERNAL', `no tensor file for ${name}`);
    let m = out.get(spec.file);
    if (m === undefined) out.set(spec.file, (m = new Map()));
    m.set(name.slice(spec.prefix.length), t);
  }
  return out;
}

/** The inverse of {@link splitTensors}: full dotted names back. Throws `E_CORRUPT` on a name found twice. */
export function joinTensors(files: ReadonlyMap<string, ReadonlyMap<string, Tensor>>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [file, tensors] of files) {
    const spec = TENSOR_FILES.find((s) => s.file === file);
    if (spec === undefined) continue;
    for (const [name, t] of tensors) {
      const full = spec.prefix + name;
      if (out.has(full)) throw new CkptError('E_CORRUPT', `tensor ${full} appears in two files of the checkpoint`);
      out.set(full, t);
    }
  }
  return out;
}
