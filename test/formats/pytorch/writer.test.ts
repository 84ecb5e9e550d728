/**
 * The writer without Python: golden pickle bytes, torch's zip layout byte by byte, ckpt -> ckpt
 * round trips of random trees, atomic replacement, and the errors a caller can meet.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../../src/errors.js';
import { inspectPth, parsePth, readPth, writePth } from '../../../src/formats/pytorch/index.js';
import { resolveReadOptions } from '../../../src/formats/pytorch/limits.js';
import { pickleTree } from '../../../src/formats/pytorch/pickle/pickler.js';
import { bytesSource } from '../../../src/formats/pytorch/source.js';
import { ZipReader } from '../../../src/formats/pytorch/zip/reader.js';
import { TorchZipWriter } from '../../../src/formats/pytorch/zip/writer.js';
import { defaultArchiveName } from '../../../src/formats/pytorch/write.js';
import { OrderedDict, Tuple } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { describeState } from './describe.js';
import { seedCheckpoint, stateArb } from './trees.js';

const tmp = useTempDirs();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('pickler golden bytes', () => {
  it('scalars, containers and ints of every width', () => {
    expect(hex(pickleTree({ a: 1 }).pickle)).toBe('8002' + '7d' + '28' + '5801000000' + '61' + '4b01' + '75' + '2e');
    expect(hex(pickleTree([null, true, false]).pickle)).toBe('8002' + '5d' + '28' + '4e' + '88' + '89' + '65' + '2e');
    expect(hex(pickleTree(new Tuple([255, 256, -1, 2 ** 31])).pickle)).toBe('8002' + '28' + '4bff' + '4d0001' + '4affffffff' + '8a050000008000' + '74' + '2e');
    expect(hex(pickleTree(-(2n ** 63n)).pickle)).toBe('8002' + '8a08' + '0000000000000080' + '2e');
    expect(hex(pickleTree(0.5).pickle)).toBe('8002' + '47' + '3fe0000000000000' + '2e');
    expect(hex(pickleTree(new Map([[3, 'x']])).pickle)).toBe('8002' + '7d' + '28' + '4b03' + '5801000000' + '78' + '75' + '2e');
  });

  it('a tensor is _rebuild_tensor_v2 over a legacy storage class with a persistent id', () => {
    const { pickle, storages } = pickleTree(Tensor.from('F32', [2], [1, 2]));
    const text = Buffer.from(pickle).toString('latin1');
    expect(text).toContain('ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQ');
    expect(text).toContain('ccollections\nOrderedDict\n)R');
    expect(storages).toHaveLength(1);
  });

  it('the same Tensor twice is pickled once and fetched from the memo', () => {
    const t = Tensor.from('I64', [1], [5n]);
    const { pickle, storages } = pickleTree([t, t]);
    expect(storages).toHaveLength(1);
    expect(hex(pickle)).toMatch(/7100.*6800/);
  });

  it('refuses what torch cannot hold', () => {
    expect(() => pickleTree(Tensor.zeros('U16', [1]))).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }));
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => pickleTree(cyclic as never)).toThrow(expect.objectContaining({ code: 'E_STATE_TREE' }));
    expect(() => pickleTree(new Float32Array(2) as never)).toThrow(expect.objectContaining({ code: 'E_STATE_TREE' }));
  });
});

describe('torch zip layout', () => {
  it('aligned records with FB padding, data descriptors, zip64 end records, torch record order', async () => {
    const file = join(tmp(), 'model.pth');
    const { byteLength } = await writePth(file, { w: Tensor.from('F32', [3], [1, 2, 3]) });
    const b = readFileSync(file);
    expect(b.length).toBe(byteLength);
    expect(b.readUInt32LE(0)).toBe(0x04034b50);
    expect(b.readUInt16LE(6)).toBe(0x0808);
    const nameLen = b.readUInt16LE(26);
    expect(b.subarray(30, 30 + nameLen).toString()).toBe('model/data.pkl');
    expect(b.readUInt16LE(30 + nameLen)).toBe(0x4246);
    expect(30 + nameLen + b.readUInt16LE(28)).toBe(64);
    const info = await inspectPth(file);
    expect(info).toMatchObject({ archiveName: 'model', byteorder: 'little', version: 3 });
    const tail = b.subarray(b.length - 22 - 20 - 56);
    expect(tail.readUInt32LE(0)).toBe(0x06064b50);
    expect(tail.readUInt32LE(56)).toBe(0x07064b50);
    expect(tail.readUInt32LE(76)).toBe(0x06054b50);
    const zip = await ZipReader.open(bytesSource(b), resolveReadOptions().zip);
    expect(zip.entries.map((e) => e.name)).toEqual(['model/data.pkl', 'model/byteorder', 'model/data/0', 'model/version']);
    for (const e of zip.entries) expect(e.dataOffset % 64, e.name).toBe(0);
  });

  it('pipelined writes with background syncs: many multi-chunk records come back with their bytes and CRCs', async () => {
    const path = join(tmp(), 'pipelined.zip');
    const zip = await TorchZipWriter.create(path, { syncEvery: 1 << 20 });
    const datas: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      const d = new Uint8Array((i % 3) * (9 << 20) + i * 7 + 1);
      for (let j = 0; j < d.length; j += 4093) d[j] = (i * 31 + j) & 255;
      datas.push(d);
      await zip.add(`p/data/${i}`, i % 2 === 0 ? [d] : [d.subarray(0, 5), d.subarray(5)]);
    }
    await zip.finish();
    const reader = await ZipReader.open(bytesSource(readFileSync(path)), resolveReadOptions({}).zip);
    expect(reader.entries.map((e) => e.name)).toEqual(datas.map((_, i) => `p/data/${i}`));
    for (const [i, e] of reader.entries.entries()) {
      expect(e.dataOffset % 64).toBe(0);
      expect(Buffer.from(await reader.read(e)).equals(Buffer.from(datas[i] as Uint8Array))).toBe(true);
    }
  });

  it('archive names follow torch: base name without extension when ASCII, else "archive"', () => {
    expect(defaultArchiveName('/x/ckpt.pt')).toBe('ckpt');
    expect(defaultArchiveName('/x/a.b.pth')).toBe('a.b');
    expect(defaultArchiveName('/x/modèle.pth')).toBe('archive');
  });
});

describe('ckpt -> ckpt round trips', () => {
  it('random trees come back with the same description', async () => {
    const dir = tmp();
    await fc.assert(
      fc.asyncProperty(stateArb, async (tree) => {
        const file = join(dir, 'p.pth');
        await writePth(file, tree, { fsync: false });
        expect(describeState(await readPth(file))).toEqual(describeState(tree));
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('the seed checkpoint keeps OrderedDict attributes, int keys, big ints, bytes and sharing', async () => {
    const file = join(tmp(), 'seed.pth');
    const tree = seedCheckpoint(9);
    await writePth(file, tree);
    const back = await readPth(file);
    expect(describeState(back)).toEqual(describeState(tree));
    const sd = (back as { model_state_dict: OrderedDict }).model_state_dict;
    expect(sd).toBeInstanceOf(OrderedDict);
    const state = (back as { optimizer_state_dict: { state: Map<number, { exp_avg?: Tensor; momentum_buffer?: Tensor }> } }).optimizer_state_dict.state;
    expect(state.get(0)?.exp_avg).toBe(state.get(1)?.momentum_buffer);
  });
});

describe('atomic writes and caller errors', () => {
  it('replaces an existing file atomically and leaves no temp files', async () => {
    const dir = tmp();
    const file = join(dir, 'c.pth');
    writeFileSync(file, 'old');
    await writePth(file, { v: 1 });
    expect(await readPth(file)).toEqual({ v: 1 });
    expect(readdirSync(dir)).toEqual(['c.pth']);
  });

  it('a tree that cannot be written leaves the old file untouched', async () => {
    const dir = tmp();
    const file = join(dir, 'c.pth');
    writeFileSync(file, 'old');
    await expect(writePth(file, { t: Tensor.zeros('U32', [1]) })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['c.pth']);
  });

  it('missing files, directories and non-torch files give their codes', async () => {
    const dir = tmp();
    await expect(readPth(join(dir, 'nope.pth'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(readPth(dir)).rejects.toBeInstanceOf(CkptError);
    await expect(parsePth(Buffer.from('hello world'))).rejects.toMatchObject({ code: 'E_BAD_PICKLE' });
    await expect(parsePth(Buffer.from('PYTORCH1xxxxxxxx'))).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    await expect(writePth(join(dir, 'x.pth'), 1, { archiveName: '../up' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
