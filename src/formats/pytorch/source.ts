/**
 * Random-access byte sources: a file memory-mapped (reads are views of the map), a file read by
 * position (never whole), or bytes in memory.
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CkptError, fromSystemError } from '../../errors.js';
import { MAX_MAP_BYTES, mapFileRange } from '../../util/mmap.js';

/** Size of the pieces a large range is read in; several are in flight at once on the thread pool. */
const READ_CHUNK = 16 * 1024 * 1024;
/** Pieces in flight at once (Node's thread pool has 4 threads by default). */
const READS_IN_FLIGHT = 4;

/** Bytes that can be read by position. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** True when reads copy into fresh memory (a file); false when they are views of bytes in memory. */
  readonly copies: boolean;
  /**
   * Reads exactly `length` bytes at `offset` into a fresh buffer; throws `E_BAD_ZIP` past the end.
   * `onChunk`, when given, sees consecutive pieces of the data in order as they arrive (for a
   * checksum computed while later pieces are still being read). `into`, when given and exactly
   * `length` bytes long, receives the data instead of a fresh buffer (ignored by in-memory sources).
   */
  read(offset: number, length: number, onChunk?: (chunk: Uint8Array) => void, into?: Uint8Array): Promise<Uint8Array>;
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
    copies: false,
    read(offset, length, onChunk) {
      checkRange(bytes.byteLength, offset, length);
      const out = bytes.subarray(offset, offset + length);
      onChunk?.(out);
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Opens a file for positional reads. With `mmap` (and ckpt's native addon, and a file of at most
 * {@link MAX_MAP_BYTES}) the whole file is mapped privately, copy-on-write, and reads are views
 * of the map; otherwise they copy into fresh memory.
 */
export async function fileSource(path: string, options: { mmap?: boolean } = {}): Promise<ByteSource> {
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
  const mapped = options.mmap === true && size > 0 && size <= MAX_MAP_BYTES ? mapFileRange(fh.fd, 0, size) : undefined;
  if (mapped !== undefined) {
    await fh.close(); // the map outlives the descriptor
    return bytesSource(mapped);
  }
  return {
    size,
    copies: true,
    async read(offset, length, onChunk, into) {
      checkRange(size, offset, length);
      const buf = into?.byteLength === length ? into : new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
      const readPiece = async (at: number, len: number): Promise<void> => {
        let done = 0;
        while (done < len) {
          const { bytesRead } = await fh.read(buf, at + done, len - done, offset + at + done);
          if (bytesRead === 0) throw new CkptError('E_BAD_ZIP', `${path} shrank while being read`, { details: { path } });
          done += bytesRead;
        }
      };
      const starts: number[] = [];
      for (let at = 0; at < length; at += READ_CHUNK) starts.push(at);
      const inFlight: Promise<void>[] = [];
      try {
        for (let i = 0; i < starts.length; i++) {
          while (inFlight.length < READS_IN_FLIGHT && i + inFlight.length < starts.length) {
            const at = starts[i + inFlight.length] as number;
            const p = readPiece(at, Math.min(READ_CHUNK, length - at));
            p.catch(() => undefined); // awaited below, in order
            inFlight.push(p);
          }
          await inFlight.shift();
          const at = starts[i] as number;
          onChunk?.(buf.subarray(at, Math.min(length, at + READ_CHUNK)));
        }
      } catch (err) {
        await Promise.allSettled(inFlight);
        throw fromSystemError(err, 'read .pth', path);
      }
      return buf;
    },
    close: () => fh.close(),
  };
}
