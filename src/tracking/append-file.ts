/**
 * A buffered, append-only file: the durable sink behind the metrics log and the event writer.
 *
 * `append()` is synchronous and only buffers; once the buffer passes `maxBufferBytes` a write is
 * started in the background, and writes always happen in append order, each one a single
 * concatenation of whole chunks. A crash can therefore only cut the file inside the last chunk being
 * written: callers that append whole records get "at most a torn last record". `flush()` writes what
 * is buffered and fsyncs the file (and, the first time, its directory, so the new name is durable).
 * An error from a background write is kept and thrown by the next `flush()` or `close()`.
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CkptError, fromSystemError } from '../errors.js';

/** Default bytes buffered before a background write starts: 64 KiB. */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024;

/** Options of {@link AppendFile.open}. */
export interface AppendFileOptions {
  /** `wx` creates a new file and fails if it exists; `a` appends to an existing one or creates it. Default: `a`. */
  mode?: 'wx' | 'a';
  /** Buffered bytes that start a background write. Default: {@link DEFAULT_MAX_BUFFER_BYTES}. */
  maxBufferBytes?: number;
}

/** See the module documentation. */
export class AppendFile {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private dirSynced = false;
  private closed = false;

  private constructor(
    /** The file's path. */
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly maxBufferBytes: number,
  ) {}

  /** Opens (or creates) `path`. Throws a `CkptError` (`E_IO`, `E_NOT_FOUND`, ...) from the OS error. */
  static async open(path: string, options: AppendFileOptions = {}): Promise<AppendFile> {
    try {
      const handle = await open(path, options.mode ?? 'a');
      return new AppendFile(path, handle, options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES);
    } catch (err) {
      throw fromSystemError(err, 'open for append', path);
    }
  }

  /** Buffers `bytes` (kept by reference: do not modify them afterwards). */
  append(bytes: Uint8Array): void {
    if (this.closed) throw new CkptError('E_USAGE', `${this.path} is closed`);
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= this.maxBufferBytes) this.startWrite();
  }

  /** Bytes buffered and not yet handed to the OS. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private startWrite(): void {
    if (this.buffered === 0) return;
    const chunks = this.chunks;
    const total = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        const data = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : concat(chunks, total);
        let done = 0;
        while (done < data.length) {
          const { bytesWritten } = await this.handle.write(data, done, data.length - done, null);
          if (bytesWritten <= 0) throw new Error('write returned no progress');
          done += bytesWritten;
        }
      } catch (err) {
        this.failure = fromSystemError(err, 'append', this.path);
      }
    });
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Writes everything buffered and fsyncs the file; the first flush also fsyncs the directory. */
  async flush(): Promise<void> {
    if (this.closed) throw new CkptError('E_USAGE', `${this.path} is closed`);
    this.startWrite();
    await this.chain;
    this.rethrow();
    try {
      await this.handle.sync();
      if (!this.dirSynced) {
        await syncDir(dirname(this.path));
        this.dirSynced = true;
      }
    } catch (err) {
      throw fromSystemError(err, 'fsync', this.path);
    }
  }

  /** Flushes and closes. Closing twice is a no-op. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** fsyncs a directory so that names created in it survive a crash (no-op where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await h?.close();
  }
}
