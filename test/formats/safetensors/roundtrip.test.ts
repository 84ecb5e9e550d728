import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors, readSafetensorsFile, readSafetensorsHeader, readSafetensorsLazy, readSafetensorsTensor,
  serializeSafetensors, writeSafetensorsFile, type LazyTensor,
} from '../../../src/formats/safetensors/index.js';
import { DTYPE_BITS, DTYPES, type DType } from '../../../src/tensor/dtype.js';
import { numel, Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { collect } from './bytes.js';

/** A random tensor of any dtype and shape (0-d, empty, sub-byte where the bits fill whole bytes). */
const tensorArb: fc.Arbitrary<Tensor> = fc
  .record({
    dtype: fc.constantFrom<DType>(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  })
  .filter(({ dtype, shape }) => (numel(shape) * DTYPE_BITS[dtype]) % 8 === 0)
  .chain(({ dtype, shape }) =>
    fc.uint8Array({ minLength: (numel(shape) * DTYPE_BITS[dtype]) / 8, maxLength: (numel(shape) * DTYPE_BITS[dtype]) / 8 })
      .map((bytes) => new Tensor(dtype, shape, bytes)));

const nameArb = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => s !== '__metadata__');
const tensorsArb = fc.uniqueArray(fc.tuple(nameArb, tensorArb), { selector: ([n]) => n, maxLength: 8 }).map((e) => new Map(e));
const metadataArb = fc.option(fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }), { maxKeys: 3 }), { nil: undefined });

function expectSameTensors(actual: ReadonlyMap<string, Tensor>, expected: ReadonlyMap<string, Tensor>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, t] of expected) {
    const got = actual.get(name);
    expect(got?.toString()).toBe(t.toString());
    expect(got?.equals(t)).toBe(true);
  }
}

describe('safetensors round trips', () => {
  const tempDir = useTempDirs();

  it('serialize -> parse gives back every tensor and the metadata; rewriting is byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(tensorsArb, metadataArb, async (tensors, metadata) => {
        const s = serializeSafetensors(tensors, metadata === undefined ? {} : { metadata });
        const bytes = await collect(s);
        expect(bytes.byteLength).toBe(s.byteLength);
        const parsed = parseSafetensors(bytes);
        expect(parsed.header).toEqual(s.header);
        expect(parsed.header.metadata).toEqual(metadata ?? {});
        expectSameTensors(parsed.tensors, tensors);
        for (const [, t] of parsed.tensors) {
          expect(t.bytes.buffer).toBe(bytes.buffer); // aligned: zero-copy views
          expect(t.bytes.byteOffset % t.data.BYTES_PER_ELEMENT).toBe(0);
        }
        const again = await collect(serializeSafetensors(parsed.tensors, { metadata: parsed.header.metadata }));
        expect(Buffer.compare(again, bytes)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('write -> read through files: whole file, header alone, one tensor, lazily', async () => {
    const dir = tempDir();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(tensorsArb, metadataArb, async (tensors, metadata) => {
        const path = join(dir, `t${i++}.safetensors`);
        const { byteLength } = await writeSafetensorsFile(path, tensors, { fsync: false, ...(metadata === undefined ? {} : { metadata }) });
        const raw = new Uint8Array(readFileSync(path));
        expect(raw.byteLength).toBe(byteLength);
        const whole = await readSafetensorsFile(path);
        expectSameTensors(whole.tensors, tensors);
        expectSameTensors((await readSafetensorsFile(path, { mmap: false })).tensors, tensors);
        expect(await readSafetensorsHeader(path)).toEqual(whole.header);
        for (const [name, t] of tensors) expect((await readSafetensorsTensor(path, name)).equals(t)).toBe(true);
        const lazy = await readSafetensorsLazy(path);
        const copy = join(dir, `c${i}.safetensors`);
        await writeSafetensorsFile(copy, lazy.tensors, { fsync: false, metadata: lazy.header.metadata });
        expect(Buffer.compare(readFileSync(copy), raw)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('tensors larger than a read batch and mixed with small ones come back intact', async () => {
    const path = join(tempDir(), 'big.safetensors');
    const big = new Float32Array(17 * 2 ** 20).map((_, k) => k % 251);
    const tensors = new Map<string, Tensor>([
      ['big', Tensor.from('F32', [big.length], big)],
      ['small', Tensor.from('I16', [3], [1, -2, 3])],
      ['flag', Tensor.from('BOOL', [2], [1, 0])],
    ]);
    await writeSafetensorsFile(path, tensors);
    expectSameTensors((await readSafetensorsFile(path)).tensors, tensors);
    expectSameTensors((await readSafetensorsFile(path, { mmap: false })).tensors, tensors);
  });

  it('a 6 GiB lazy tensor streams with the right header and total length, never materialised', async () => {
    const chunk = new Uint8Array(64 * 2 ** 20);
    const total = 6 * 2 ** 30;
    const lazy: LazyTensor = {
      dtype: 'F32',
      shape: [total / 4],
      byteLength: total,
      async *chunks() {
        for (let done = 0; done < total; done += chunk.byteLength) yield chunk;
      },
    };
    const s = serializeSafetensors(new Map<string, Tensor | LazyTensor>([['huge', lazy], ['after', Tensor.from('U8', [3], [7, 8, 9])]]));
    expect(s.header.entries).toEqual([
      { name: 'huge', dtype: 'F32', shape: [total / 4], begin: 0, end: total },
      { name: 'after', dtype: 'U8', shape: [3], begin: total, end: total + 3 },
    ]);
    let counted = 0;
    let last: Uint8Array | undefined;
    for await (const c of s.chunks()) {
      counted += c.byteLength;
      last = c;
    }
    expect(counted).toBe(s.byteLength);
    expect(s.byteLength).toBe(s.header.dataOffset + total + 3);
    expect([...(last ?? [])]).toEqual([7, 8, 9]);
    const headerOnly = await collectHeader(s);
    expect(headerOnly).toContain(`"data_offsets":[${total},${total + 3}]`);
  });
});

async function collectHeader(s: ReturnType<typeof serializeSafetensors>): Promise<string> {
  for await (const c of s.chunks()) return Buffer.from(c.subarray(8)).toString('utf8');
  return '';
}
