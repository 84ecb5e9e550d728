/**
 * Reading safetensors files with a file handle and explicit positions: the header alone, one
 * tensor by byte range, every tensor, or every tensor lazily. Nothing is allocated before the
 * header has been validated against the file's real size, and no single buffer spans the file.
 *
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { CkptError, fromSystemError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mapFileRange } from '../../util/mmap.js';
import { decodeHeader, readHeaderLength } from './header.js';
import type { LazyTensor, SafetensorsEntry, SafetensorsHeader } from './types.js';
import { tensorAt } from './views.js';

/** Largest buffer one batch of small tensors is read into; larger tensors get their own. */
export const READ_BATCH_BYTES = 64 * 2 ** 20;

/** Largest single read call (stays under the kernel's ~2 GiB per-call limit). */
const MAX_READ_CALL = 2 ** 30;

/** Piece size and number of reads in flight when filling a batch (parallel reads overlap page faults and copies). */
export const READ_PIECE_BYTES = 4 * 2 ** 20;
export const READ_CONCURRENCY = 4;

/** Largest group of tensors one memory map covers (a bigger tensor gets a map of its own). */
export const MAP_BATCH_BYTES = 2 ** 30;

/** Size of the chunks a lazily read tensor yields. */
export const LAZY_CHUNK_BYTES = 16 * 2 ** 20;

/** Reads exactly `target.byteLength` bytes at `position`, in as many calls as needed. */
async function readExactly(fh: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const length = Math.min(MAX_READ_CALL, target.byteLength - done);
    const { bytesRead } = await fh.read(target, done, length, position + done);
    if (bytesRead === 0) {
      throw new CkptError('E_IO', `${path} became shorter while being read; was it modified?`, { details: { path } });
    }
    done += bytesRead;
  }
}

/** Fills `target` from `position` with up to {@link READ_CONCURRENCY} reads of {@link READ_PIECE_BYTES} in flight. */
async function readParallel(fh: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < target.byteLength) {
      const start = next;
      next = Math.min(target.byteLength, start + READ_PIECE_BYTES);
      await readExactly(fh, target.subarray(start, next), position + start, path);
    }
  };
  const workers = Math.min(READ_CONCURRENCY, Math.ceil(target.byteLength / READ_PIECE_BYTES));
  await Promise.all(Array.from({ length: workers }, worker));
}

/** Adds the path to errors from the format layer and turns system errors into CkptErrors. */
function withPath(err: unknown, operation: string, path: string): CkptError {
  if (err instanceof CkptError) {
    if (err.details.path !== undefined) return err;
    return new CkptError(err.code, `${path}: ${err.message}`, { cause: err, details: { ...err.details, path } });
  }
  return fromSystemError(err, operation, path);
}

