/**
 * Validation of a safetensors header, rule by rule in the order of the reference reader
 * (formats.md 1.4), plus rejection of duplicate names. Nothing about a file is trusted before
 * these checks pass.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { DTYPE_BITS, isDType, type DType } from '../../tensor/dtype.js';
import { JsonNumberLiteral, parseHeaderJson, type HeaderJsonObject, type HeaderJsonValue } from './header-json.js';
import { MAX_HEADER_BYTES, METADATA_KEY, type SafetensorsEntry, type SafetensorsHeader } from './types.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Rules 1-3: reads N from the first 8 bytes and checks it against the limit and the file length.
 * `prefix` holds the first bytes of the file (at least 8 when the file has them).
 */
export function readHeaderLength(prefix: Uint8Array, fileLength: number): number {
  if (prefix.byteLength < 8 || fileLength < 8) {
    throw new CkptError('E_HEADER_TOO_SMALL', `safetensors file of ${fileLength} bytes is shorter than the 8-byte header length`, {
      details: { fileLength },
    });
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new CkptError('E_HEADER_TOO_LARGE', `safetensors header length ${n} is over the limit of ${MAX_HEADER_BYTES} bytes`, {
      details: { headerLength: n.toString(), limit: MAX_HEADER_BYTES },
    });
  }
  const headerLength = Number(n);
  if (8 + headerLength > fileLength) {
    throw new CkptError('E_INVALID_HEADER_LENGTH', `safetensors header length ${headerLength} runs past the end of the ${fileLength}-byte file`, {
      details: { headerLength, fileLength },
    });
  }
  return headerLength;
}

/**
 * Rules 4-7: decodes and validates the header bytes (the N bytes after the length) of a file of
 * `fileLength` bytes. Entries come back in file order.
 */
export function decodeHeader(headerBytes: Uint8Array, fileLength: number): SafetensorsHeader {
  const headerLength = headerBytes.byteLength;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (err) {
    throw new CkptError('E_INVALID_HEADER', 'safetensors header is not valid UTF-8', { cause: err });
  }
  const root = parseHeaderJson(text);
  if (!(root instanceof Map)) throw new CkptError('E_INVALID_HEADER', 'safetensors header is not a JSON object');

  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of root) {
    if (name === METADATA_KEY) metadata = decodeMetadata(value);
    else entries.push(decodeEntry(name, value));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);

  let previousEnd = 0;
  for (const e of entries) {
    if (e.begin !== previousEnd || e.end < e.begin) {
      const reason = e.end < e.begin ? `ends (${e.end}) before it begins (${e.begin})`
        : e.begin > previousEnd ? `begins at ${e.begin}, leaving a hole after ${previousEnd}`
          : `begins at ${e.begin}, overlapping the previous tensor which ends at ${previousEnd}`;
      throw new CkptError('E_INVALID_OFFSET', `safetensors tensor ${JSON.stringify(e.name)} ${reason}`, {
        details: { tensor: e.name, begin: e.begin, end: e.end },
      });
    }
    checkByteLength(e);
    previousEnd = e.end;
  }
  const dataOffset = 8 + headerLength;
  if (dataOffset + previousEnd !== fileLength) {
    const relation = dataOffset + previousEnd > fileLength ? 'is shorter than' : 'has trailing bytes after';
    throw new CkptError('E_INCOMPLETE_BUFFER', `safetensors file of ${fileLength} bytes ${relation} the ${previousEnd}-byte data its header declares`, {
      details: { fileLength, expected: dataOffset + previousEnd },
    });
  }
  return { headerLength, dataOffset, entries, metadata };
}

function decodeMetadata(value: HeaderJsonValue): Record<string, string> {
  if (value === null) return {};
  if (!(value instanceof Map)) throw new CkptError('E_INVALID_HEADER', `safetensors ${METADATA_KEY} is not an object of strings`);
  const pairs: [string, string][] = [];
  for (const [k, v] of value) {
    if (typeof v !== 'string') {
      throw new CkptError('E_INVALID_HEADER', `safetensors ${METADATA_KEY} value of ${JSON.stringify(k)} is not a string`, { details: { key: k } });
    }
    pairs.push([k, v]);
  }
  return Object.fromEntries(pairs);
}

