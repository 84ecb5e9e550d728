/**
 * What a path given to a run-management command is: a run directory (has `checkpoints/`), one
 * checkpoint directory (has `manifest.json`), or something else, reported as a coded error that
 * says what to pass instead.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CHECKPOINTS_DIR, MANIFEST_FILE, STATE_FILE } from '../checkpoint/layout.js';
import { CkptError, fromSystemError } from '../errors.js';
import { StandaloneCheckpointStore } from '../interop/checkpoint-dir/store.js';
import { FsStore } from '../storage/fs-store.js';
import type { Store } from '../storage/store.js';

/** A run directory. */
export interface RunTarget {
  readonly kind: 'run';
  /** Absolute path. */
  readonly dir: string;
  readonly store: Store;
}

/** One checkpoint directory, seen through a store in which it is `checkpoints/<name>/`. */
export interface CheckpointTarget {
  readonly kind: 'checkpoint';
  /** Absolute path. */
  readonly dir: string;
  /** The folder name. */
  readonly name: string;
  readonly store: Store;
}

/** A run or a checkpoint directory. */
export type Target = RunTarget | CheckpointTarget;

const CHECKPOINT_FILE_EXTENSIONS = ['.safetensors', '.pth', '.pt', '.bin', '.ckpt'];

/** `dir`, `file`, or `undefined` when nothing is at `path`. */
export async function pathKind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fromSystemError(err, 'open', path);
  }
}

/**
 * Classifies `dir` (absolute). `shown` is the path as the user typed it, for messages.
 * Throws `E_NOT_FOUND` (nothing there), `E_WRONG_KIND` (a file, or a directory that is neither),
 * `E_INCOMPLETE` (checkpoint files without a manifest).
 */
export async function resolveTarget(dir: string, shown: string): Promise<Target> {
  const kind = await pathKind(dir);
  if (kind === undefined) throw new CkptError('E_NOT_FOUND', `${shown} does not exist`, { details: { path: shown } });
  if (kind === 'file') {
    const hint = CHECKPOINT_FILE_EXTENSIONS.includes(extname(dir).toLowerCase()) ? '; for a checkpoint file use ckpt inspect or ckpt diff' : '';
    throw new CkptError('E_WRONG_KIND', `${shown} is a file, not a run or checkpoint directory${hint}`, { details: { path: shown } });
  }
  if ((await pathKind(`${dir}/${CHECKPOINTS_DIR}`)) === 'dir') return { kind: 'run', dir, store: new FsStore(dir) };
  if ((await pathKind(`${dir}/${MANIFEST_FILE}`)) === 'file') {
    const store = new StandaloneCheckpointStore(dir);
    return { kind: 'checkpoint', dir, name: store.name, store };
  }
  if ((await pathKind(`${dir}/${STATE_FILE}`)) === 'file' || (await pathKind(`${dir}/model.safetensors`)) === 'file') {
    throw new CkptError('E_INCOMPLETE', `${shown} has checkpoint files but no ${MANIFEST_FILE}: it was never committed or is being deleted`, { details: { path: shown } });
  }
  const hint = `${basename(dir)}/` === CHECKPOINTS_DIR ? `; it looks like the ${CHECKPOINTS_DIR} folder of a run: pass its parent` : '';
  throw new CkptError('E_WRONG_KIND', `${shown} is neither a run (no ${CHECKPOINTS_DIR} folder) nor a checkpoint (no ${MANIFEST_FILE})${hint}`, { details: { path: shown } });
}

/** Like {@link resolveTarget}, but only a run is accepted; a checkpoint directory gets `E_WRONG_KIND` naming its run. */
export async function resolveRun(dir: string, shown: string): Promise<RunTarget> {
  const target = await resolveTarget(dir, shown);
  if (target.kind === 'run') return target;
  throw new CkptError('E_WRONG_KIND', `${shown} is one checkpoint, not a run; pass the run directory (the one that holds ${CHECKPOINTS_DIR})`, { details: { path: shown } });
}
