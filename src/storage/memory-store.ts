/**
 * An in-memory store for unit tests and ephemeral runs. Values are copied in and out, so callers
 * can never alias stored bytes. A staged write keeps its keys aside and publishes them all at once.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { checkFolder, checkKey, chunksOf, foldersOfKeys, type PutData, type StagedWrite, type Store, type StoreStat } from './store.js';

async function collect(data: PutData): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunksOf(data)) {
    parts.push(c.slice());
    n += c.byteLength;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

function notFound(key: string): CkptError {
  return new CkptError('E_NOT_FOUND', `read: ${key} does not exist in the memory store`, { details: { path: key } });
}

class MemoryStagedWrite implements StagedWrite {
  private readonly staged = new Map<string, Uint8Array>();
  private done = false;
  constructor(private readonly data: Map<string, Uint8Array>, private readonly prefix: string) {}

  async put(relKey: string, data: PutData): Promise<number> {
    checkKey(relKey);
    if (this.done) throw new CkptError('E_INTERNAL', 'put after commit or abort of a staged write');
    const bytes = await collect(data);
    this.staged.set(this.prefix + relKey, bytes);
    return bytes.byteLength;
  }

  async commit(relKey: string, record: Uint8Array): Promise<void> {
    checkKey(relKey);
    const key = this.prefix + relKey;
    if (this.data.has(key)) throw new CkptError('E_SAVE_FAILED', `${key} already exists; a committed checkpoint is never overwritten`, { details: { path: key } });
    for (const [k, v] of this.staged) this.data.set(k, v);
    this.data.set(key, record.slice());
    this.done = true;
  }

  async abort(): Promise<void> {
    this.done = true;
    this.staged.clear();
  }
}

/** A {@link Store} held in a `Map`; nothing survives the process. */
export class MemoryStore implements Store {
  private readonly data = new Map<string, Uint8Array>();
  readonly location: string = 'memory';

  async put(key: string, data: PutData): Promise<number> {
    checkKey(key);
    const bytes = await collect(data);
    this.data.set(key, bytes);
    return bytes.byteLength;
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    checkKey(key);
    if (this.data.has(key)) return false;
    this.data.set(key, bytes.slice());
    return true;
  }

  async get(key: string): Promise<Uint8Array> {
    checkKey(key);
    const v = this.data.get(key);
    if (v === undefined) throw notFound(key);
    return v.slice();
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new CkptError('E_INVALID_ARGUMENT', `invalid range ${offset}+${length} of ${key}`);
    }
    const v = await this.get(key);
    return v.subarray(Math.min(offset, v.byteLength), Math.min(offset + length, v.byteLength));
  }

  async *read(key: string): AsyncGenerator<Uint8Array> {
    yield await this.get(key);
  }

  async stat(key: string): Promise<StoreStat | undefined> {
    checkKey(key);
    const v = this.data.get(key);
    return v === undefined ? undefined : { size: v.byteLength };
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async listFolders(prefix: string): Promise<string[]> {
    if (prefix !== '') checkFolder(prefix);
    return foldersOfKeys(this.data.keys(), prefix);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.data.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    checkFolder(prefix);
    for (const k of [...this.data.keys()]) if (k.startsWith(prefix)) this.data.delete(k);
  }

  async stage(prefix: string): Promise<StagedWrite> {
    checkFolder(prefix);
    return new MemoryStagedWrite(this.data, prefix);
  }

  async sweep(prefix: string): Promise<string[]> {
    if (prefix !== '') checkFolder(prefix);
    return [];
  }
}
