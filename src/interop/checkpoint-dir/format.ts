/**
 * A checkpoint directory (`manifest.json`, `model.safetensors`, `optimizer.safetensors`,
 * `state.json`) as a {@link CheckpointFormat}. Reading verifies every file against the manifest
 * before parsing it (`loadCheckpoint`, `verifyCheckpoint`); writing is the manager's own commit
 * (`snapshotState` + `commitCheckpoint`): files in a `.tmp-*` directory beside the target, each
 * fsynced, the manifest last, then one rename. A directory that already exists is never replaced.
 *
 * @module
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load.js';
import { MANIFEST_FILE, STATE_FILE, TENSOR_FILES, checkName, shardIndexFile } from '../../checkpoint/layout.js';
import { commitCheckpoint } from '../../checkpoint/commit.js';
import { readManifest } from '../../checkpoint/catalog.js';
import { ckptPackageVersion } from '../../checkpoint/run-info.js';
import { snapshotState } from '../../checkpoint/snapshot.js';
import { decodeStateFile, encodeStateFile } from '../../checkpoint/state-file.js';
import { verifyCheckpoint } from '../../checkpoint/verify.js';
import { CkptError } from '../../errors.js';
import { readSafetensorsHeader } from '../../formats/safetensors/read-file.js';
import { readShardedSafetensorsHeaders } from '../../formats/safetensors/sharded.js';
import type { SafetensorsHeader } from '../../formats/safetensors/types.js';
import type { CheckpointFormat, CheckpointSummary, FormatWriteOptions, TensorSummary } from '../detect.js';
import { materializeState, sourceFromState, type StateSource } from '../state-source.js';
import { inferRecord } from './record.js';
import { StandaloneCheckpointStore } from './store.js';

/** Throws `E_CORRUPT` / `E_INCOMPLETE` naming the first problem `verifyCheckpoint` finds (files not in the manifest are ignored). */
async function verifyOrThrow(store: StandaloneCheckpointStore, path: string): Promise<void> {
  const report = await verifyCheckpoint(store, store.name);
  const problem = report.problems.find((p) => p.kind !== 'extra');
  if (problem === undefined) return;
  const code = problem.kind === 'manifest' ? 'E_INCOMPLETE' : 'E_CORRUPT';
  throw new CkptError(code, `${path}: ${problem.message}`, { details: { path, file: problem.file } });
}

async function inspectDir(path: string): Promise<CheckpointSummary> {
  const store = new StandaloneCheckpointStore(path);
  await verifyOrThrow(store, path);
  const manifest = await readManifest(store, store.name);
  const tensors: TensorSummary[] = [];
  for (const spec of TENSOR_FILES) {
    let headers: SafetensorsHeader[];
    if (Object.hasOwn(manifest.files, spec.file)) headers = [await readSafetensorsHeader(join(path, spec.file))];
    else if (Object.hasOwn(manifest.files, shardIndexFile(spec.file))) headers = [...(await readShardedSafetensorsHeaders(join(path, shardIndexFile(spec.file)))).headers.values()];
    else continue;
    for (const header of headers) {
      for (const e of header.entries) tensors.push({ name: spec.prefix + e.name, dtype: e.dtype, shape: e.shape, byteLength: e.end - e.begin });
    }
  }
  const state = decodeStateFile(await store.get(`checkpoints/${store.name}/${STATE_FILE}`), `${STATE_FILE} of ${path}`);
  let byteLength = 0;
  for (const f of Object.values(manifest.files)) byteLength += f.size;
  const metadata: Record<string, string> = { created: manifest.created, reasons: manifest.reasons.join('; '), writer: `${state.framework.library} ${state.framework.version}` };
  if (manifest.trigger !== undefined) metadata.trigger = manifest.trigger;
  return {
    kind: 'checkpoint',
    byteLength,
    metadata,
    tensors,
    tensorBytes: tensors.reduce((n, t) => n + t.byteLength, 0),
    skeleton: state.skeleton,
    record: { epoch: manifest.epoch, step: manifest.step, metrics: manifest.metrics },
  };
}

async function readDir(path: string): Promise<StateSource> {
  const store = new StandaloneCheckpointStore(path);
  const loaded = await loadCheckpoint(store, store.name);
  const { epoch, step, metrics } = loaded.record;
  return sourceFromState(loaded.state, {}, { epoch, step, metrics });
}

/** Throws unless `path` is free for a new checkpoint: missing, or an empty directory. */
async function checkFree(path: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new CkptError('E_WRONG_KIND', `${path} is a file; a checkpoint directory cannot replace it`, { details: { path } });
    throw err;
  }
  if (entries.length > 0) {
    throw new CkptError('E_SAVE_FAILED', `${path} already exists and is not empty; a checkpoint directory is never overwritten: remove it or pick another name`, { details: { path } });
  }
}

async function writeDir(path: string, source: StateSource, options: FormatWriteOptions = {}): Promise<{ byteLength: number }> {
  const store = new StandaloneCheckpointStore(path);
  checkName(store.name);
  await checkFree(path);
  const tree = await materializeState(source);
  // Every tensor file of a checkpoint gets {format: 'pt'}; other metadata has no place.
  const dropped = Object.keys(source.metadata).filter((k) => !(k === 'format' && source.metadata[k] === 'pt'));
  if (dropped.length > 0) options.onWarning?.(`a checkpoint directory keeps no file metadata; dropped ${dropped.join(', ')}`);
  const { epoch, step, metrics } = source.record ?? inferRecord(tree);
  const snapshot = snapshotState(tree);
  const stateJson = encodeStateFile({ epoch, step, metrics, skeleton: snapshot.skeleton, framework: { library: 'ckpt', version: ckptPackageVersion(), node: process.version } });
  const now = Date.now();
  const manifest = await commitCheckpoint(store, { name: store.name, epoch, step, metrics, time: now, reasons: ['ckpt convert'], tensorFiles: snapshot.tensorFiles, stateJson }, () => now);
  let byteLength = 0;
  for (const f of Object.values(manifest.files)) byteLength += f.size;
  return { byteLength };
}

export const checkpointDirFormat: CheckpointFormat = {
  kind: 'checkpoint',
  extensions: [''],
  description: 'checkpoint directory',
  matches: (probe) => probe.isDirectory && probe.entries.includes(MANIFEST_FILE),
  inspect: inspectDir,
  read: readDir,
  write: writeDir,
};
