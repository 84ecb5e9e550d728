/**
 * Read-only views of stores for the CLI: one checkpoint directory seen as a run that holds only
 * it (so the run API verifies and loads it), and a store that reports bytes as they are read
 * (for progress bars).
 *
 * @module
 */
import { CHECKPOINTS_DIR } from '../checkpoint/layout.js';
import { CkptError } from '../errors.js';
import { FsStore } from '../storage/fs-store.js';
import type { StagedWrite, Store, StoreStat } from '../storage/store.js';

function readOnly(location: string): never {
  throw new CkptError('E_UNSUPPORTED', `${location} is opened read-only by this command`);
}

/** A store whose only content is the directory `dir`, under the key folder `checkpoints/<name>/`. Read-only. */
export class CheckpointFolderStore implements Store {
  private readonly inner: FsStore;
  private readonly prefix: string;

  constructor(dir: string, name: string) {
    this.inner = new FsStore(dir);
    this.prefix = `${CHECKPOINTS_DIR}${name}/`;
  }

  get location(): string {
    return this.inner.location;
  }

  /** The key inside `dir`, or `undefined` for keys outside the checkpoint. */
  private inside(key: string): string | undefined {
    return key.startsWith(this.prefix) && key.length > this.prefix.length ? key.slice(this.prefix.length) : undefined;
  }

  private notFound(key: string): CkptError {
    return new CkptError('E_NOT_FOUND', `${key} does not exist in ${this.location}`, { details: { key } });
  }

  async get(key: string): Promise<Uint8Array> {
    const k = this.inside(key);
    if (k === undefined) throw this.notFound(key);
    return this.inner.get(k);
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const k = this.inside(key);
    if (k === undefined) throw this.notFound(key);
    return this.inner.getRange(k, offset, length);
  }

  async *read(key: string): AsyncGenerator<Uint8Array> {
    const k = this.inside(key);
    if (k === undefined) throw this.notFound(key);
    yield* this.inner.read(k);
  }

  async stat(key: string): Promise<StoreStat | undefined> {
    const k = this.inside(key);
    return k === undefined ? undefined : this.inner.stat(k);
  }

  async list(prefix: string): Promise<string[]> {
    if (this.prefix.startsWith(prefix)) return (await this.inner.list('')).map((k) => this.prefix + k);
    const k = this.inside(prefix);
    return k === undefined ? [] : (await this.inner.list(k)).map((key) => this.prefix + key);
  }

  async put(): Promise<number> { return readOnly(this.location); }
  async putIfAbsent(): Promise<boolean> { return readOnly(this.location); }
  async delete(): Promise<void> { return readOnly(this.location); }
  async deletePrefix(): Promise<void> { return readOnly(this.location); }
  async stage(): Promise<StagedWrite> { return readOnly(this.location); }
  async sweep(): Promise<string[]> { return readOnly(this.location); }
}

/** A read-only view of `inner` that calls `onBytes(n)` for every chunk `read()` yields. */
export class ReadCountingStore implements Store {
  constructor(private readonly inner: Store, private readonly onBytes: (n: number) => void) {}

  get location(): string {
    return this.inner.location;
  }

  async *read(key: string): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.inner.read(key)) {
      this.onBytes(chunk.byteLength);
      yield chunk;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const bytes = await this.inner.get(key);
    this.onBytes(bytes.byteLength);
    return bytes;
  }

  getRange(key: string, offset: number, length: number): Promise<Uint8Array> { return this.inner.getRange(key, offset, length); }
  stat(key: string): Promise<StoreStat | undefined> { return this.inner.stat(key); }
  list(prefix: string): Promise<string[]> { return this.inner.list(prefix); }
  async put(): Promise<number> { return readOnly(this.location); }
  async putIfAbsent(): Promise<boolean> { return readOnly(this.location); }
  async delete(): Promise<void> { return readOnly(this.location); }
  async deletePrefix(): Promise<void> { return readOnly(this.location); }
  async stage(): Promise<StagedWrite> { return readOnly(this.location); }
  async sweep(): Promise<string[]> { return readOnly(this.location); }
}
