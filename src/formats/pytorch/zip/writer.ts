/**
 * A streaming zip writer with torch's layout (inline_container.cc): every record stored, its data
 * aligned (64 bytes by default) with the `FB` padding extra field, sizes and CRC in a data
 * descriptor after the data, zip64 end records always. Records go straight to a temporary file
 * beside the target with constant extra memory; `finish` fsyncs and renames it into place.
 *
 * @module
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from '../../../util/atomic-file.js';
import { crc32 } from '../../../util/crc32.js';
import { CkptError, fromSystemError } from '../../../errors.js';
import {
  CENTRAL_HEADER_SIZE, EOCD_SIZE, EXTRA_TORCH_PAD, EXTRA_ZIP64, FLAG_DATA_DESCRIPTOR, FLAG_UTF8, LOCAL_HEADER_SIZE,
  SIG_CENTRAL, SIG_DATA_DESCRIPTOR, SIG_EOCD, SIG_LOCAL, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, U16_MAX, U32_MAX,
  ZIP64_EOCD_SIZE, ZIP64_LOCATOR_SIZE,
} from './constants.js';

/** Zip "version needed" for zip64 records. */
const VERSION_ZIP64 = 45;
/** Data is written in pieces of this size, several in flight while the CRC runs on the main thread. */
const WRITE_CHUNK = 16 * 1024 * 1024;
/** Writes in flight at once (Node's thread pool has 4 threads by default). */
const WRITES_IN_FLIGHT = 4;
/**
 * With fsync on, a background fdatasync is started after each this many bytes, so the disk writes
 * back while later data is still being checksummed and copied; the final fsync then has little left.
 */
const SYNC_EVERY_DEFAULT = 256 * 1024 * 1024;

interface Written {
  name: Uint8Array;
  offset: number;
  size: number;
  crc: number;
  zip64: boolean;
}

/** Options of {@link TorchZipWriter.create}. */
export interface ZipWriterOptions {
  /** Data alignment in bytes (power of two, <= 4096). Default: 64. */
  alignment?: number;
  /** fsync the file and directory in `finish`. Default: true. */
  fsync?: boolean;
  /** Records at least this large (or this far in) get zip64 fields. Default: 0xFFFFFFFF. For tests. */
  zip64Threshold?: number;
  /** With fsync on, start a background fdatasync after each this many bytes. Default: 256 MiB. For tests. */
  syncEvery?: number;
}

