/**
 * A paranoid zip reader for torch archives. It reads the central directory (found by a bounded
 * backward scan for the end record, zip64 aware), checks every offset and size against the file,
 * reads each local header to find where data starts, and rejects names outside the archive
 * folder, overlapping entries, absurd sizes, too many entries and compression bombs. Entry data
 * is read by range from the source, so a multi-GiB archive is never held whole.
 *
 * @module
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from '../../../util/crc32.js';
import { CkptError } from '../../../errors.js';
import type { ByteSource } from '../source.js';
import {
  CENTRAL_HEADER_SIZE, EOCD_SIZE, EXTRA_ZIP64, FLAG_ENCRYPTED, LOCAL_HEADER_SIZE, MAX_COMMENT, METHOD_DEFLATE,
  METHOD_STORED, SIG_CENTRAL, SIG_EOCD, SIG_LOCAL, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, U16_MAX, U32_MAX,
  ZIP64_EOCD_SIZE, ZIP64_LOCATOR_SIZE, FLAG_UTF8,
} from './constants.js';
import type { ResolvedReadOptions } from '../limits.js';

/** One entry of the archive, validated. */
export interface ZipEntry {
  /** Full name, e.g. `sd/data/0`. */
  readonly name: string;
  /** 0 (stored) or 8 (deflated). */
  readonly method: number;
  /** CRC-32 from the central directory. */
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the local header. */
  readonly localHeaderOffset: number;
  /** Offset of the first data byte. */
  readonly dataOffset: number;
}

type ZipOptions = ResolvedReadOptions['zip'];

function bad(message: string, details: Record<string, string | number> = {}): CkptError {
  return new CkptError('E_BAD_ZIP', message, { details });
}

