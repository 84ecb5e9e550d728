import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CkptError, type CkptErrorCode } from '../../../src/errors.js';
import { parseSafetensors, readSafetensorsHeader, readSafetensorsTensor, serializeSafetensors, writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { craft } from './bytes.js';

function errorOf(fn: () => unknown): CkptError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CkptError) return err;
    throw new Error(`expected a CkptError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected an error, got none');
}

const entry = (name: string, dtype: string, shape: string, begin: number | string, end: number | string) =>
  `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${shape},"data_offsets":[${begin},${end}]}`;

/** One crafted file per error code of the reader, in the order the reference checks them. */
const CASES: { code: CkptErrorCode; what: string; file: Uint8Array; tensor?: string }[] = [
  { code: 'E_HEADER_TOO_SMALL', what: 'fewer than 8 bytes', file: new Uint8Array([1, 0, 0]) },
  { code: 'E_HEADER_TOO_LARGE', what: 'N over 100,000,000 (reference vector <\\0\\0\\0\\0\\xff\\xff\\xff)', file: new Uint8Array([0x3c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7b, 0x7d]) },
  { code: 'E_HEADER_TOO_LARGE', what: 'N = 100,000,001', file: craft('{}', 0, 100_000_001n) },
  { code: 'E_INVALID_HEADER_LENGTH', what: 'N past the end of the file', file: craft('{}', 0, 3n + 8n) },
  { code: 'E_INVALID_HEADER', what: 'header not UTF-8', file: craft(new Uint8Array([0x7b, 0xff, 0x7d])) },
  { code: 'E_INVALID_HEADER', what: 'header not JSON', file: craft('{"a":') },
  { code: 'E_INVALID_HEADER', what: 'NUL padding after the object', file: craft('{}\0\0\0\0\0\0') },
  { code: 'E_INVALID_HEADER', what: 'a byte-order mark', file: craft('\uFEFF{}') },
  { code: 'E_INVALID_HEADER', what: 'a JSON array, not an object', file: craft('[]      ') },
  { code: 'E_INVALID_HEADER', what: 'a non-string metadata value', file: craft('{"__metadata__":{"a":1}}') },
  { code: 'E_INVALID_HEADER', what: 'metadata that is a string', file: craft('{"__metadata__":"x"}') },
  { code: 'E_INVALID_HEADER', what: 'a duplicated __metadata__', file: craft('{"__metadata__":{},"__metadata__":{}}') },
  { code: 'E_INVALID_HEADER', what: 'a duplicated field inside an entry', file: craft(`{"w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'a duplicated metadata key', file: craft('{"__metadata__":{"a":"1","a":"2"}}') },
  { code: 'E_INVALID_HEADER', what: 'a float in a shape', file: craft(`{${entry('w', 'U8', '[1.0]', 0, 1)}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'a negative shape', file: craft(`{${entry('w', 'U8', '[-1]', 0, 1)}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'an exponent in an offset', file: craft(`{${entry('w', 'U8', '[1]', 0, '1e0')}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'three data offsets', file: craft(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,1]}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'a missing shape', file: craft(`{"w":{"dtype":"U8","data_offsets":[0,1]}}`, 1), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'an entry that is not an object', file: craft('{"w":7}'), tensor: 'w' },
  { code: 'E_INVALID_HEADER', what: 'nesting deeper than 128', file: craft(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":${'['.repeat(200)}${']'.repeat(200)}}}`, 1) },
  { code: 'E_DTYPE', what: 'an unknown dtype', file: craft(`{${entry('w', 'F128', '[1]', 0, 16)}}`, 16), tensor: 'w' },
  { code: 'E_DUPLICATE_NAME', what: 'the same tensor name twice', file: craft(`{${entry('w', 'U8', '[1]', 0, 1)},${entry('w', 'U8', '[1]', 1, 2)}}`, 2), tensor: 'w' },
  { code: 'E_INVALID_OFFSET', what: 'a first tensor not at 0', file: craft(`{${entry('w', 'U8', '[1]', 1, 2)}}`, 2), tensor: 'w' },
  { code: 'E_INVALID_OFFSET', what: 'a hole', file: craft(`{${entry('a', 'U8', '[1]', 0, 1)},${entry('b', 'U8', '[1]', 2, 3)}}`, 3), tensor: 'b' },
  { code: 'E_INVALID_OFFSET', what: 'an overlap', file: craft(`{${entry('a', 'U8', '[2]', 0, 2)},${entry('b', 'U8', '[2]', 1, 3)}}`, 3), tensor: 'b' },
  { code: 'E_INVALID_OFFSET', what: 'an end before the begin', file: craft(`{${entry('a', 'U8', '[2]', 0, 2)},${entry('b', 'U8', '[0]', 2, 1)}}`, 2), tensor: 'b' },
  { code: 'E_INVALID_OFFSET', what: 'an offset past 2^53', file: craft(`{${entry('a', 'U8', '[2]', 0, '18446744073709551615')}}`, 2), tensor: 'a' },
  { code: 'E_VALIDATION_OVERFLOW', what: 'shape [2, 18446744073709551614] (reference vector)', file: craft(`{${entry('a', 'F32', '[2,18446744073709551614]', 0, 16)}}`, 16), tensor: 'a' },
  { code: 'E_VALIDATION_OVERFLOW', what: 'a product past 2^53', file: craft(`{${entry('a', 'F32', '[4294967296,4294967296]', 0, 16)}}`, 16), tensor: 'a' },
  { code: 'E_MISALIGNED_SLICE', what: 'three F4 elements (12 bits)', file: craft(`{${entry('a', 'F4', '[3]', 0, 2)}}`, 2), tensor: 'a' },
  { code: 'E_INVALID_TENSOR_INFO', what: 'a byte range that does not match dtype and shape', file: craft(`{${entry('a', 'F32', '[2]', 0, 4)}}`, 4), tensor: 'a' },
  { code: 'E_INCOMPLETE_BUFFER', what: 'data shorter than declared', file: craft(`{${entry('a', 'F32', '[2]', 0, 8)}}`, 7) },
  { code: 'E_INCOMPLETE_BUFFER', what: 'trailing bytes (a polyglot file)', file: craft(`{${entry('a', 'F32', '[2]', 0, 8)}}`, 9) },
];

describe('safetensors reader errors: one crafted file per code', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.what}`, () => {
      const err = errorOf(() => parseSafetensors(c.file));
      expect(err.code).toBe(c.code);
      if (c.tensor !== undefined) {
        expect(err.details.tensor).toBe(c.tensor);
        expect(err.message).toContain(JSON.stringify(c.tensor));
      }
    });
  }

  it('accepts what the reference accepts: leading whitespace, null metadata, extra fields, empty tensors', () => {
    const data = new Uint8Array(4);
    const ok = [
      craft(`  \n{${entry('a', 'F32', '[1]', 0, 4)}}`, data),
      craft(`{"__metadata__":null,${entry('a', 'F32', '[1]', 0, 4)}}   `, data),
      craft(`{"a":{"extra":[1.5,{"x":null}],"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, data),
      craft(`{${entry('z', 'F32', '[2,0]', 0, 0)},${entry('a', 'F32', '[1]', 0, 4)}}`, data),
      craft('{}      '),
    ];
    for (const file of ok) expect(() => parseSafetensors(file)).not.toThrow();
    const zero = parseSafetensors(ok[3] as Uint8Array);
    expect(zero.tensors.get('z')?.shape).toEqual([2, 0]);
  });
});

