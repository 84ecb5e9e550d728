/**
 * Builders of hostile inputs for the malicious-corpus tests: pickle byte assembly, and a zip
 * builder that can lie about names, sizes, offsets and compression.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** Concatenates pickle pieces: numbers are opcode bytes, strings are latin-1 text. */
export function pk(...parts: (number | string | Uint8Array)[]): Uint8Array {
  const bufs = parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)));
  return new Uint8Array(Buffer.concat(bufs));
}

/** BINUNICODE of `s`. */
export function str(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return new Uint8Array(Buffer.concat([Buffer.from('X'), len, b]));
}

/** u32 little-endian. */
export function u32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return new Uint8Array(b);
}

/** One entry of {@link buildZip}; the `declared*` fields let the central directory lie. */
export interface RawEntry {
  name: string;
  data: Uint8Array;
  /** Deflate the data (method 8). Default: stored. */
  deflate?: boolean;
  declaredSize?: number;
  declaredCompressedSize?: number;
  /** Local header offset to claim instead of the real one. */
  declaredOffset?: number;
  /** Name written in the local header instead of `name`. */
  localName?: string;
  /** CRC-32 to record instead of the real one (torch with CRC disabled records 0). */
  declaredCrc?: number;
}

/** A classic (non-zip64) zip archive of the entries, in memory. */
export function buildZip(entries: RawEntry[], options: { declaredEntryCount?: number; declaredCdSize?: number } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let pos = 0;
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const name = Buffer.from(e.name, 'utf8');
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const crc = e.declaredCrc ?? crc32(e.data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(e.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(localName.length, 26);
    const offset = pos;
    locals.push(lh, localName, body);
    pos += 30 + localName.length + body.length;
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(e.declaredCompressedSize ?? body.length, 20);
    c.writeUInt32LE(e.declaredSize ?? e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(e.declaredOffset ?? offset, 42);
    centrals.push(c, name);
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  const n = options.declaredEntryCount ?? entries.length;
  eocd.writeUInt16LE(n, 8);
  eocd.writeUInt16LE(n, 10);
  eocd.writeUInt32LE(options.declaredCdSize ?? cd.length, 12);
  eocd.writeUInt32LE(pos, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** A torch-like archive holding `pickle` as data.pkl (plus a version record). */
export function torchZip(pickle: Uint8Array, extra: RawEntry[] = []): Uint8Array {
  return buildZip([{ name: 'archive/data.pkl', data: pickle }, ...extra, { name: 'archive/version', data: Buffer.from('3\n') }]);
}
