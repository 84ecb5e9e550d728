/**
 * Loading the named tensors of whatever `ckpt diff` is given: a checkpoint directory (through
 * `loadCheckpoint`, so every file is verified first) or a checkpoint file in any format the
 * format dispatch (`interop/detect.ts`) reads. A run directory is refused with a hint.
 *
 * @module
 */
import { loadCheckpoint } from '../checkpoint/load.js';
import { CkptError } from '../errors.js';
import { detectFormat } from '../interop/detect.js';
import { materializeTensors } from '../interop/state-source.js';
import { tensorsOf } from '../tensor/state-tree.js';
import type { Tensor } from '../tensor/tensor.js';
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
  const tensors = await materializeTensors(await format.read(full));
  return { kind: format.kind, tensors };
}

/** The model tensors of a checkpoint's full-name map, with the `model.` prefix removed (as in `model.safetensors`). */
export function modelTensors(tensors: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of tensors) if (name.startsWith(MODEL_PREFIX)) out.set(name.slice(MODEL_PREFIX.length), t);
  return out;
}
