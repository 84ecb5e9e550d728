/**
 * Loading the named tensors of whatever `ckpt diff` is given: a checkpoint directory (through
 * `loadCheckpoint`, so every file is verified first) or a checkpoint file in any format the
 * format dispatch (`formats/detect.ts`) reads. A run directory is refused with a hint.
 *
 * @module
 */
import { loadCheckpoint } from '../checkpoint/load.js';
import { CkptError } from '../errors.js';
import { detectFormat } from '../formats/detect.js';
import { tensorsOf } from '../tensor/state-tree.js';
import { Tensor } from '../tensor/tensor.js';
import { pathKind, resolveTarget } from './run-path.js';

/** Named tensors and where they came from. */
export interface LoadedTensors {
  /** `checkpoint` for a checkpoint directory, else the format's kind (e.g. `safetensors`). */
  readonly kind: string;
  /** Full dotted names (`model.fc.weight`) for a checkpoint directory; the file's names otherwise. */
  readonly tensors: ReadonlyMap<string, Tensor>;
}

/** Prefix of the model tensors in a checkpoint's state tree (they are stored without it in `model.safetensors`). */
export const MODEL_PREFIX = 'model.';

/** Reads every tensor of `full` (absolute); `shown` is the path as typed, for messages. */
export async function loadTensors(full: string, shown: string): Promise<LoadedTensors> {
  const kind = await pathKind(full);
  if (kind === undefined) throw new CkptError('E_NOT_FOUND', `${shown} does not exist`, { details: { path: shown } });
  if (kind === 'dir') {
    const target = await resolveTarget(full, shown);
    if (target.kind === 'run') {
      throw new CkptError('E_WRONG_KIND', `${shown} is a run; diff compares checkpoints: pass one, e.g. "$(ckpt best ${shown} --monitor METRIC)"`, { details: { path: shown } });
    }
    const { state } = await loadCheckpoint(target.store, target.name);
    return { kind: 'checkpoint', tensors: tensorsOf(state) };
  }
  const format = await detectFormat(full);
  const source = await format.read(full);
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of source.tensors) {
    if (t instanceof Tensor) {
      tensors.set(name, t);
      continue;
    }
    const bytes = new Uint8Array(t.byteLength);
    let at = 0;
    for await (const chunk of t.chunks()) {
      if (at + chunk.byteLength > bytes.byteLength) throw new CkptError('E_CORRUPT', `${shown}: tensor ${name} yields more than its ${t.byteLength} bytes`);
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    if (at !== bytes.byteLength) throw new CkptError('E_CORRUPT', `${shown}: tensor ${name} yields ${at} of its ${t.byteLength} bytes`);
    tensors.set(name, new Tensor(t.dtype, t.shape, bytes));
  }
  return { kind: format.kind, tensors };
}

/** The model tensors of a checkpoint's full-name map, with the `model.` prefix removed (as in `model.safetensors`). */
export function modelTensors(tensors: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of tensors) if (name.startsWith(MODEL_PREFIX)) out.set(name.slice(MODEL_PREFIX.length), t);
  return out;
}