describe('safetensors file reader errors', () => {
  const tempDir = useTempDirs();

  it('names the path, and never allocates the declared header length before checking it against the file size', async () => {
    const path = join(tempDir(), 'short.safetensors');
    writeFileSync(path, craft('{}', 0, 99_999_999n));
    const err = await readSafetensorsHeader(path).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CkptError);
    expect((err as CkptError).code).toBe('E_INVALID_HEADER_LENGTH');
    expect((err as CkptError).message).toContain(path);
    expect((err as CkptError).details.path).toBe(path);
  });

  it('E_NOT_FOUND for a missing file and for a missing tensor; E_WRONG_KIND for a directory', async () => {
    const dir = tempDir();
    await expect(readSafetensorsHeader(join(dir, 'nope.safetensors'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(readSafetensorsHeader(dir)).rejects.toMatchObject({ code: 'E_WRONG_KIND' });
    const path = join(dir, 'one.safetensors');
    await writeSafetensorsFile(path, new Map([['a', Tensor.from('F32', [1], [1])]]));
    await expect(readSafetensorsTensor(path, 'b')).rejects.toMatchObject({ code: 'E_NOT_FOUND', details: { tensor: 'b' } });
  });
});

describe('safetensors writer errors', () => {
  it('rejects a header over 100,000,000 bytes before writing anything', () => {
    const err = errorOf(() => serializeSafetensors(new Map(), { metadata: { big: 'x'.repeat(100_000_000) } }));
    expect(err.code).toBe('E_HEADER_TOO_LARGE');
  });

  it('rejects the reserved name, a wrong lazy length, a non-string metadata value and sub-byte leftovers', async () => {
    expect(errorOf(() => serializeSafetensors(new Map([['__metadata__', Tensor.from('U8', [1], [1])]]))).code).toBe('E_INVALID_ARGUMENT');
    expect(errorOf(() => serializeSafetensors(new Map(), { metadata: { a: 1 as unknown as string } })).code).toBe('E_INVALID_ARGUMENT');
    expect(errorOf(() => serializeSafetensors(new Map([['a', { dtype: 'F4', shape: [3], byteLength: 2, chunks: async function* () {} }]]))).code).toBe('E_MISALIGNED_SLICE');
    expect(errorOf(() => serializeSafetensors(new Map([['a', { dtype: 'F32', shape: [3], byteLength: 8, chunks: async function* () {} }]]))).code).toBe('E_SHAPE');
    const short = serializeSafetensors(new Map([['a', { dtype: 'F32', shape: [2], byteLength: 8, chunks: async function* () { yield new Uint8Array(4); } }]]));
    const drain = async () => { for await (const _ of short.chunks()) { /* drain */ } };
    await expect(drain()).rejects.toMatchObject({ code: 'E_SHAPE', details: { tensor: 'a' } });
  });
});
