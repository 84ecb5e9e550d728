/**
 * The writer's plan: tensor order, offsets and the padded header bytes, as the reference writer
 * lays them out (formats.md 1.2). Pure: no I/O, no tensor bytes touched.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { DTYPE_ORDER, isDType, type DType } from '../../tensor/dtype.js';
import { byteLengthOf, type Shape } from '../../tensor/tensor.js';
import { MAX_HEADER_BYTES, METADATA_KEY, type SafetensorsEntry, type SafetensorsHeader } from './types.js';

/** What the plan needs to know of a tensor. */
export interface PlannedTensor {
  dtype: DType;
  shape: Shape;
  byteLength: number;
}

/** A header ready to write: its bytes (length prefix + padded JSON) and what they describe. */
export interface SafetensorsPlan {
  header: SafetensorsHeader;
  /** The 8-byte length followed by the space-padded JSON header. */
  headerBytes: Uint8Array;
  /** Total file size in bytes. */
  byteLength: number;
}

const encoder = new TextEncoder();

/** Orders tensors (dtype alignment descending, then name byte-wise), assigns offsets and builds the header bytes. */
export function planSafetensors(tensors: ReadonlyMap<string, PlannedTensor>, metadata: Record<string, string> | undefined): SafetensorsPlan {
  const named = [...tensors].map(([name, t]) => {
    checkTensor(name, t);
    return { name, t };
  });
  named.sort((a, b) => DTYPE_ORDER[b.t.dtype] - DTYPE_ORDER[a.t.dtype] || compareCodePoints(a.name, b.name));

  const entries: SafetensorsEntry[] = [];
  const parts: string[] = [];
  const metaPairs = Object.entries(metadata ?? {});
  if (metaPairs.length > 0) {
    for (const [k, v] of metaPairs) {
      if (typeof v !== 'string') throw new CkptError('E_INVALID_ARGUMENT', `safetensors metadata value of ${JSON.stringify(k)} must be a string, got ${typeof v}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${metaPairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const { name, t } of named) {
    const entry: SafetensorsEntry = { name, dtype: t.dtype, shape: [...t.shape], begin: offset, end: offset + t.byteLength };
    if (!Number.isSafeInteger(entry.end)) throw new CkptError('E_VALIDATION_OVERFLOW', `safetensors data would be larger than 2^53 bytes at tensor ${JSON.stringify(name)}`);
    entries.push(entry);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${entry.shape.join(',')}],"data_offsets":[${entry.begin},${entry.end}]}`);
    offset = entry.end;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new CkptError('E_HEADER_TOO_LARGE', `safetensors header would be ${headerLength} bytes, over the limit of ${MAX_HEADER_BYTES}; write fewer tensors per file`, {
      details: { headerLength, limit: MAX_HEADER_BYTES },
    });
  }
  const headerBytes = new Uint8Array(8 + headerLength).fill(0x20, 8 + json.byteLength);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(headerLength), true);
  headerBytes.set(json, 8);
  const dataOffset = 8 + headerLength;
  return { header: { headerLength, dataOffset, entries, metadata: { ...metadata } }, headerBytes, byteLength: dataOffset + offset };
}

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 (the reference
 * writer sorts Rust strings byte-wise). Plain `<` compares UTF-16 code units, which puts
 * surrogate pairs (U+10000 and up) before U+E000..U+FFFF; this shifts them back.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 || y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x;
      y = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y;
    }
    return x - y;
  }
  return a.length - b.length;
}

function checkTensor(name: string, t: PlannedTensor): void {
  if (name === METADATA_KEY) throw new CkptError('E_INVALID_ARGUMENT', `${METADATA_KEY} is reserved and cannot name a tensor; pass metadata in the options`);
  if (!isDType(t.dtype)) throw new CkptError('E_DTYPE', `tensor ${JSON.stringify(name)} has the unknown dtype ${JSON.stringify(t.dtype)}`, { details: { tensor: name } });
  let expected: number;
  try {
    expected = byteLengthOf(t.dtype, t.shape);
  } catch (err) {
    if (err instanceof CkptError) throw new CkptError(err.code, `tensor ${JSON.stringify(name)}: ${err.message}`, { cause: err, details: { tensor: name } });
    throw err;
  }
  if (t.byteLength !== expected) {
    throw new CkptError('E_SHAPE', `tensor ${JSON.stringify(name)} is ${t.dtype}[${t.shape.join(',')}] = ${expected} bytes but has ${t.byteLength}`, {
      details: { tensor: name, expected, actual: t.byteLength },
    });
  }
}
