/**
 * Live interop with the real torch 1.13: torch writes a random corpus and ckpt reads it exactly;
 * ckpt writes and torch.load returns the same values and structure; `.pth -> state tree -> .pth`
 * is equal under torch; big-endian files and zip64 records read right.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { parsePth, readPth, writePth } from '../../../src/formats/pytorch/index.js';
import { pickleTree } from '../../../src/formats/pytorch/pickle/pickler.js';
import { TorchZipWriter } from '../../../src/formats/pytorch/zip/writer.js';
import type { StateObject, StateValue } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { describeWithPython } from '../../helpers/python.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll } from 'vitest';
import { describeState, type Description } from './describe.js';
import { runScript, torchDescribe } from './python.js';
import { seedCheckpoint, stateArb } from './trees.js';

/** What check_written.py says about files ckpt wrote (zip checks, then torch.load descriptions). */
function torchLoadWritten(paths: string[]): Description[] {
  return JSON.parse(runScript('check_written.py', paths)) as Description[];
}

function plain(d: unknown): unknown {
  return JSON.parse(JSON.stringify(d));
}

describeWithPython(['torch'], 'pytorch interop with torch 1.13', () => {
  let dir = '';
  let corpus: string[] = [];
  let expected: Description[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ckpt-pth-interop-'));
    corpus = (JSON.parse(runScript('make_corpus.py', [dir, '20261201'])) as string[]).map((f) => join(dir, f));
    expected = torchDescribe(corpus);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every file of a torch-written corpus exactly as torch.load does', async () => {
    expect(corpus.map((f) => f.slice(dir.length + 1))).toEqual(['dtypes.pt', 'extremes.pt', 'views.pt', 'params.pt', 'optim.pt', 'seed.pt', 'scalars.pt', 'legacy_mix.pt']);
    for (const mmap of [true, false]) {
      for (const [i, f] of corpus.entries()) expect(plain(describeState(await readPth(f, { mmap }))), `${f}, mmap ${mmap}`).toEqual(expected[i]);
    }
  });

  it('keeps shared storages shared: the same tensor is one object, contiguous views share memory', async () => {
    const v = (await readPth(join(dir, 'views.pt'))) as StateObject;
    expect(v.w).toBe(v.w_again);
    const w = v.w as Tensor;
    const tail = v.tail as Tensor;
    expect(tail.bytes.buffer).toBe(w.bytes.buffer);
    expect(tail.bytes.byteOffset - w.bytes.byteOffset).toBe(5 * 4);
    expect((v.w_t as Tensor).bytes.buffer).not.toBe(w.bytes.buffer);
    expect([...((v.expanded as Tensor).data as Float32Array)]).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('reads a big-endian file (byteorder record "big") with the same values', async () => {
    const be = join(dir, 'dtypes-be.pt');
    runScript('make_bigendian.py', [join(dir, 'dtypes.pt'), be]);
    expect(plain(describeState(await readPth(be)))).toEqual(expected[0]);
  });

  it('writes files torch.load returns with identical types, key order, dtypes, shapes and bytes', async () => {
    const trees: StateValue[] = [seedCheckpoint(1), seedCheckpoint(2), { scalar: new Tensor('F64', [], new Uint8Array(8)) }, []];
    const paths = trees.map((_, i) => join(dir, `ckpt-${i}.pth`));
    for (const [i, t] of trees.entries()) await writePth(paths[i] as string, t);
    const got = torchLoadWritten(paths);
    for (const [i, t] of trees.entries()) expect(got[i], paths[i]).toEqual(plain(describeState(t)));
  });

  it('random trees (fast-check) survive ckpt -> torch.load', async () => {
    const samples = fc.sample(stateArb, { numRuns: 40, seed: 7 });
    const paths = samples.map((_, i) => join(dir, `prop-${i}.pth`));
    for (const [i, t] of samples.entries()) await writePth(paths[i] as string, t);
    const got = torchLoadWritten(paths);
    for (const [i, t] of samples.entries()) expect(got[i], paths[i]).toEqual(plain(describeState(t)));
    for (const [i, t] of samples.entries()) expect(plain(describeState(await readPth(paths[i] as string)))).toEqual(plain(describeState(t)));
  });

  it('.pth -> state tree -> .pth is equal under torch for the whole corpus', async () => {
    const out = corpus.map((f) => join(dir, `rt-${f.slice(dir.length + 1)}`));
    for (const [i, f] of corpus.entries()) await writePth(out[i] as string, await readPth(f));
    expect(torchLoadWritten(out)).toEqual(expected);
  });

  it('zip64 records (forced on small files) are read by torch and by ckpt', async () => {
    const tree = seedCheckpoint(3);
    const { pickle, storages } = pickleTree(tree);
    const path = join(dir, 'zip64.pth');
    const zip = await TorchZipWriter.create(path, { zip64Threshold: 0 });
    await zip.add('zip64/data.pkl', [pickle]);
    await zip.add('zip64/byteorder', [Buffer.from('little')]);
    for (const [i, t] of storages.entries()) await zip.add(`zip64/data/${i}`, [t.bytes]);
    await zip.add('zip64/version', [Buffer.from('3\n')]);
    await zip.finish();
    const want = plain(describeState(tree));
    expect(torchLoadWritten([path])).toEqual([want]);
    expect(plain(describeState(await parsePth(readFileSync(path))))).toEqual(want);
  });

  it('known loss: a Python float with an integral value (2.0) comes back as the int 2', async () => {
    const src = join(dir, 'intfloat.pt');
    runScript('save_value.py', [src]);
    const v = (await readPth(src)) as StateObject;
    expect(v.loss).toBe(2);
    const back = join(dir, 'intfloat-back.pth');
    await writePth(back, v);
    expect(torchLoadWritten([back])).toEqual([{ dict: [[{ str: 'loss' }, { int: '2' }]] }]);
  });
});