/** Writes one zip archive record by record. */
export class TorchZipWriter {
  private pos = 0;
  private readonly written: Written[] = [];
  private closed = false;
  /** Positional writes issued and not yet awaited (any order; each covers its own range). */
  private inFlight: Promise<void>[] = [];
  /** The background fdatasync, if one runs; awaited (errors included) before the final fsync. */
  private syncing: Promise<void> | undefined;
  /** Every background sync started and not yet awaited. */
  private readonly pendingSyncs: Promise<void>[] = [];
  private unsynced = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly tmpPath: string,
    private readonly path: string,
    private readonly alignment: number,
    private readonly doFsync: boolean,
    private readonly zip64Threshold: number,
    private readonly syncEvery: number,
  ) {}

  /** Starts writing `path` (through a temporary sibling file). */
  static async create(path: string, options: ZipWriterOptions = {}): Promise<TorchZipWriter> {
    const alignment = options.alignment ?? 64;
    if (!Number.isInteger(alignment) || alignment < 1 || alignment > 4096 || (alignment & (alignment - 1)) !== 0) {
      throw new CkptError('E_INVALID_ARGUMENT', `alignment must be a power of two between 1 and 4096, got ${alignment}`);
    }
    const tmpPath = tempPathFor(path);
    let fh: FileHandle;
    try {
      fh = await open(tmpPath, 'wx');
    } catch (err) {
      throw fromSystemError(err, 'write .pth', path);
    }
    return new TorchZipWriter(fh, tmpPath, path, alignment, options.fsync ?? true, options.zip64Threshold ?? U32_MAX, options.syncEvery ?? SYNC_EVERY_DEFAULT);
  }

  private async writeAt(b: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < b.byteLength) {
      const { bytesWritten } = await this.fh.write(b, done, b.byteLength - done, position + done);
      if (bytesWritten <= 0) throw new CkptError('E_IO', `short write to ${this.tmpPath}`);
      done += bytesWritten;
    }
  }

  /** Queues a write of `b` at the current end; waits only when too many are in flight. */
  private async write(b: Uint8Array): Promise<void> {
    const p = this.writeAt(b, this.pos);
    p.catch(() => undefined); // awaited in order below, or in drain/abort
    this.inFlight.push(p);
    this.pos += b.byteLength;
    this.unsynced += b.byteLength;
    if (this.inFlight.length >= WRITES_IN_FLIGHT) await this.inFlight.shift();
    if (this.doFsync && this.unsynced >= this.syncEvery && this.syncing === undefined) {
      this.unsynced = 0;
      const s = this.fh.datasync().finally(() => {
        if (this.syncing === s) this.syncing = undefined;
      });
      s.catch(() => undefined); // awaited (and its error rethrown) in finish
      this.syncing = s;
      this.pendingSyncs.push(s);
    }
  }

  /** Waits for every queued write (and background sync); throws the first error. */
  private async drain(): Promise<void> {
    const all = [...this.inFlight, ...this.pendingSyncs];
    this.inFlight = [];
    this.pendingSyncs.length = 0;
    const results = await Promise.allSettled(all);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** Writes `b` in pieces with several in flight, folding each piece into `crc` meanwhile. */
  private async writeData(b: Uint8Array, crc: number): Promise<number> {
    let running = crc;
    for (let at = 0; at < b.byteLength; at += WRITE_CHUNK) {
      const piece = b.subarray(at, Math.min(b.byteLength, at + WRITE_CHUNK));
      const queued = this.write(piece);
      running = crc32(piece, running);
      await queued;
    }
    return running;
  }

  /** Appends a record whose data is `parts` concatenated (`size` bytes in total). */
  async add(name: string, parts: readonly Uint8Array[]): Promise<void> {
    if (this.closed) throw new CkptError('E_INTERNAL', 'zip writer used after finish');
    try {
      await this.addRecord(name, parts);
    } catch (err) {
      await this.abort();
      throw fromSystemError(err, 'write .pth', this.path);
    }
  }

  private async addRecord(name: string, parts: readonly Uint8Array[]): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    if (nameBytes.byteLength > U16_MAX) throw new CkptError('E_INVALID_ARGUMENT', `record name of ${nameBytes.byteLength} bytes is too long`);
    const size = parts.reduce((s, p) => s + p.byteLength, 0);
    const offset = this.pos;
    const zip64 = size >= this.zip64Threshold || offset >= this.zip64Threshold;
    const z64Len = zip64 ? 4 + 16 : 0;
    const padStart = offset + LOCAL_HEADER_SIZE + nameBytes.byteLength + z64Len + 4;
    const pad = (this.alignment - (padStart % this.alignment)) % this.alignment;
    const header = Buffer.alloc(LOCAL_HEADER_SIZE + nameBytes.byteLength + z64Len + 4 + pad);
    header.writeUInt32LE(SIG_LOCAL, 0);
    header.writeUInt16LE(zip64 ? VERSION_ZIP64 : 0, 4);
    header.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 6);
    // method 0, time 0, date 0, crc 0; sizes 0 (or saturated for zip64): the descriptor has them.
    if (zip64) {
      header.writeUInt32LE(U32_MAX, 18);
      header.writeUInt32LE(U32_MAX, 22);
    }
    header.writeUInt16LE(nameBytes.byteLength, 26);
    header.writeUInt16LE(z64Len + 4 + pad, 28);
    nameBytes.copy(header, LOCAL_HEADER_SIZE);
    let e = LOCAL_HEADER_SIZE + nameBytes.byteLength;
    if (zip64) {
      header.writeUInt16LE(EXTRA_ZIP64, e);
      header.writeUInt16LE(16, e + 2);
      header.writeBigUInt64LE(BigInt(size), e + 4);
      header.writeBigUInt64LE(BigInt(size), e + 12);
      e += z64Len;
    }
    header.writeUInt16LE(EXTRA_TORCH_PAD, e);
    header.writeUInt16LE(pad, e + 2);
    header.fill(0x5a, e + 4, e + 4 + pad); // 'Z'
    await this.write(header);
    let crc = 0;
    for (const p of parts) crc = await this.writeData(p, crc);
    const dd = Buffer.alloc(zip64 ? 24 : 16);
    dd.writeUInt32LE(SIG_DATA_DESCRIPTOR, 0);
    dd.writeUInt32LE(crc >>> 0, 4);
    if (zip64) {
      dd.writeBigUInt64LE(BigInt(size), 8);
      dd.writeBigUInt64LE(BigInt(size), 16);
    } else {
      dd.writeUInt32LE(size, 8);
      dd.writeUInt32LE(size, 12);
    }
    await this.write(dd);
    this.written.push({ name: nameBytes, offset, size, crc: crc >>> 0, zip64 });
  }

  private centralDirectory(): Buffer {
    const chunks: Buffer[] = [];
    for (const w of this.written) {
      const bigSize = w.size >= this.zip64Threshold;
      const bigOffset = w.offset >= this.zip64Threshold;
      const z64Fields = (bigSize ? 2 : 0) + (bigOffset ? 1 : 0);
      const extraLen = z64Fields > 0 ? 4 + 8 * z64Fields : 0;
      const c = Buffer.alloc(CENTRAL_HEADER_SIZE + w.name.byteLength + extraLen);
      c.writeUInt32LE(SIG_CENTRAL, 0);
      c.writeUInt16LE(w.zip64 ? VERSION_ZIP64 : 0, 4);
      c.writeUInt16LE(w.zip64 ? VERSION_ZIP64 : 0, 6);
      c.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 8);
      c.writeUInt32LE(w.crc, 16);
      c.writeUInt32LE(bigSize ? U32_MAX : w.size, 20);
      c.writeUInt32LE(bigSize ? U32_MAX : w.size, 24);
      c.writeUInt16LE(w.name.byteLength, 28);
      c.writeUInt16LE(extraLen, 30);
      c.writeUInt32LE(bigOffset ? U32_MAX : w.offset, 42);
      w.name.forEach((b, i) => (c[CENTRAL_HEADER_SIZE + i] = b));
      let e = CENTRAL_HEADER_SIZE + w.name.byteLength;
      if (z64Fields > 0) {
        c.writeUInt16LE(EXTRA_ZIP64, e);
        c.writeUInt16LE(8 * z64Fields, e + 2);
        e += 4;
        if (bigSize) {
          c.writeBigUInt64LE(BigInt(w.size), e);
          c.writeBigUInt64LE(BigInt(w.size), e + 8);
          e += 16;
        }
        if (bigOffset) c.writeBigUInt64LE(BigInt(w.offset), e);
      }
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  /** Writes the central directory and end records, fsyncs, and renames the file into place. */
  async finish(): Promise<{ byteLength: number }> {
    try {
      const cdOffset = this.pos;
      const cd = this.centralDirectory();
      await this.write(cd);
      const z64At = this.pos;
      const n = this.written.length;
      const end = Buffer.alloc(ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE + EOCD_SIZE);
      end.writeUInt32LE(SIG_ZIP64_EOCD, 0);
      end.writeBigUInt64LE(BigInt(ZIP64_EOCD_SIZE - 12), 4);
      end.writeUInt16LE(VERSION_ZIP64, 12);
      end.writeUInt16LE(VERSION_ZIP64, 14);
      end.writeBigUInt64LE(BigInt(n), 24);
      end.writeBigUInt64LE(BigInt(n), 32);
      end.writeBigUInt64LE(BigInt(cd.byteLength), 40);
      end.writeBigUInt64LE(BigInt(cdOffset), 48);
      const loc = ZIP64_EOCD_SIZE;
      end.writeUInt32LE(SIG_ZIP64_LOCATOR, loc);
      end.writeBigUInt64LE(BigInt(z64At), loc + 8);
      end.writeUInt32LE(1, loc + 16);
      const eocd = loc + ZIP64_LOCATOR_SIZE;
      end.writeUInt32LE(SIG_EOCD, eocd);
      end.writeUInt16LE(Math.min(n, U16_MAX), eocd + 8);
      end.writeUInt16LE(Math.min(n, U16_MAX), eocd + 10);
      end.writeUInt32LE(Math.min(cd.byteLength, U32_MAX), eocd + 12);
      end.writeUInt32LE(Math.min(cdOffset, U32_MAX), eocd + 16);
      await this.write(end);
      await this.drain();
      if (this.doFsync) await this.fh.sync();
      await this.fh.close();
      this.closed = true;
      await rename(this.tmpPath, this.path);
      if (this.doFsync) await syncDir(dirname(this.path));
      return { byteLength: this.pos };
    } catch (err) {
      await this.abort();
      throw fromSystemError(err, 'write .pth', this.path);
    }
  }

  /** Closes and removes the temporary file (the target is untouched). Safe to call twice. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await Promise.allSettled([...this.inFlight, ...this.pendingSyncs]);
      this.inFlight = [];
      this.pendingSyncs.length = 0;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.tmpPath).catch(() => undefined);
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the file itself is already synced.
  } finally {
    await d.close();
  }
}
