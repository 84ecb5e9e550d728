/**
 * Loading one checkpoint back into a state tree. Every file is checked against the manifest (size
 * and CRC32C) before it is parsed, so a damaged file is reported as `E_CORRUPT` naming it and is
 * never interpreted.
 *
 * @module
 */
import { basename, dirname, resolve } from 'node:path';
import { CkptError, isCkptError } from '../errors.js';
import { parseSafetensors, parseSafetensorsIndex, readShards, type SafetensorsHeader } from '../formats/safetensors/index.js';
import { FsStore } from '../storage/fs-store.js';
import { getLarge, type Store } from '../storage/store.js';
import { unflattenState, type StateValue } from '../tensor/state-tree.js';
import type { Tensor } from '../tensor/tensor.js';
import { crc32c, crc32cHex } from '../util/crc32c.js';
import { readManifest } from './catalog.js';
import { CHECKPOINTS_DIR, checkpointKey, joinTensors, shardIndexFile, STATE_FILE, TENSOR_FILES } from './layout.js';
import { recordOf, type Manifest } from './manifest.js';
import type { CheckpointRecord } from './policies/types.js';
import { decodeStateFile } from './state-file.js';

/** A checkpoint loaded back. */
export interface LoadedCheckpoint {
  /** The state tree as it was saved (tensors, skeleton values, RNG and user state). */
  readonly state: StateValue;
  /** Name, epoch, step, metrics and time. */
  readonly record: CheckpointRecord;
  readonly manifest: Manifest;
}

/** Files at least this large are memory-mapped when the store can (committed files never change in place). */
const MAP_FROM_BYTES = 1 << 20;

/** Reads `file` of checkpoint `name` and checks it against the manifest. */
async function readChecked(store: Store, name: string, manifest: Manifest, file: string): Promise<Uint8Array> {
  const want = manifest.files[file];
  if (want === undefined) throw new CkptError('E_CORRUPT', `checkpoint "${name}": ${file} is not in its manifest`, { details: { checkpoint: name, file } });
  let bytes: Uint8Array;
  try {
    const key = checkpointKey(name, file);
    bytes = want.size >= MAP_FROM_BYTES ? await getLarge(store, key) : await store.get(key);
  } catch (err) {
    if (isCkptError(err, 'E_NOT_FOUND')) {
      throw new CkptError('E_CORRUPT', `checkpoint "${name}": ${file} is missing`, { cause: err, details: { checkpoint: name, file } });
    }
    throw err;
  }
  if (bytes.byteLength !== want.size) {
    throw new CkptError('E_CORRUPT', `checkpoint "${name}": ${file} is ${bytes.byteLength} bytes, the manifest says ${want.size}`, { details: { checkpoint: name, file } });
  }
  const got = crc32cHex(crc32c(bytes));
  if (got !== want.crc32c) {
    throw new CkptError('E_CORRUPT', `checkpoint "${name}": ${file} has CRC32C ${got}, the manifest says ${want.crc32c}`, { details: { checkpoint: name, file } });
  }
  return bytes;
}

/**
 * Loads checkpoint `name`: verifies and parses every file its manifest lists, then joins tensors
 * and skeleton. Throws `E_INCOMPLETE` (no valid manifest) or `E_CORRUPT` (a damaged file, named).
 */
export async function loadCheckpoint(store: Store, name: string): Promise<LoadedCheckpoint> {
  const manifest = await readManifest(store, name);
  const files = new Map<string, Map<string, Tensor>>();
  for (const spec of TENSOR_FILES) {
    if (Object.hasOwn(manifest.files, spec.file)) files.set(spec.file, (await parseChecked(store, name, manifest, spec.file)).tensors);
    else if (Object.hasOwn(manifest.files, shardIndexFile(spec.file))) files.set(spec.file, await loadShardedTensorFile(store, name, manifest, spec.file));
  }
  const stateFile = decodeStateFile(await readChecked(store, name, manifest, STATE_FILE), `${STATE_FILE} of checkpoint "${name}"`);
  const state = unflattenState(joinTensors(files), stateFile.skeleton);
  return { state, record: recordOf(name, manifest), manifest };
}

/** Reads, checks and parses one safetensors file of the checkpoint; a parse failure is `E_CORRUPT` naming it. */
async function parseChecked(store: Store, name: string, manifest: Manifest, file: string): Promise<{ header: SafetensorsHeader; tensors: Map<string, Tensor> }> {
  const bytes = await readChecked(store, name, manifest, file);
  try {
    return parseSafetensors(bytes);
  } catch (err) {
    throw new CkptError('E_CORRUPT', `checkpoint "${name}": ${file} is not valid safetensors: ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { checkpoint: name, file } });
  }
}

/** A tensor file written as shards: the index and every shard checked against the manifest, then against each other. */
async function loadShardedTensorFile(store: Store, name: string, manifest: Manifest, file: string): Promise<Map<string, Tensor>> {
  const indexFile = shardIndexFile(file);
  const where = `${indexFile} of checkpoint "${name}"`;
  const corrupt = (err: unknown): CkptError =>
    new CkptError('E_CORRUPT', `checkpoint "${name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { checkpoint: name, file: indexFile } });
  let index;
  try {
    index = parseSafetensorsIndex(await readChecked(store, name, manifest, indexFile), where);
  } catch (err) {
    throw isCkptError(err, 'E_CORRUPT') ? err : corrupt(err);
  }
  try {
    return (await readShards(where, index, (shard) => parseChecked(store, name, manifest, shard))).tensors;
  } catch (err) {
    throw isCkptError(err, 'E_BAD_INDEX') ? corrupt(err) : err;
  }
}

/**
 * Loads the checkpoint in directory `path` (`<run>/checkpoints/<name>`), verified, without taking
 * the run lock: for `ckpt eval`, `ckpt convert` and scripts. `E_INVALID_ARGUMENT` when `path` is not
 * inside a `checkpoints/` folder.
 */
export async function loadCheckpointDir(path: string): Promise<LoadedCheckpoint> {
  const abs = resolve(path);
  if (basename(dirname(abs)) !== CHECKPOINTS_DIR.slice(0, -1)) {
    throw new CkptError('E_INVALID_ARGUMENT', `${path} is not a checkpoint directory (expected <run>/${CHECKPOINTS_DIR}<name>)`);
  }
  return loadCheckpoint(new FsStore(dirname(dirname(abs))), basename(abs));
}