function invalidInfo(name: string, reason: string): CkptError {
  return new CkptError('E_INVALID_HEADER', `safetensors tensor ${JSON.stringify(name)}: ${reason}`, { details: { tensor: name } });
}

function decodeEntry(name: string, value: HeaderJsonValue): SafetensorsEntry {
  if (!(value instanceof Map)) throw invalidInfo(name, 'entry is not an object');
  const dtype = decodeDType(name, value);
  const shapeValue = value.get('shape');
  if (!Array.isArray(shapeValue)) throw invalidInfo(name, '"shape" is missing or not an array');
  const shape = shapeValue.map((d) => {
    const n = unsignedInteger(name, d, 'shape');
    if (n > MAX_SAFE) {
      throw new CkptError('E_VALIDATION_OVERFLOW', `safetensors tensor ${JSON.stringify(name)} has a dimension of ${n}, over 2^53`, { details: { tensor: name } });
    }
    return Number(n);
  });
  const offsets = value.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2) throw invalidInfo(name, '"data_offsets" is missing or not an array of two integers');
  const [begin, end] = offsets.map((o) => {
    const n = unsignedInteger(name, o, 'data_offsets');
    if (n > MAX_SAFE) {
      throw new CkptError('E_INVALID_OFFSET', `safetensors tensor ${JSON.stringify(name)} has an offset of ${n}, past any file ckpt can read`, { details: { tensor: name } });
    }
    return Number(n);
  }) as [number, number];
  return { name, dtype, shape, begin, end };
}

function decodeDType(name: string, entry: HeaderJsonObject): DType {
  const dtype = entry.get('dtype');
  if (typeof dtype !== 'string') throw invalidInfo(name, '"dtype" is missing or not a string');
  if (!isDType(dtype)) {
    throw new CkptError('E_DTYPE', `safetensors tensor ${JSON.stringify(name)} has the unknown dtype ${JSON.stringify(dtype)}`, {
      details: { tensor: name, dtype },
    });
  }
  return dtype;
}

function unsignedInteger(name: string, v: HeaderJsonValue, field: string): bigint {
  const n = v instanceof JsonNumberLiteral ? v.asUnsignedInteger() : undefined;
  if (n === undefined) throw invalidInfo(name, `"${field}" holds ${v instanceof JsonNumberLiteral ? v.text : JSON.stringify(v)}, not a non-negative integer`);
  return n;
}

/** Rule 6, second half: the element count and bit count must not overflow and must match the byte range. */
function checkByteLength(e: SafetensorsEntry): void {
  let count = 1n;
  for (const d of e.shape) {
    count *= BigInt(d);
    if (count > MAX_SAFE) {
      throw new CkptError('E_VALIDATION_OVERFLOW', `safetensors tensor ${JSON.stringify(e.name)} of shape [${e.shape.join(',')}] has more than 2^53 elements`, {
        details: { tensor: e.name },
      });
    }
  }
  const bits = count * BigInt(DTYPE_BITS[e.dtype]);
  if (bits > MAX_SAFE) {
    throw new CkptError('E_VALIDATION_OVERFLOW', `safetensors tensor ${JSON.stringify(e.name)} of shape [${e.shape.join(',')}] has more than 2^53 bits`, {
      details: { tensor: e.name },
    });
  }
  if (bits % 8n !== 0n) {
    throw new CkptError('E_MISALIGNED_SLICE', `safetensors tensor ${JSON.stringify(e.name)}: ${count} elements of ${e.dtype} do not fill whole bytes`, {
      details: { tensor: e.name, dtype: e.dtype },
    });
  }
  const expected = Number(bits / 8n);
  if (e.end - e.begin !== expected) {
    throw new CkptError('E_INVALID_TENSOR_INFO', `safetensors tensor ${JSON.stringify(e.name)} is ${e.dtype}[${e.shape.join(',')}] = ${expected} bytes but its byte range holds ${e.end - e.begin}`, {
      details: { tensor: e.name, expected, actual: e.end - e.begin },
    });
  }
}
