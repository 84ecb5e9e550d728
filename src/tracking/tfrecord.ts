/**
 * TFRecord framing, the container of TensorBoard event files (all little-endian):
 *
 * ```
 * u64 length | u32 masked_crc32c(length bytes) | u8[length] data | u32 masked_crc32c(data)
 * ```
 *
 * Pure functions over bytes: {@link encodeRecord} frames one record, {@link scanRecords} splits a
 * buffer into records, verifying both CRCs, and says exactly where and why it stopped.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { crc32c } from '../util/crc32c.js';

/** Bytes before the data: u64 length + u32 masked CRC of the length. */
export const RECORD_HEADER_BYTES = 12;
/** Bytes after the data: u32 masked CRC of the data. */
export const RECORD_FOOTER_BYTES = 4;
/** Default largest record data accepted by readers and writers: 64 MiB (graph defs can be large). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

const MASK_DELTA = 0xa282ead8;

/** TFRecord's CRC mask: rotate right by 15 bits, add 0xA282EAD8 (mod 2^32). */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/** The masked CRC32C of `bytes`, as stored in TFRecord headers and footers. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc(crc32c(bytes));
}

/** Frames `data` as one TFRecord. Throws `E_LIMIT` when `data` is longer than `maxRecordBytes`. */
export function encodeRecord(data: Uint8Array, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES): Uint8Array {
  if (data.length > maxRecordBytes) {
    throw new CkptError('E_LIMIT', `a TFRecord of ${data.length} bytes is over the limit of ${maxRecordBytes}`, {
      details: { length: data.length, limit: maxRecordBytes },
    });
  }
  const out = new Uint8Array(RECORD_HEADER_BYTES + data.length + RECORD_FOOTER_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, RECORD_HEADER_BYTES);
  view.setUint32(RECORD_HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return out;
}

/** One complete, CRC-verified record found by {@link scanRecords}. */
export interface FramedRecord {
  /** Byte offset of the record's header in the scanned buffer. */
  readonly offset: number;
  /** The record's data (a view into the scanned buffer, not a copy). */
  readonly data: Uint8Array;
}

/** Why {@link scanRecords} stopped before the end of the buffer. */
export interface ScanStop {
  /** Byte offset of the record that could not be read. */
  readonly offset: number;
  /**
   * `truncated`: the buffer ends inside this record (a torn write, or a file still being written).
   * `corrupt`: a CRC does not match (`E_BAD_RECORD`) or the length is over the limit (`E_LIMIT`).
   */
  readonly kind: 'truncated' | 'corrupt';
  /** `E_BAD_RECORD` or `E_LIMIT` for `corrupt`; `E_BAD_RECORD` for `truncated`. */
  readonly code: 'E_BAD_RECORD' | 'E_LIMIT';
  /** What is wrong, for people. */
  readonly message: string;
}

/** Result of {@link scanRecords}. */
export interface ScanResult {
  /** Every complete record before the stop, in file order. */
  readonly records: FramedRecord[];
  /** Set when the scan stopped before the end of the buffer. */
  readonly stop?: ScanStop;
}

/** Options of {@link scanRecords}. */
export interface ScanOptions {
  /** Largest record data accepted; longer lengths stop the scan with `E_LIMIT`. Default: {@link DEFAULT_MAX_RECORD_BYTES}. */
  maxRecordBytes?: number;
}

/**
 * Splits `bytes` into TFRecords. Stops at the first record that is incomplete (`truncated`) or whose
 * length CRC, length limit or data CRC fails (`corrupt`): once a CRC fails, the framing after it
 * cannot be trusted, and TensorBoard's readers stop there too. Never throws on malformed input.
 */
export function scanRecords(bytes: Uint8Array, options: ScanOptions = {}): ScanResult {
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: FramedRecord[] = [];
  let pos = 0;
  const stop = (kind: ScanStop['kind'], code: ScanStop['code'], message: string): ScanResult => ({
    records,
    stop: { offset: pos, kind, code, message: `record at byte ${pos}: ${message}` },
  });
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    if (remaining < RECORD_HEADER_BYTES) return stop('truncated', 'E_BAD_RECORD', `only ${remaining} of 12 header bytes present`);
    const length = view.getBigUint64(pos, true);
    const lengthCrc = view.getUint32(pos + 8, true);
    if (maskedCrc32c(bytes.subarray(pos, pos + 8)) !== lengthCrc) return stop('corrupt', 'E_BAD_RECORD', 'length CRC mismatch');
    if (length > BigInt(max)) return stop('corrupt', 'E_LIMIT', `length ${length} is over the limit of ${max} bytes`);
    const n = Number(length);
    const need = RECORD_HEADER_BYTES + n + RECORD_FOOTER_BYTES;
    if (remaining < need) return stop('truncated', 'E_BAD_RECORD', `${remaining} of ${need} bytes present`);
    const data = bytes.subarray(pos + RECORD_HEADER_BYTES, pos + RECORD_HEADER_BYTES + n);
    const dataCrc = view.getUint32(pos + RECORD_HEADER_BYTES + n, true);
    if (maskedCrc32c(data) !== dataCrc) return stop('corrupt', 'E_BAD_RECORD', 'data CRC mismatch');
    records.push({ offset: pos, data });
    pos += need;
  }
  return { records };
}
