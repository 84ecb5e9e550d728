/**
 * Sharded safetensors, as the Hugging Face libraries write them for large models:
 * `model-00001-of-00003.safetensors`, ... beside `model.safetensors.index.json`, whose
 * `weight_map` names the shard of every tensor and whose `metadata.total_size` is the sum of the
 * tensor bytes. The index is checked against the shards' headers before anything is trusted:
 * shard names must be plain file names in the index's folder, every tensor must be in the shard
 * the index names, and no shard may hold a tensor the index does not list.
 *
 * Writing puts the shards down first (each replaced atomically) and the index last, so a reader
 * never finds an index naming a shard that is not complete; shards of an earlier save with the
 * same prefix that the new index does not name are removed afterwards.
 *
 * @module
 */
import { open, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { CkptError, fromSystemError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { replaceFileAtomically } from '../../util/atomic-file.js';
import { parseJson } from '../../util/json.js';
import { readBoundedFile } from '../../util/read-bounded.js';
import { readSafetensorsFile, readSafetensorsHeader, readSafetensorsLazy } from './read-file.js';
import type { LazyTensor, SafetensorsHeader } from './types.js';
import { writeSafetensorsFile } from './write-file.js';

/** The suffix that marks an index file. */
export const INDEX_SUFFIX = '.safetensors.index.json';

/** Largest index file accepted (a model of a million tensors stays well under it). */
export const MAX_INDEX_BYTES = 256 * 2 ** 20;

/** The Hugging Face default largest shard: "5GB", in decimal bytes. */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** A parsed `*.safetensors.index.json`. */
export interface SafetensorsIndex {
  /** The index's `metadata` object as it is (`total_size` and whatever else the writer put there). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name -> shard file name, in the index's order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Shard file names, sorted (so `-00001-of-` comes first). */
  readonly shards: readonly string[];
}

const indexSchema = z.object({
  metadata: z.record(z.string(), z.unknown()).optional(),
  weight_map: z.record(z.string(), z.string()),
});

function badIndex(path: string, message: string): CkptError {
  return new CkptError('E_BAD_INDEX', `${path}: ${message}`, { details: { path } });
}

/** A shard name must be a plain `.safetensors` file name: no folders, nothing hidden. */
function checkShardName(path: string, tensor: string, shard: string): void {
  if (shard.length === 0 || shard.length > 255 || /[/\\\0]/.test(shard) || shard.startsWith('.') || !shard.endsWith('.safetensors')) {
    throw badIndex(path, `tensor ${JSON.stringify(tensor)} is mapped to ${JSON.stringify(shard)}, which is not a plain .safetensors file name in the index's folder`);
  }
}

/** Reads and validates an index file (its shards are not opened). */
export async function readSafetensorsIndex(path: string): Promise<SafetensorsIndex> {
  return parseSafetensorsIndex(await readBoundedFile(path, MAX_INDEX_BYTES, 'read safetensors index'), path);
}

/** Parses and validates the bytes of an index; `path` names it in errors. `E_BAD_INDEX`, or `E_LIMIT` past {@link MAX_INDEX_BYTES}. */
export function parseSafetensorsIndex(bytes: Uint8Array, path: string): SafetensorsIndex {
  if (bytes.byteLength > MAX_INDEX_BYTES) throw new CkptError('E_LIMIT', `${path} is ${bytes.byteLength} bytes, over the limit of ${MAX_INDEX_BYTES}`, { details: { path } });
  const json = parseJson(new TextDecoder().decode(bytes), path, { code: 'E_BAD_INDEX' });
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) throw badIndex(path, `not a safetensors index (${parsed.error.issues[0]?.message ?? 'bad shape'}); expected {"metadata": {...}, "weight_map": {"tensor": "shard.safetensors"}}`);
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(parsed.data.weight_map)) {
    checkShardName(path, tensor, shard);
    weightMap.set(tensor, shard);
    if (!shards.includes(shard)) shards.push(shard);
  }
  return { metadata: parsed.data.metadata ?? {}, weightMap, shards: shards.sort() };
}

/** Checks one shard's header against the index: the same tensors, none missing, none extra (so none is in two shards). `E_BAD_INDEX`. */
function checkShard(path: string, index: SafetensorsIndex, shard: string, header: SafetensorsHeader): void {
  const listed = new Set<string>();
  for (const e of header.entries) {
    const mapped = index.weightMap.get(e.name);
    if (mapped === undefined) throw badIndex(path, `shard ${shard} holds ${JSON.stringify(e.name)}, which the index does not list`);
    if (mapped !== shard) throw badIndex(path, `shard ${shard} holds ${JSON.stringify(e.name)}, which the index maps to ${mapped}`);
    listed.add(e.name);
  }
  for (const [name, s] of index.weightMap) {
    if (s === shard && !listed.has(name)) throw badIndex(path, `the index maps ${JSON.stringify(name)} to ${shard}, which does not hold it`);
  }
}

