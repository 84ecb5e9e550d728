/**
 * Random-access byte sources: a file read by position (never whole), or bytes in memory.
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CkptError, fromSystemError } from '../../errors.js';

/** Largest single positional read; bigger ranges are read in pieces. */
const READ_CHUNK = 64 * 1024 * 1024;

/** Bytes that can be read by position. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset` into a fresh buffer; throws `E_BAD_ZIP` past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the underlying file, if any. */
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new CkptError('E_BAD_ZIP', `read of ${length} bytes at ${offset} runs past the end of the ${size}-byte file (truncated?)`, {
      details: { offset, length, size },
    });
  }
}

/** A source over bytes already in memory (reads are zero-copy views). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      checkRange(bytes.byteLength, offset, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
    close: () => Promise.resolve(),
  };
}

/** Opens a file for positional reads. */
export async function fileSource(path: string): Promise<ByteSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fromSystemError(err, 'read .pth', path);
  }
  let size: number;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new CkptError('E_WRONG_KIND', `${path} is not a regular file`, { details: { path } });
    size = st.size;
  } catch (err) {
    await fh.close();
    throw fromSystemError(err, 'read .pth', path);
  }
  return {
    size,
    async read(offset, length) {
      checkRange(size, offset, length);
      const buf = Buffer.allocUnsafeSlow(length);
      let done = 0;
      try {
        while (done < length) {
          const want = Math.min(READ_CHUNK, length - done);
          const { bytesRead } = await fh.read(buf, done, want, offset + done);
          if (bytesRead === 0) throw new CkptError('E_BAD_ZIP', `${path} shrank while being read`, { details: { path } });
          done += bytesRead;
        }
      } catch (err) {
        throw fromSystemError(err, 'read .pth', path);
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, length);
    },
    close: () => fh.close(),
  };
}
