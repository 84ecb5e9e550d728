/**
 * readPth without a memory map reads the stored storages of a file into shared slabs (one
 * allocation, one GC); with one (the default) tensors are views of the map. Values, alignment and
 * CRC checking must be the same either way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../../src/errors.js';
import { readPth, writePth } from '../../../src/formats/pytorch/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { mmapSupport } from '../../../src/util/mmap.js';
import { useTempDirs } from '../../helpers/tmp.js';

const tmp = useTempDirs();

function tree(): Record<string, Tensor> {
  const a = Tensor.from('F32', [3], [1, 2, 3]);
  const b = Tensor.from('F64', [2, 2], [0.5, -1, 4, 8]);
  const c = Tensor.from('U8', [5], [1, 2, 3, 4, 5]);
  const d = Tensor.from('I64', [1], [7n]);
  return { a, b, c, d, empty: Tensor.from('F32', [0], []) };
}

describe.each([false, true])('storages read with mmap: %s', (mmap) => {
  it('tensors share one aligned allocation (a slab, or the map) and keep their values', async () => {
    if (mmap && !mmapSupport().available) return;
    const path = join(tmp(), 'slab.pth');
    await writePth(path, tree());
    const before = readFileSync(path);
    const got = (await readPth(path, { mmap })) as Record<string, Tensor>;
    const want = tree();
    for (const k of Object.keys(want)) expect(Buffer.from(got[k]?.bytes ?? []).equals(Buffer.from(want[k]?.bytes ?? []))).toBe(true);
    expect(got.a?.bytes.buffer).toBe(got.b?.bytes.buffer);
    for (const k of ['a', 'b', 'c', 'd']) expect((got[k]?.bytes.byteOffset ?? 1) % 64).toBe(0);
    if (mmap) expect(got.a?.bytes.buffer.byteLength).toBe(before.byteLength); // views of the whole-file map
    got.a?.bytes.fill(0); // private memory either way: the file is untouched
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
  });

  it('a flipped byte in a storage read into a slab is still a CRC error', async () => {
    const path = join(tmp(), 'slab-bad.pth');
    await writePth(path, tree());
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from(new Float64Array([0.5, -1]).buffer));
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt8((bytes.readUInt8(at + 3) ^ 0xff) & 0xff, at + 3);
    writeFileSync(path, bytes);
    const err = await readPth(path, { mmap }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CkptError);
    expect((err as CkptError).code).toBe('E_CORRUPT');
  });
});
