/**
 * Writing one checkpoint: every tensor file streamed from the snapshot to the store (CRC32C
 * computed on the way, nothing concatenated), `state.json`, then `manifest.json` last through the
 * store's commit primitive (temp dir + fsync + rename locally; conditional put on object stores).
 * On failure the staged files are removed and the error names the checkpoint.
 *
 * @module
 */
import { CkptError, isCkptError } from '../errors.js';
import { DEFAULT_MAX_SHARD_BYTES, serializeSafetensors, shardLayout } from '../formats/safetensors/index.js';
import type { StagedWrite, Store } from '../storage/store.js';
import type { Tensor } from '../tensor/tensor.js';
import { Crc32c, crc32c, crc32cHex } from '../util/crc32c.js';
import { checkpointFolder, MANIFEST_FILE, shardIndexFile, shardPrefixOf, STATE_FILE } from './layout.js';
import { encodeManifest, type Manifest, type ManifestFile } from './manifest.js';
import type { SaveTrigger } from './policies/types.js';

/** Everything that goes into one checkpoint. */
export interface CheckpointContent {
  readonly name: string;
  readonly epoch: number;
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Time of the step, ms since the Unix epoch. */
  readonly time: number;
  readonly trigger?: SaveTrigger;
  readonly reasons: readonly string[];
  /** Tensor file name -> tensors in it (names as stored in the file). */
  readonly tensorFiles: ReadonlyMap<string, ReadonlyMap<string, Tensor>>;
  /** Encoded `state.json`. */
  readonly stateJson: Uint8Array;
}

async function* tap(chunks: AsyncIterable<Uint8Array>, crc: Crc32c): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    crc.update(c);
    yield c;
  }
}

/** Metadata written into every tensor file, as Hugging Face's `save_file` does for PyTorch tensors. */
const SAFETENSORS_METADATA = { format: 'pt' };

/** Streams one safetensors file into the staged folder, CRC32C on the way. */
async function putTensorFile(staged: StagedWrite, file: string, tensors: ReadonlyMap<string, Tensor>): Promise<ManifestFile> {
  const ser = serializeSafetensors(tensors, { metadata: SAFETENSORS_METADATA });
  const crc = new Crc32c();
  const size = await staged.put(file, tap(ser.chunks(), crc));
  if (size !== ser.byteLength) throw new CkptError('E_INTERNAL', `${file}: wrote ${size} bytes, planned ${ser.byteLength}`);
  return { size, crc32c: crc32cHex(crc.digest()) };
}

/** Puts small `bytes` (state.json, a shard index) into the staged folder. */
async function putBytes(staged: StagedWrite, file: string, bytes: Uint8Array): Promise<ManifestFile> {
  return { size: await staged.put(file, bytes), crc32c: crc32cHex(crc32c(bytes)) };
}

/** Options of {@link commitCheckpoint}. */
export interface CommitOptions {
  /** A tensor file with more tensor bytes than this is written as Hugging Face shards plus an index. Default: {@link DEFAULT_MAX_SHARD_BYTES}. */
  maxShardBytes?: number;
}

/**
 * Writes and commits `content` as `checkpoints/<name>/`; returns its manifest. `now` gives the
 * commit time. Throws a `CkptError` naming the checkpoint: `E_NO_SPACE`, `E_IO` (from the store)
 * or `E_SAVE_FAILED`; nothing of the failed checkpoint stays visible.
 */
export async function commitCheckpoint(store: Store, content: CheckpointContent, now: () => number, options: CommitOptions = {}): Promise<Manifest> {
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  const folder = checkpointFolder(content.name);
  let staged;
  try {
    staged = await store.stage(folder);
  } catch (err) {
    throw saveError(err, content.name, store);
  }
  try {
    const files: Record<string, ManifestFile> = {};
    for (const [file, tensors] of content.tensorFiles) {
      let bytes = 0;
      for (const t of tensors.values()) bytes += t.byteLength;
      if (bytes <= maxShardBytes) {
        files[file] = await putTensorFile(staged, file, tensors);
        continue;
      }
      const layout = shardLayout(shardPrefixOf(file), tensors, maxShardBytes);
      for (const shard of layout.shards) files[shard.file] = await putTensorFile(staged, shard.file, shard.tensors);
      files[shardIndexFile(file)] = await putBytes(staged, shardIndexFile(file), new TextEncoder().encode(layout.indexText));
    }
    files[STATE_FILE] = await putBytes(staged, STATE_FILE, content.stateJson);
    const t = now();
    const manifest: Manifest = {
      format: 'ckpt.checkpoint',
      version: 1,
      name: content.name,
      created: new Date(t).toISOString(),
      time: content.time,
      epoch: content.epoch,
      step: content.step,
      metrics: content.metrics,
      ...(content.trigger === undefined ? {} : { trigger: content.trigger }),
      reasons: content.reasons,
      files,
    };
    await staged.commit(MANIFEST_FILE, encodeManifest(manifest));
    return manifest;
  } catch (err) {
    await staged.abort().catch(() => undefined);
    throw saveError(err, content.name, store);
  }
}

function saveError(err: unknown, name: string, store: Store): CkptError {
  const message = `could not save checkpoint "${name}" in ${store.location}: ${err instanceof Error ? err.message : String(err)}; earlier checkpoints are intact`;
  if (isCkptError(err) && (err.code === 'E_NO_SPACE' || err.code === 'E_IO' || err.code === 'E_SAVE_FAILED')) {
    return new CkptError(err.code, message, { cause: err, details: { ...err.details, checkpoint: name } });
  }
  return new CkptError('E_SAVE_FAILED', message, { cause: err, details: { checkpoint: name } });
}
