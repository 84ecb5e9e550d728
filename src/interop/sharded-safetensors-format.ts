/**
 * Sharded safetensors (the Hugging Face layout, see `formats/safetensors/sharded.ts`) as a
 * {@link CheckpointFormat}: the path is the `<prefix>.safetensors.index.json` file. A state tree's
 * skeleton and checkpoint record ride in the index's `metadata` as `ckpt.skeleton` and
 * `ckpt.record` (JSON strings; other tools ignore keys they do not know), so a whole tree survives
 * a round trip just as it does in one `.safetensors` file.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fromSystemError } from '../errors.js';
import { serializeSafetensors } from '../formats/safetensors/serialize.js';
import {
  DEFAULT_MAX_SHARD_BYTES, INDEX_SUFFIX, planShards, readShardedSafetensorsHeaders, readShardedSafetensorsLazy, writeShardedSafetensors, type SafetensorsIndex,
} from '../formats/safetensors/sharded.js';
import type { CheckpointFormat } from './detect.js';
import { joinStateMetadata, splitStateMetadata } from './state-metadata.js';
import { isFlatSkeleton } from './state-source.js';

/** The index's metadata as strings (`total_size` and other numbers are written as decimal text). */
function indexMetadataText(index: SafetensorsIndex): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(index.metadata)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** The index's own string entries minus `total_size`: what carries over to another format. */
function carriedMetadata(index: SafetensorsIndex): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(index.metadata)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Bytes on disk of the index and its shards. */
async function filesSize(indexPath: string, shards: readonly string[], operation: string): Promise<number> {
  let size = 0;
  try {
    for (const f of [indexPath, ...shards.map((s) => join(dirname(indexPath), s))]) size += (await stat(f)).size;
  } catch (err) {
    throw fromSystemError(err, operation, indexPath);
  }
  return size;
}

export const shardedSafetensorsFormat: CheckpointFormat = {
  kind: 'sharded-safetensors',
  extensions: [INDEX_SUFFIX],
  description: 'sharded safetensors (<prefix>.safetensors.index.json)',
  matches: (probe) => !probe.isDirectory && probe.path.toLowerCase().endsWith(INDEX_SUFFIX),
  async inspect(path) {
    const { index, headers, totalBytes } = await readShardedSafetensorsHeaders(path);
    const tensors = [...headers.values()].flatMap((h) => h.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, byteLength: e.end - e.begin })));
    const byteLength = await filesSize(path, index.shards, 'inspect');
    const { metadata, skeleton, record } = splitStateMetadata(indexMetadataText(index), path);
    return {
      kind: 'sharded-safetensors',
      byteLength,
      metadata: { ...metadata, shards: String(index.shards.length) },
      tensors,
      tensorBytes: totalBytes,
      ...(skeleton === undefined ? {} : { skeleton }),
      ...(record === undefined ? {} : { record }),
    };
  },
  async read(path) {
    const { index, tensors } = await readShardedSafetensorsLazy(path);
    const { metadata, skeleton, record } = splitStateMetadata(carriedMetadata(index), path);
    return { tensors, metadata, ...(skeleton === undefined ? {} : { skeleton }), ...(record === undefined ? {} : { record }) };
  },
  async write(path, source) {
    // The order a reader will see: shard by shard, each shard in its storage order.
    const order = planShards(source.tensors, DEFAULT_MAX_SHARD_BYTES).flatMap((g) => serializeSafetensors(g).header.entries.map((e) => e.name));
    const skeleton = source.skeleton === undefined || isFlatSkeleton(source.skeleton, order) ? undefined : source.skeleton;
    const indexMetadata = joinStateMetadata(source.metadata, skeleton, source.record);
    const { shards } = await writeShardedSafetensors(path, source.tensors, { indexMetadata });
    return { byteLength: await filesSize(path, shards, 'write') };
  },
};