function limit(message: string, details: Record<string, string | number> = {}): CkptError {
  return new CkptError('E_LIMIT', message, { details });
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads a u64 that must stay below 2^53. */
function u64(dv: DataView, at: number, what: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} ${v} is absurd`);
  return Number(v);
}

interface EndRecord {
  entries: number;
  cdSize: number;
  cdOffset: number;
  /** Where the central directory must end: the zip64 EOCD or the classic EOCD. */
  cdLimit: number;
}

async function findEnd(src: ByteSource): Promise<EndRecord> {
  if (src.size < EOCD_SIZE) throw bad(`file of ${src.size} bytes is too short to be a zip archive`);
  const tailLen = Math.min(src.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = src.size - tailLen;
  const tail = await src.read(tailStart, tailLen);
  const dv = view(tail);
  let at = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    if (dv.getUint32(i, true) === SIG_EOCD && i + EOCD_SIZE + dv.getUint16(i + 20, true) === tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) throw bad('no end-of-central-directory record: not a zip archive, or truncated');
  const eocdOffset = tailStart + at;
  const disk = dv.getUint16(at + 4, true);
  const cdDisk = dv.getUint16(at + 6, true);
  let entries = dv.getUint16(at + 10, true);
  let cdSize = dv.getUint32(at + 12, true);
  let cdOffset = dv.getUint32(at + 16, true);
  let cdLimit = eocdOffset;
  const locAt = eocdOffset - ZIP64_LOCATOR_SIZE;
  const hasLocator = locAt >= 0 && (await readU32(src, locAt)) === SIG_ZIP64_LOCATOR;
  if (hasLocator) {
    const loc = view(await src.read(locAt, ZIP64_LOCATOR_SIZE));
    const z64At = u64(loc, 8, 'zip64 end record offset');
    if (z64At + ZIP64_EOCD_SIZE > locAt) throw bad('zip64 end record lies outside the archive', { offset: z64At });
    const z = view(await src.read(z64At, ZIP64_EOCD_SIZE));
    if (z.getUint32(0, true) !== SIG_ZIP64_EOCD) throw bad('zip64 locator points at something that is not a zip64 end record', { offset: z64At });
    if (z.getUint32(16, true) !== 0 || z.getUint32(20, true) !== 0) throw bad('multi-disk zip archives are not supported');
    entries = u64(z, 32, 'zip64 entry count');
    cdSize = u64(z, 40, 'zip64 central directory size');
    cdOffset = u64(z, 48, 'zip64 central directory offset');
    cdLimit = z64At;
  } else {
    if (disk !== 0 || cdDisk !== 0) throw bad('multi-disk zip archives are not supported');
    if (entries === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) throw bad('zip64 values without a zip64 locator');
  }
  return { entries, cdSize, cdOffset, cdLimit };
}

async function readU32(src: ByteSource, at: number): Promise<number> {
  return view(await src.read(at, 4)).getUint32(0, true);
}

/** Checks a name the way a safe extractor would: relative, no `..`, no backslash, no NUL. */
function checkName(name: string): void {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name)) {
    throw bad(`unsafe entry name ${JSON.stringify(name)}`, { name });
  }
  if (name.split('/').some((part) => part === '..' || part === '.')) throw bad(`entry name ${JSON.stringify(name)} escapes the archive folder`, { name });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function decodeName(bytes: Uint8Array, flags: number): string {
  if ((flags & FLAG_UTF8) === 0) return latin1.decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw bad('entry name is not valid UTF-8');
  }
}

/** An opened archive: validated entries, and range reads of their data. */
export class ZipReader {
  /** Entries in central-directory order. */
  readonly entries: readonly ZipEntry[];
  private readonly byName: Map<string, ZipEntry>;

  private constructor(private readonly src: ByteSource, entries: ZipEntry[], private readonly options: ZipOptions) {
    this.entries = entries;
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Reads and validates the directory of the archive in `src`. */
  static async open(src: ByteSource, options: ZipOptions): Promise<ZipReader> {
    const end = await findEnd(src);
    if (end.entries > options.maxEntries) throw limit(`archive has ${end.entries} entries; the limit is ${options.maxEntries}`, { entries: end.entries });
    if (end.cdSize > options.maxCentralDirectoryBytes) throw limit(`central directory of ${end.cdSize} bytes is past the ${options.maxCentralDirectoryBytes}-byte limit`);
    if (end.cdOffset + end.cdSize > end.cdLimit) throw bad('central directory runs past the end record', { offset: end.cdOffset, size: end.cdSize });
    if (end.entries * CENTRAL_HEADER_SIZE > end.cdSize) throw bad(`central directory of ${end.cdSize} bytes cannot hold ${end.entries} entries`);
    const cd = await src.read(end.cdOffset, end.cdSize);
    const dv = view(cd);
    const raw: Omit<ZipEntry, 'dataOffset'>[] = [];
    const seen = new Set<string>();
    let p = 0;
    for (let i = 0; i < end.entries; i++) {
      if (p + CENTRAL_HEADER_SIZE > cd.byteLength) throw bad('central directory is truncated', { entry: i });
      if (dv.getUint32(p, true) !== SIG_CENTRAL) throw bad('bad central directory entry signature', { entry: i, offset: end.cdOffset + p });
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      let compressedSize = dv.getUint32(p + 20, true);
      let size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let lho = dv.getUint32(p + 42, true);
      const next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
      if (next > cd.byteLength) throw bad('central directory entry runs past the directory', { entry: i });
      const name = decodeName(cd.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen), flags);
      checkName(name);
      if (seen.has(name)) throw bad(`entry ${JSON.stringify(name)} appears twice`, { name });
      seen.add(name);
      if ((flags & FLAG_ENCRYPTED) !== 0) throw bad(`entry ${JSON.stringify(name)} is encrypted`, { name });
      if (method !== METHOD_STORED && method !== METHOD_DEFLATE) throw new CkptError('E_UNSUPPORTED', `entry ${JSON.stringify(name)} uses compression method ${method}; only stored and deflate are supported`, { details: { name, method } });
      // zip64 extra field: values appear only for fields that are saturated, in this order.
      let e = p + CENTRAL_HEADER_SIZE + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = dv.getUint16(e, true);
        const len = dv.getUint16(e + 2, true);
        if (e + 4 + len > extraEnd) throw bad('extra field runs past its entry', { name });
        if (id === EXTRA_ZIP64) {
          let q = e + 4;
          const take = (what: string): number => {
            if (q + 8 > e + 4 + len) throw bad(`zip64 extra field lacks the ${what}`, { name });
            const v = u64(dv, q, what);
            q += 8;
            return v;
          };
          if (size === U32_MAX) size = take('uncompressed size');
          if (compressedSize === U32_MAX) compressedSize = take('compressed size');
          if (lho === U32_MAX) lho = take('local header offset');
        }
        e += 4 + len;
      }
      if (method === METHOD_STORED && compressedSize !== size) throw bad(`stored entry ${JSON.stringify(name)} has different compressed and uncompressed sizes`, { name });
      if (method === METHOD_DEFLATE) {
        if (size > options.maxInflatedBytes) throw limit(`deflated entry ${JSON.stringify(name)} would inflate to ${size} bytes; the limit is ${options.maxInflatedBytes}`, { name, size });
        if (size > Math.max(compressedSize, 1) * options.maxCompressionRatio) {
          throw limit(`deflated entry ${JSON.stringify(name)} claims a compression ratio past ${options.maxCompressionRatio} (zip bomb?)`, { name, size, compressedSize });
        }
      }
      raw.push({ name, method, crc32: crc, compressedSize, size, localHeaderOffset: lho });
      p = next;
    }
    const entries: ZipEntry[] = [];
    for (const r of raw) {
      if (r.localHeaderOffset + LOCAL_HEADER_SIZE > end.cdOffset) throw bad(`entry ${JSON.stringify(r.name)} has its header outside the data area`, { name: r.name });
      const lh = view(await src.read(r.localHeaderOffset, LOCAL_HEADER_SIZE));
      if (lh.getUint32(0, true) !== SIG_LOCAL) throw bad(`entry ${JSON.stringify(r.name)} has no local header at ${r.localHeaderOffset}`, { name: r.name });
      const nameLen = lh.getUint16(26, true);
      const extraLen = lh.getUint16(28, true);
      const dataOffset = r.localHeaderOffset + LOCAL_HEADER_SIZE + nameLen + extraLen;
      if (dataOffset + r.compressedSize > end.cdOffset) throw bad(`entry ${JSON.stringify(r.name)} runs past the data area`, { name: r.name });
      const localName = decodeName(await src.read(r.localHeaderOffset + LOCAL_HEADER_SIZE, nameLen), lh.getUint16(6, true));
      if (localName !== r.name) throw bad(`entry ${JSON.stringify(r.name)}: local header names ${JSON.stringify(localName)}`, { name: r.name });
      entries.push({ ...r, dataOffset });
    }
    const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev !== undefined && cur !== undefined && prev.dataOffset + prev.compressedSize > cur.localHeaderOffset) {
        throw bad(`entries ${JSON.stringify(prev.name)} and ${JSON.stringify(cur.name)} overlap`, { name: cur.name });
      }
    }
    return new ZipReader(src, entries, options);
  }

  /** The entry called `name`, or undefined. */
  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Whether {@link read} of `entry` can fill caller-given memory (a stored entry in a file). */
  canReadInto(entry: ZipEntry): boolean {
    return entry.method === METHOD_STORED && this.src.copies;
  }

  /**
   * The entry's uncompressed bytes, CRC-checked per the options. A stored entry read from a file
   * lands in `into` when that is given and exactly `entry.size` bytes long.
   */
  async read(entry: ZipEntry, into?: Uint8Array): Promise<Uint8Array> {
    const checkWhileReading = entry.method === METHOD_STORED && this.options.crc !== 'off';
    let running = 0;
    const stored = await this.src.read(entry.dataOffset, entry.compressedSize, checkWhileReading ? (c) => (running = crc32(c, running)) : undefined, entry.method === METHOD_STORED ? into : undefined);
    let data = stored;
    if (entry.method === METHOD_DEFLATE) {
      try {
        data = inflateRawSync(stored, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (err) {
        if (err instanceof RangeError) throw limit(`entry ${JSON.stringify(entry.name)} inflates past its declared ${entry.size} bytes (zip bomb?)`, { name: entry.name });
        throw new CkptError('E_BAD_ZIP', `entry ${JSON.stringify(entry.name)} is not valid deflate data`, { cause: err, details: { name: entry.name } });
      }
      if (data.byteLength !== entry.size) throw bad(`entry ${JSON.stringify(entry.name)} inflates to ${data.byteLength} bytes, not the declared ${entry.size}`, { name: entry.name });
    }
    if (this.options.crc !== 'off') {
      const actual = (checkWhileReading ? running : crc32(data)) >>> 0;
      if (entry.crc32 === 0 && actual !== 0) {
        // torch >= 2.1 can save with CRCs disabled (set_crc32_options(False)): the field is then 0.
        this.options.onWarning(`no CRC-32 recorded for ${JSON.stringify(entry.name)} (saved with CRCs disabled); its bytes are unchecked`);
      } else if (actual !== entry.crc32) {
        const msg = `CRC-32 mismatch in ${JSON.stringify(entry.name)}: stored ${entry.crc32.toString(16)}, computed ${actual.toString(16)} (corrupt file?)`;
        if (this.options.crc === 'error') throw new CkptError('E_CORRUPT', `${msg}; pass crc: 'warn' to read anyway`, { details: { name: entry.name } });
        this.options.onWarning(msg);
      }
    }
    return data;
  }
}