/** Checks `metadata.total_size`, when the index has a number there, against the bytes the shards hold. `E_BAD_INDEX`. */
function checkTotalSize(path: string, index: SafetensorsIndex, totalBytes: number): void {
  const declared = index.metadata.total_size;
  if (typeof declared === 'number' && declared !== totalBytes) throw badIndex(path, `metadata.total_size says ${declared} bytes, the shards hold ${totalBytes}`);
}

/** What a sharded read returns. */
export interface ShardedSafetensors<T> {
  readonly index: SafetensorsIndex;
  /** Every tensor, shard by shard in name order, each shard's tensors in its storage order. */
  readonly tensors: Map<string, T>;
  /** Each shard's validated header, by shard name in index order (its `metadata`: Hugging Face writes `{"format": "pt"}`). */
  readonly headers: ReadonlyMap<string, SafetensorsHeader>;
  /** Sum of the tensors' bytes; checked against `metadata.total_size` when the index has a number there. */
  readonly totalBytes: number;
}

/**
 * Opens every shard of `index` with `openShard` (in name order), checks each header against the
 * index and the total against `metadata.total_size`, and joins their tensors. `where` names the
 * index in errors (`E_BAD_INDEX`); errors of `openShard` pass through.
 */
export async function readShards<T>(
  where: string,
  index: SafetensorsIndex,
  openShard: (shard: string) => Promise<{ header: SafetensorsHeader; tensors: Map<string, T> }>,
): Promise<ShardedSafetensors<T>> {
  const tensors = new Map<string, T>();
  const headers = new Map<string, SafetensorsHeader>();
  let totalBytes = 0;
  for (const shard of index.shards) {
    const { header, tensors: own } = await openShard(shard);
    checkShard(where, index, shard, header);
    headers.set(shard, header);
    for (const e of header.entries) totalBytes += e.end - e.begin;
    for (const [name, t] of own) tensors.set(name, t);
  }
  checkTotalSize(where, index, totalBytes);
  return { index, tensors, headers, totalBytes };
}

async function readSharded<T>(indexPath: string, openShard: (shardPath: string) => Promise<{ header: SafetensorsHeader; tensors: Map<string, T> }>): Promise<ShardedSafetensors<T>> {
  const index = await readSafetensorsIndex(indexPath);
  const dir = dirname(indexPath);
  return readShards(indexPath, index, (shard) =>
    openShard(join(dir, shard)).catch((err: unknown) => {
      if (err instanceof CkptError && err.code === 'E_NOT_FOUND') throw badIndex(indexPath, `shard ${shard} is missing`);
      throw err;
    }),
  );
}

/** Reads every shard of a sharded safetensors checkpoint (memory-mapped, see `readSafetensorsFile`) after checking it against the index. */
export function readShardedSafetensors(indexPath: string, options: { mmap?: boolean } = {}): Promise<ShardedSafetensors<Tensor>> {
  return readSharded(indexPath, (p) => readSafetensorsFile(p, options));
}

/** Like {@link readShardedSafetensors}, with tensors read only when iterated (headers are still all checked). */
export function readShardedSafetensorsLazy(indexPath: string): Promise<ShardedSafetensors<LazyTensor>> {
  return readSharded(indexPath, (p) => readSafetensorsLazy(p));
}

/** Only the index and the shards' headers, all checked (no tensor is read): what `inspect` shows. */
export function readShardedSafetensorsHeaders(indexPath: string): Promise<ShardedSafetensors<never>> {
  return readSharded(indexPath, async (p) => ({ header: await readSafetensorsHeader(p), tensors: new Map<string, never>() }));
}

/** Options of {@link writeShardedSafetensors}. */
export interface WriteShardedOptions {
  /** Largest shard in tensor bytes; a tensor larger than this gets a shard of its own. Default: {@link DEFAULT_MAX_SHARD_BYTES} (5 GB, as Hugging Face). */
  maxShardBytes?: number;
  /** `__metadata__` of every shard. Default: `{ format: 'pt' }`, as Hugging Face writes. */
  shardMetadata?: Record<string, string>;
  /** Extra entries for the index's `metadata` besides `total_size`. Default: none. */
  indexMetadata?: Record<string, string | number | boolean>;
  /** fsync shards, index and folder. Default: true. */
  fsync?: boolean;
}

/** The shard prefix of an index path: `model` for `model.safetensors.index.json`. */
export function shardPrefix(indexPath: string): string {
  const name = basename(indexPath);
  if (!name.endsWith(INDEX_SUFFIX) || name.length === INDEX_SUFFIX.length) {
    throw new CkptError('E_INVALID_ARGUMENT', `a sharded safetensors index must be named <prefix>${INDEX_SUFFIX}, got ${name}`);
  }
  return name.slice(0, -INDEX_SUFFIX.length);
}

