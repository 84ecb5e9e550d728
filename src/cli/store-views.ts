/**
 * A read-only view of a store that reports bytes as they are read, for progress bars.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import type { StagedWrite, Store, StoreStat } from '../storage/store.js';

function readOnly(location: string): never {
  throw new CkptError('E_UNSUPPORTED', `${location} is opened read-only by this command`);
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