async function withFile<T>(path: string, operation: string, body: (fh: FileHandle) => Promise<T>): Promise<T> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    return await body(fh);
  } catch (err) {
    throw withPath(err, operation, path);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function readHeaderFrom(fh: FileHandle, path: string): Promise<SafetensorsHeader> {
  const stat = await fh.stat();
  if (!stat.isFile()) throw new CkptError('E_WRONG_KIND', `${path} is not a regular file`, { details: { path } });
  const fileLength = stat.size;
  const prefix = new Uint8Array(Math.min(8, fileLength));
  await readExactly(fh, prefix, 0, path);
  const headerLength = readHeaderLength(prefix, fileLength);
  const headerBytes = new Uint8Array(headerLength);
  await readExactly(fh, headerBytes, 8, path);
  return decodeHeader(headerBytes, fileLength);
}

/** Reads and validates only the header of a safetensors file. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  return withFile(path, 'read safetensors header', (fh) => readHeaderFrom(fh, path));
}

/** Reads one tensor by its byte range, after validating the whole header. Throws `E_NOT_FOUND` for an unknown name. */
export async function readSafetensorsTensor(path: string, name: string): Promise<Tensor> {
  return withFile(path, 'read safetensors tensor', async (fh) => {
    const header = await readHeaderFrom(fh, path);
    const entry = header.entries.find((e) => e.name === name);
    if (entry === undefined) {
      throw new CkptError('E_NOT_FOUND', `no tensor named ${JSON.stringify(name)} in ${path} (it has ${header.entries.length})`, {
        details: { path, tensor: name },
      });
    }
    const bytes = allocate(entry.end - entry.begin, `tensor ${JSON.stringify(name)}`);
    await readExactly(fh, bytes, header.dataOffset + entry.begin, path);
    return tensorAt(entry, bytes, 0);
  });
}

/** Options of {@link readSafetensorsFile}. */
export interface ReadSafetensorsOptions {
  /**
   * Memory-map the file (private, copy-on-write) instead of reading it into fresh memory: about 3x
   * faster and no copy, the tensors are views of the map. Falls back to reading when ckpt's native
   * addon is missing or the map fails. A file truncated in place by another process while mapped
   * reads as zeros past its new end (see `util/mmap`); pass `false` to read a file that a running
   * writer overwrites in place. Default: true.
   */
  mmap?: boolean;
}

/**
 * Reads a whole safetensors file: validates the header, then maps the data (see
 * {@link ReadSafetensorsOptions.mmap}) or reads it in batches of at most {@link READ_BATCH_BYTES}
 * (a bigger tensor gets a buffer of its own), each filled by a few parallel positioned reads.
 * Tensors are views of those maps or buffers when aligned and copies when not.
 */
export async function readSafetensorsFile(path: string, options: ReadSafetensorsOptions = {}): Promise<{ header: SafetensorsHeader; tensors: Map<string, Tensor> }> {
  const mmap = options.mmap ?? true;
  return withFile(path, 'read safetensors file', async (fh) => {
    const header = await readHeaderFrom(fh, path);
    const tensors = new Map<string, Tensor>();
    for (const batch of batches(header.entries, mmap ? MAP_BATCH_BYTES : READ_BATCH_BYTES)) {
      const first = batch[0];
      const last = batch[batch.length - 1];
      if (first === undefined || last === undefined) continue;
      const length = last.end - first.begin;
      const position = header.dataOffset + first.begin;
      let buffer = mmap ? mapFileRange(fh.fd, position, length) : undefined;
      if (buffer === undefined) {
        buffer = allocate(length, `tensor ${JSON.stringify(first.name)}`);
        await readParallel(fh, buffer, position, path);
      }
      for (const e of batch) tensors.set(e.name, tensorAt(e, buffer, e.begin - first.begin));
    }
    return { header, tensors };
  });
}

/**
 * Validates the header and returns every tensor as a {@link LazyTensor} that reads its byte
 * range from the file when iterated (in {@link LAZY_CHUNK_BYTES} chunks). Memory stays constant
 * however large the file is; the file must not change while the tensors are in use.
 */
export async function readSafetensorsLazy(path: string): Promise<{ header: SafetensorsHeader; tensors: Map<string, LazyTensor> }> {
  const header = await readSafetensorsHeader(path);
  const tensors = new Map<string, LazyTensor>();
  for (const e of header.entries) {
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      byteLength: e.end - e.begin,
      chunks: () => rangeChunks(path, header.dataOffset + e.begin, e.end - e.begin),
    });
  }
  return { header, tensors };
}

async function* rangeChunks(path: string, position: number, length: number): AsyncGenerator<Uint8Array> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    for (let done = 0; done < length; done += LAZY_CHUNK_BYTES) {
      const chunk = allocate(Math.min(LAZY_CHUNK_BYTES, length - done), 'a chunk');
      await readExactly(fh, chunk, position + done, path);
      yield chunk;
    }
  } catch (err) {
    throw withPath(err, 'read safetensors tensor', path);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Groups consecutive entries so each group spans at most `limit` bytes, or is one big tensor. */
function* batches(entries: readonly SafetensorsEntry[], limit: number): Generator<SafetensorsEntry[]> {
  let current: SafetensorsEntry[] = [];
  let start = 0;
  for (const e of entries) {
    if (current.length > 0 && e.end - start > limit) {
      yield current;
      current = [];
    }
    if (current.length === 0) start = e.begin;
    current.push(e);
  }
  if (current.length > 0) yield current;
}

/**
 * An uninitialised buffer (it is filled by a read right away) as a plain Uint8Array at offset 0.
 * Throws `E_LIMIT` past the largest typed array this Node.js can make (4 GiB on Node 20).
 */
function allocate(length: number, what: string): Uint8Array {
  if (length > bufferConstants.MAX_LENGTH) {
    throw new CkptError('E_LIMIT', `${what} is ${length} bytes, more than the ${bufferConstants.MAX_LENGTH} one array can hold here; read it with readSafetensorsLazy`, {
      details: { byteLength: length, limit: bufferConstants.MAX_LENGTH },
    });
  }
  const b = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
