/**
 * safetensors: the format's reader and writer.
 *
 * @example
 * ```ts
 * import { Tensor, writeSafetensorsFile, readSafetensorsFile } from 'ckpt';
 * await writeSafetensorsFile('model.safetensors', new Map([['w', Tensor.from('F32', [2], [1, 2])]]), { metadata: { format: 'pt' } });
 * const { header, tensors } = await readSafetensorsFile('model.safetensors');
 * ```
 * @module
 */
export { MAX_HEADER_BYTES, METADATA_KEY } from './types.js';
export type { LazyTensor, SafetensorsEntry, SafetensorsHeader, SafetensorsWriteOptions } from './types.js';
export { serializeSafetensors, type SerializedSafetensors } from './serialize.js';
export { parseSafetensors } from './parse.js';
export { readSafetensorsFile, readSafetensorsHeader, readSafetensorsLazy, readSafetensorsTensor, type ReadSafetensorsOptions } from './read-file.js';
export { writeSafetensorsFile, type SafetensorsFileWriteOptions } from './write-file.js';
export {
  DEFAULT_MAX_SHARD_BYTES,
  INDEX_SUFFIX,
  parseSafetensorsIndex,
  shardLayout,
  type ShardLayout,
  planShards,
  readSafetensorsIndex,
  readShardedSafetensors,
  readShardedSafetensorsHeaders,
  readShardedSafetensorsLazy,
  readShards,
  writeShardedSafetensors,
  type SafetensorsIndex,
  type ShardedSafetensors,
  type WriteShardedOptions,
} from './sharded.js';