/**
 * How {@link writeShardedSafetensors} splits `tensors`: in map order, a shard closing before the
 * tensor that would take it past `maxShardBytes` (a larger tensor is a shard of its own).
 */
export function planShards<T extends { readonly byteLength: number }>(tensors: ReadonlyMap<string, T>, maxShardBytes: number): Map<string, T>[] {
  if (!Number.isSafeInteger(maxShardBytes) || maxShardBytes < 1) throw new CkptError('E_INVALID_ARGUMENT', `maxShardBytes must be a positive integer, got ${maxShardBytes}`);
  const groups: Map<string, T>[] = [];
  let current = new Map<string, T>();
  let currentBytes = 0;
  for (const [name, t] of tensors) {
    if (current.size > 0 && currentBytes + t.byteLength > maxShardBytes) {
      groups.push(current);
      current = new Map();
      currentBytes = 0;
    }
    current.set(name, t);
    currentBytes += t.byteLength;
  }
  if (current.size > 0 || groups.length === 0) groups.push(current);
  return groups;
}

const pad5 = (n: number): string => String(n).padStart(5, '0');

/** A planned sharded save: each shard's file name and tensors, and the index file's text. */
export interface ShardLayout<T> {
  readonly shards: readonly { readonly file: string; readonly tensors: ReadonlyMap<string, T> }[];
  /** `{"metadata": {..., "total_size": N}, "weight_map": {name: shard, ...}}` with sorted names, as Hugging Face writes it. */
  readonly indexText: string;
  readonly totalBytes: number;
}

/**
 * Plans a sharded save under `prefix` (`model`): {@link planShards}, the shard names
 * `<prefix>-00001-of-0000N.safetensors`, and the index text. Pure: nothing is written.
 */
export function shardLayout<T extends { readonly byteLength: number }>(
  prefix: string,
  tensors: ReadonlyMap<string, T>,
  maxShardBytes: number,
  indexMetadata: Readonly<Record<string, string | number | boolean>> = {},
): ShardLayout<T> {
  const groups = planShards(tensors, maxShardBytes);
  const shards = groups.map((group, i) => ({ file: `${prefix}-${pad5(i + 1)}-of-${pad5(groups.length)}.safetensors`, tensors: group }));
  const weightMap: Record<string, string> = {};
  let totalBytes = 0;
  for (const shard of shards) {
    for (const [name, t] of shard.tensors) {
      weightMap[name] = shard.file;
      totalBytes += t.byteLength;
    }
  }
  const sorted = Object.fromEntries(Object.keys(weightMap).sort().map((k) => [k, weightMap[k] as string]));
  const indexText = `${JSON.stringify({ metadata: { ...indexMetadata, total_size: totalBytes }, weight_map: sorted }, null, 2)}\n`;
  return { shards, indexText, totalBytes };
}

/**
 * Writes `tensors` as shards of at most `maxShardBytes` (in the map's order, as Hugging Face
 * splits a state dict) named `<prefix>-00001-of-0000N.safetensors` beside `indexPath`, then the
 * index. Returns the shard names and the total tensor bytes.
 */
export async function writeShardedSafetensors(
  indexPath: string,
  tensors: ReadonlyMap<string, Tensor | LazyTensor>,
  options: WriteShardedOptions = {},
): Promise<{ shards: string[]; totalBytes: number }> {
  const prefix = shardPrefix(indexPath);
  const layout = shardLayout(prefix, tensors, options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES, options.indexMetadata);
  const dir = dirname(indexPath);
  const fsync = options.fsync ?? true;
  for (const shard of layout.shards) {
    await writeSafetensorsFile(join(dir, shard.file), shard.tensors, { metadata: options.shardMetadata ?? { format: 'pt' }, fsync });
  }
  const shards = layout.shards.map((s) => s.file);
  await replaceFileAtomically(indexPath, (temp) => writeIndexText(temp, layout.indexText, fsync), { fsync });
  await removeStaleShards(dir, prefix, new Set(shards)).catch((err: unknown) => {
    throw fromSystemError(err, 'remove stale shards', dir);
  });
  return { shards, totalBytes: layout.totalBytes };
}

async function writeIndexText(path: string, text: string, fsync: boolean): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(text, 'utf8');
    if (fsync) await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Removes `<prefix>-NNNNN-of-NNNNN.safetensors` files that the new index does not name. */
async function removeStaleShards(dir: string, prefix: string, keep: ReadonlySet<string>): Promise<void> {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{5}-of-\\d{5}\\.safetensors$`);
  for (const name of await readdir(dir)) {
    if (pattern.test(name) && !keep.has(name)) await rm(join(dir, name), { force: true });
  }
}
