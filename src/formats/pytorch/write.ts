/**
 * Writing `.pth` files that `torch.load` opens: the state tree is pickled (protocol 2, allow-listed
 * subset), then streamed into a torch-layout zip (`data.pkl`, `byteorder`, `data/0..N`, `version`)
 * in a temporary file that is fsynced and renamed into place.
 *
 * @module
 */
import { basename, extname } from 'node:path';
import { CkptError } from '../../errors.js';
import type { StateValue } from '../../tensor/state-tree.js';
import type { WritePthOptions } from './limits.js';
import { pickleTree } from './pickle/pickler.js';
import { TorchZipWriter } from './zip/writer.js';

/** The `version` record torch.save writes. */
const FILE_VERSION = '3\n';

/** torch's rule: the file's base name without its last extension when ASCII, else "archive". */
export function defaultArchiveName(path: string): string {
  const base = basename(path, extname(path));
  return /^[\x20-\x7e]+$/.test(base) && !base.includes('/') && !base.includes('\\') && base !== '.' && base !== '..' ? base : 'archive';
}

/**
 * Writes `tree` as a `.pth` file that `torch.load` (torch >= 1.6) reads back with the same
 * structure: dicts (plain objects and Maps, int keys kept), OrderedDicts with their attributes,
 * Tuples, lists, ints (bigints too), floats, strings, bools, None, bytes and tensors of dtypes
 * F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL C64. The same Tensor object in several places is saved
 * once and comes back shared. The write is atomic: a crash leaves the old file or none.
 *
 * @example
 * ```ts
 * await writePth('ckpt.pth', { epoch: 3, model_state_dict: sd, best_val_acc: 0.97 });
 * ```
 * @throws CkptError `E_STATE_TREE` (a value torch cannot hold), `E_UNSUPPORTED` (a dtype torch 1.13
 *   lacks), `E_IO`, `E_NO_SPACE`.
 */
export async function writePth(path: string, tree: StateValue, options: WritePthOptions = {}): Promise<{ byteLength: number }> {
  const { pickle, storages } = pickleTree(tree);
  const folder = options.archiveName ?? defaultArchiveName(path);
  if (!/^[^/\\\0]+$/.test(folder) || folder === '.' || folder === '..') {
    throw new CkptError('E_INVALID_ARGUMENT', `archiveName ${JSON.stringify(folder)} must be one path segment`);
  }
  const zip = await TorchZipWriter.create(path, {
    ...(options.alignment === undefined ? {} : { alignment: options.alignment }),
    fsync: options.fsync ?? true,
  });
  await zip.add(`${folder}/data.pkl`, [pickle]);
  await zip.add(`${folder}/byteorder`, [Buffer.from('little')]);
  for (let i = 0; i < storages.length; i++) await zip.add(`${folder}/data/${i}`, [(storages[i] as (typeof storages)[number]).bytes]);
  await zip.add(`${folder}/version`, [Buffer.from(FILE_VERSION)]);
  return zip.finish();
}
