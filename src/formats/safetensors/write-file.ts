/**
 * Writing safetensors files: the serialised chunks go straight to a file handle at explicit
 * positions, in a temp file renamed over the target. Small chunks are gathered in one fixed
 * staging buffer so a model of many tiny tensors does not cost one system call each; big chunks
 * are written as they are.
 *
 * @module
 */
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { fromSystemError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { replaceFileAtomically } from '../../util/atomic-file.js';
import { serializeSafetensors, type SerializedSafetensors } from './serialize.js';
import type { LazyTensor, SafetensorsWriteOptions } from './types.js';

/** Size of the staging buffer that gathers small chunks. */
export const WRITE_STAGING_BYTES = 4 * 2 ** 20;

/** Largest single write call (stays under the kernel's ~2 GiB per-call limit). */
const MAX_WRITE_CALL = 2 ** 30;

/** Options of {@link writeSafetensorsFile}. */
export interface SafetensorsFileWriteOptions extends SafetensorsWriteOptions {
  /** Flush the file to stable storage (fsync) before resolving. Default: `true`. */
  fsync?: boolean;
}

async function writeExactly(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const length = Math.min(MAX_WRITE_CALL, bytes.byteLength - done);
    const { bytesWritten } = await fh.write(bytes, done, length, position + done);
    done += bytesWritten;
  }
}

/** Writes chunks to a file handle in order, gathering small ones in a fixed staging buffer. */
class PositionedWriter {
  private readonly staging = new Uint8Array(WRITE_STAGING_BYTES);
  private staged = 0;
  private position = 0;

  constructor(private readonly fh: FileHandle) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength >= WRITE_STAGING_BYTES / 4) {
      await this.flush();
      await writeExactly(this.fh, chunk, this.position);
      this.position += chunk.byteLength;
      return;
    }
    if (this.staged + chunk.byteLength > WRITE_STAGING_BYTES) await this.flush();
    this.staging.set(chunk, this.staged);
    this.staged += chunk.byteLength;
  }

  async flush(): Promise<void> {
    if (this.staged === 0) return;
    await writeExactly(this.fh, this.staging.subarray(0, this.staged), this.position);
    this.position += this.staged;
    this.staged = 0;
  }
}

/**
 * Writes tensors to a safetensors file at `path`, streaming each tensor's bytes with constant extra
 * memory. The file is replaced atomically: the bytes go to a temp file beside `path` (fsynced unless
 * `fsync: false`), which is then renamed over it, so readers never see a partial file, a failure
 * leaves the old file as it was, and tensors still memory-mapped from the old file keep their
 * values (even when they are the ones being written). A `path` that is a device or FIFO
 * (`/dev/stdout`) is written directly.
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, Tensor | LazyTensor>,
  options: SafetensorsFileWriteOptions = {},
): Promise<{ byteLength: number }> {
  const serialized = serializeSafetensors(tensors, options);
  const fsync = options.fsync ?? true;
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) return writeToPath(path, serialized, fsync, 'w');
  return replaceFileAtomically(path, (temp) => writeToPath(temp, serialized, fsync, 'wx'), { fsync });
}

/** Streams `serialized` into `path`; on failure a regular file it created is removed. */
async function writeToPath(path: string, serialized: SerializedSafetensors, fsync: boolean, flags: 'w' | 'wx'): Promise<{ byteLength: number }> {
  let fh: FileHandle | undefined;
  let isRegularFile = false;
  try {
    fh = await open(path, flags);
    isRegularFile = (await fh.stat()).isFile();
    const writer = new PositionedWriter(fh);
    for await (const chunk of serialized.chunks()) await writer.write(chunk);
    await writer.flush();
    if (fsync && isRegularFile) await fh.sync(); // devices and FIFOs have nothing to flush (fsync fails with EINVAL)
    await fh.close();
    fh = undefined;
    return { byteLength: serialized.byteLength };
  } catch (err) {
    await fh?.close().catch(() => undefined);
    if (isRegularFile) await rm(path, { force: true }).catch(() => undefined);
    throw fromSystemError(err, 'write safetensors file', path);
  }
}
