/**
 * The storage interface every checkpoint backend implements (filesystem, memory, later S3).
 *
 * Keys are `/`-separated relative paths (`checkpoints/epoch=3/model.safetensors`). A store never
 * lists staging leftovers (any key with a path segment starting with `.tmp-`).
 *
 * Commit is a strategy per backend, hidden behind {@link Store.stage}: files of a checkpoint are
 * written into a {@link StagedWrite} and become visible together when the commit record (the
 * manifest) is written last by {@link StagedWrite.commit}. On a POSIX filesystem that is a temp dir
 * renamed into place; on an object store (no rename) files go straight to their keys and the
 * manifest is put with `If-None-Match: *`, so it alone marks the checkpoint as existing.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { CkptError } from '../errors.js';

/** Bytes to store: one buffer, or a stream of chunks (never concatenated by the store). */
export type PutData = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** What a store knows about one key. */
export interface StoreStat {
  /** Size in bytes. */
  readonly size: number;
}

/**
 * A write of several keys under one prefix that becomes visible as a whole. Readers never see a
 * key written through it before {@link StagedWrite.commit} returns (filesystem) or see them without
 * the commit record, which is what defines existence (object stores).
 */
export interface StagedWrite {
  /** Writes (and makes durable) one key, relative to the staged prefix. Returns the bytes written. */
  put(relKey: string, data: PutData): Promise<number>;
  /**
   * Writes the commit record `relKey` last and publishes everything. Fails with `E_SAVE_FAILED`
   * when the prefix already holds a committed record. After a failure, call {@link abort}.
   */
  commit(relKey: string, record: Uint8Array): Promise<void>;
  /** Removes everything staged so far. Safe to call after a failed commit and more than once. */
  abort(): Promise<void>;
}

/** Storage of checkpoint files. Every failure is a `CkptError` (`E_NOT_FOUND`, `E_NO_SPACE`, `E_IO`...). */
export interface Store {
  /** Where the store lives, for messages: a directory, `memory`, `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes `key` so that readers see either the old or the whole new value, never a torn one. */
  put(key: string, data: PutData): Promise<number>;
  /** Writes small `bytes` at `key` only when `key` does not exist; returns false when it does. Atomic. */
  putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean>;
  /** The whole value of `key`. `E_NOT_FOUND` when missing. */
  get(key: string): Promise<Uint8Array>;
  /**
   * Optional, for speed: the whole value of `key` like {@link Store.get}, but memory-mapped
   * (private, copy-on-write) where the store is local and maps are available, so a large file costs
   * no copy. For large immutable values such as committed tensor files. Call {@link getLarge},
   * which falls back to `get`.
   */
  getMapped?(key: string): Promise<Uint8Array>;
  /** `length` bytes of `key` from `offset` (fewer at the end of the value). `E_NOT_FOUND` when missing. */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** The value of `key` as a stream of chunks. `E_NOT_FOUND` (on first read) when missing. */
  read(key: string): AsyncIterable<Uint8Array>;
  /** Size of `key`, or `undefined` when it does not exist. */
  stat(key: string): Promise<StoreStat | undefined>;
  /** Every key starting with `prefix` (use a trailing `/` for a folder), sorted, staging leftovers excluded. */
  list(prefix: string): Promise<string[]>;
  /**
   * Optional, for speed: names (not keys) of the folders directly under the folder `prefix` (ending
   * with `/`, or `''` for the root), sorted, staging leftovers excluded; `[]` when there is none.
   * One directory read on a filesystem, one delimited listing on an object store, instead of every
   * key below. A filesystem store may include empty directories. Call {@link childFolders}, which
   * falls back to {@link Store.list} for stores without it.
   */
  listFolders?(prefix: string): Promise<string[]>;
  /** Removes `key` durably; no error when it is missing. */
  delete(key: string): Promise<void>;
  /** Removes every key under the folder `prefix` (must end with `/`); no error when there are none. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Starts a {@link StagedWrite} of the folder `prefix` (must end with `/`). A folder that already
   * holds a commit record is never overwritten or damaged: the store refuses with `E_SAVE_FAILED`,
   * up front (object stores, whose puts land in place) or at commit (rename-based stores).
   */
  stage(prefix: string): Promise<StagedWrite>;
  /** Removes staging leftovers (`.tmp-*`) directly under the folder `prefix`; returns what was removed. */
  sweep(prefix: string): Promise<string[]>;
}

/** Path segments starting with this are staging leftovers: never listed, removed by `sweep`. */
export const STAGING_MARK = '.tmp-';

/** Throws `E_INVALID_ARGUMENT` unless `key` is a clean relative key (no `..`, `.`, empty or absolute segments). */
export function checkKey(key: string, allowFolder = false): void {
  const body = allowFolder && key.endsWith('/') ? key.slice(0, -1) : key;
  const ok = body.length > 0 && !body.includes('\\') && !body.includes('\0') && body.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
  if (!ok) throw new CkptError('E_INVALID_ARGUMENT', `invalid store key ${JSON.stringify(key)}: use relative /-separated names without '.', '..' or empty parts`);
}

/** Throws `E_INVALID_ARGUMENT` unless `prefix` is a folder key ending with `/`. */
export function checkFolder(prefix: string): void {
  if (!prefix.endsWith('/')) throw new CkptError('E_INVALID_ARGUMENT', `folder prefix ${JSON.stringify(prefix)} must end with '/'`);
  checkKey(prefix, true);
}

/** True when a key is (or lies inside) a staging leftover. */
export function isStagingKey(key: string): boolean {
  return key.split('/').some((s) => s.startsWith(STAGING_MARK));
}

/** The child folders of `prefix` (see {@link Store.listFolders}), from `list` when the store has no cheaper way. */
export async function childFolders(store: Store, prefix: string): Promise<string[]> {
  if (store.listFolders !== undefined) return store.listFolders(prefix);
  return foldersOfKeys(await store.list(prefix), prefix);
}

/** Names of the folders directly under `prefix` that hold some of `keys`, sorted, staging leftovers excluded. */
export function foldersOfKeys(keys: Iterable<string>, prefix: string): string[] {
  const names = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const slash = key.indexOf('/', prefix.length);
    if (slash <= prefix.length) continue;
    const name = key.slice(prefix.length, slash);
    if (!name.startsWith(STAGING_MARK)) names.add(name);
  }
  return [...names].sort();
}

/** Iterates `data` as chunks without copying. */
export async function* chunksOf(data: PutData): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    yield data;
    return;
  }
  for await (const chunk of data) yield chunk;
}

/** A random suffix for staging names. */
export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** The whole value of `key`, memory-mapped when the store can (see {@link Store.getMapped}). */
export function getLarge(store: Store, key: string): Promise<Uint8Array> {
  return store.getMapped !== undefined ? store.getMapped(key) : store.get(key);
}
