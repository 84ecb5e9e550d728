/**
 * `.pth` as a format of the dispatch: inspect without reading storages (tensor list and skeleton
 * agree with what read() yields), read/write round trips of the fixtures, and the warnings for
 * what a `.pth` cannot hold.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pytorchFormat } from '../../src/interop/pytorch-format.js';
import { readPth } from '../../src/formats/pytorch/index.js';
import { materializeState, sourceFromState } from '../../src/interop/state-source.js';
import type { Skeleton } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { useTempDirs } from '../helpers/tmp.js';
import { describeState } from '../formats/pytorch/describe.js';
import { FIXTURES } from '../formats/pytorch/python.js';

const write = pytorchFormat.write ?? (() => Promise.reject(new Error('.pth must be writable')));
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.pt')).sort();

/** Every `$tensor` name in a skeleton. */
function tensorNames(s: Skeleton, out: string[] = []): string[] {
  if (Array.isArray(s)) s.forEach((x) => tensorNames(x, out));
  else if (s !== null && typeof s === 'object') {
    if (typeof s.$tensor === 'string') out.push(s.$tensor);
    else Object.values(s).forEach((x) => tensorNames(x, out));
  }
  return out;
}

describe('pytorch format', () => {
  const tempDir = useTempDirs();

  it('has the fixtures to test', () => {
    expect(fixtures).toEqual(['buf.pt', 'ckpt.pt', 'legacy.pt', 'misc.pt', 'opt.pt', 'sd.pt']);
  });

  it.each(fixtures)('inspect(%s) lists the tensors read() yields, and its skeleton places exactly them', async (f) => {
    const path = join(FIXTURES, f);
    const summary = await pytorchFormat.inspect(path);
    const source = await pytorchFormat.read(path);
    expect(summary.tensors.map((t) => t.name).sort()).toEqual([...source.tensors.keys()].sort());
    for (const t of summary.tensors) expect(source.tensors.get(t.name)).toMatchObject({ dtype: t.dtype, shape: t.shape });
    expect(summary.skeleton).toEqual(source.skeleton);
    expect(new Set(tensorNames(summary.skeleton ?? null))).toEqual(new Set(source.tensors.keys()));
    expect(source.metadata).toEqual({ format: 'pt' });
    expect(summary.metadata.layout).toBe(f === 'legacy.pt' ? 'legacy' : 'zip');
  });

  it.each(fixtures)('read then write %s gives a file that reads back to the same tree', async (f) => {
    const dir = tempDir();
    const source = await pytorchFormat.read(join(FIXTURES, f));
    await write(join(dir, 'out.pth'), source);
    expect(describeState(await readPth(join(dir, 'out.pth')))).toEqual(describeState(await readPth(join(FIXTURES, f))));
    expect(readdirSync(dir)).toEqual(['out.pth']);
  });

  it('warns about metadata and a checkpoint record it cannot keep; keeps quiet when the tree holds them', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const t = Tensor.from('F32', [1], [1]);
    await write(join(dir, 'a.pth'), sourceFromState({ w: t }, { format: 'pt', author: 'me' }, { epoch: 2, step: 5, metrics: {} }), { onWarning });
    expect(warnings).toEqual([
      'a .pth has no place for metadata; dropped author',
      "a .pth holds only the state tree; the checkpoint's epoch 2, step 5 and metrics are kept only where the tree has them",
    ]);
    warnings.length = 0;
    await write(join(dir, 'b.pth'), sourceFromState({ w: t, epoch: 2, step: 5 }, { format: 'pt' }, { epoch: 2, step: 5, metrics: {} }), { onWarning });
    expect(warnings).toEqual([]);
    expect(describeState(await readPth(join(dir, 'b.pth')))).toEqual(describeState(await materializeState(sourceFromState({ w: t, epoch: 2, step: 5 }))));
  });

  it('matches torch files by their first bytes, and .pth/.pt by name', () => {
    const probe = (head: number[], extension = '', isDirectory = false) => ({ path: 'x', extension, isDirectory, size: 100, head: new Uint8Array(head), entries: [] });
    expect(pytorchFormat.matches(probe([0x50, 0x4b, 0x03, 0x04]))).toBe(true);
    expect(pytorchFormat.matches(probe([0x80, 0x02, 0x8a]))).toBe(true);
    expect(pytorchFormat.matches(probe([0x80, 0x04]))).toBe(false);
    expect(pytorchFormat.matches(probe([0x00], '.pth'))).toBe(true);
    expect(pytorchFormat.matches(probe([0x00], '.bin'))).toBe(false);
    expect(pytorchFormat.matches(probe([], '.pt', true))).toBe(false);
  });
});
