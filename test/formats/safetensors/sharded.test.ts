import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readSafetensorsIndex, readShardedSafetensors, readShardedSafetensorsHeaders, readShardedSafetensorsLazy, writeSafetensorsFile, writeShardedSafetensors,
} from '../../../src/formats/safetensors/index.js';
import { materializeTensor } from '../../../src/interop/state-source.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';

const tmp = useTempDirs();

function model(): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (let i = 0; i < 5; i++) m.set(`layers.${i}.weight`, Tensor.from('F32', [10, 10], new Float32Array(100).map((_, k) => i * 100 + k)));
  m.set('embed.weight', Tensor.from('F16', [4, 8], new Uint16Array(32).fill(0x3c00)));
  m.set('lm_head.bias', Tensor.from('I64', [3], [1n, -2n, 3n]));
  return m;
}

function expectSame(got: ReadonlyMap<string, Tensor>, want: ReadonlyMap<string, Tensor>): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, t] of want) expect(got.get(k)?.equals(t), k).toBe(true);
}

describe('sharded safetensors (Hugging Face layout)', () => {
  it('splits by size in map order, names shards N-of-M, and writes the index as Hugging Face does', async () => {
    const dir = tmp();
    const index = join(dir, 'model.safetensors.index.json');
    const tensors = model();
    const { shards, totalBytes } = await writeShardedSafetensors(index, tensors, { maxShardBytes: 1000 });
    // 400 + 400 | 400 + 400 | 400 + 64 + 24 bytes: a shard closes before the tensor that would overflow it.
    expect(shards).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    expect(totalBytes).toBe(5 * 400 + 64 + 24);
    const json = JSON.parse(readFileSync(index, 'utf8')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(json.metadata).toEqual({ total_size: totalBytes });
    expect(Object.keys(json.weight_map)).toEqual([...tensors.keys()].sort());
    expect(json.weight_map['layers.1.weight']).toBe('model-00001-of-00003.safetensors');
    expect(json.weight_map['layers.2.weight']).toBe('model-00002-of-00003.safetensors');
    expect(json.weight_map['lm_head.bias']).toBe('model-00003-of-00003.safetensors');
    expect(readdirSync(dir).sort()).toEqual([...shards, 'model.safetensors.index.json'].sort());

    const back = await readShardedSafetensors(index);
    expectSame(back.tensors, tensors);
    expect(back.totalBytes).toBe(totalBytes);
    expect(back.headers.get(shards[0] as string)?.metadata).toEqual({ format: 'pt' });
    expect([...back.headers.keys()]).toEqual(shards);
    expectSame((await readShardedSafetensors(index, { mmap: false })).tensors, tensors);
    const lazy = await readShardedSafetensorsLazy(index);
    const materialized = new Map<string, Tensor>();
    for (const [k, t] of lazy.tensors) materialized.set(k, await materializeTensor(k, t));
    expectSame(materialized, tensors);
    const headersOnly = await readShardedSafetensorsHeaders(index);
    expect(headersOnly.totalBytes).toBe(totalBytes);
    expect(headersOnly.tensors.size).toBe(0);
    expect([...headersOnly.headers.values()].flatMap((h) => h.entries.map((e) => e.name)).sort()).toEqual([...tensors.keys()].sort());
  });

  it('gives a tensor larger than the shard size a shard of its own, and one shard when everything fits', async () => {
    const dir = tmp();
    const big = new Map<string, Tensor>([['small', Tensor.from('U8', [3], [1, 2, 3])], ['big', Tensor.from('F64', [100], new Float64Array(100))], ['tail', Tensor.from('U8', [1], [9])]]);
    const { shards } = await writeShardedSafetensors(join(dir, 'x.safetensors.index.json'), big, { maxShardBytes: 100 });
    expect(shards).toHaveLength(3);
    const one = await writeShardedSafetensors(join(dir, 'y.safetensors.index.json'), big);
    expect(one.shards).toEqual(['y-00001-of-00001.safetensors']);
  });

  it('a smaller re-save removes the shards the new index no longer names, and nothing else', async () => {
    const dir = tmp();
    const index = join(dir, 'model.safetensors.index.json');
    await writeShardedSafetensors(index, model(), { maxShardBytes: 500 });
    writeFileSync(join(dir, 'other-00001-of-00002.safetensors'), 'not ours');
    writeFileSync(join(dir, 'README.md'), 'keep');
    const { shards } = await writeShardedSafetensors(index, model(), { maxShardBytes: 10_000 });
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'model.safetensors.index.json', 'other-00001-of-00002.safetensors', ...shards].sort());
    expectSame((await readShardedSafetensors(index)).tensors, model());
  });

  it('reads an index written the way transformers writes it (extra metadata, shards with their own metadata)', async () => {
    const dir = tmp();
    const a = Tensor.from('BF16', [2], new Uint16Array([0x3f80, 0x4000]));
    const b = Tensor.from('F32', [1], [5]);
    await writeSafetensorsFile(join(dir, 'model-00001-of-00002.safetensors'), new Map([['a', a]]), { metadata: { format: 'pt' } });
    await writeSafetensorsFile(join(dir, 'model-00002-of-00002.safetensors'), new Map([['b', b]]), { metadata: { format: 'pt' } });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 8, total_parameters: 3 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }));
    const r = await readShardedSafetensors(join(dir, 'model.safetensors.index.json'));
    expect(r.index.metadata).toEqual({ total_size: 8, total_parameters: 3 });
    expect(r.tensors.get('a')?.equals(a)).toBe(true);
    expect(r.tensors.get('b')?.equals(b)).toBe(true);
  });

  describe('an index that does not match its shards is E_BAD_INDEX, naming what is wrong', () => {
    async function setup(): Promise<{ dir: string; index: string }> {
      const dir = tmp();
      const index = join(dir, 'model.safetensors.index.json');
      await writeShardedSafetensors(index, model(), { maxShardBytes: 1000, fsync: false });
      return { dir, index };
    }
    const edit = (index: string, f: (j: { metadata: Record<string, unknown>; weight_map: Record<string, string> }) => unknown): void => {
      const j = JSON.parse(readFileSync(index, 'utf8')) as { metadata: Record<string, unknown>; weight_map: Record<string, string> };
      writeFileSync(index, JSON.stringify(f(j) ?? j));
    };

    it.each([
      ['a tensor mapped to a shard that does not exist', (j: { weight_map: Record<string, string> }) => void (j.weight_map['lm_head.bias'] = 'model-00009-of-00009.safetensors'), /maps "lm_head\.bias" to model-00009-of-00009\.safetensors|holds "lm_head\.bias", which the index maps to model-00009/],
      ['a shard outside the folder', (j: { weight_map: Record<string, string> }) => void (j.weight_map['layers.0.weight'] = '../model-00001-of-00003.safetensors'), /not a plain \.safetensors file name/],
      ['a hidden shard name', (j: { weight_map: Record<string, string> }) => void (j.weight_map['layers.0.weight'] = '.model.safetensors'), /not a plain/],
      ['a tensor the index does not list', (j: { weight_map: Record<string, string> }) => void delete j.weight_map['layers.1.weight'], /does not list/],
      ['a tensor mapped to the wrong shard', (j: { weight_map: Record<string, string> }) => void (j.weight_map['layers.0.weight'] = 'model-00002-of-00003.safetensors'), /holds "layers\.0\.weight", which the index maps to model-00002-of-00003\.safetensors/],
      ['a wrong total_size', (j: { metadata: Record<string, unknown> }) => void (j.metadata.total_size = 7), /total_size says 7/],
      ['no weight_map', () => ({ metadata: {} }), /not a safetensors index/],
      ['a shard name that is not a string', (j: { weight_map: Record<string, unknown> }) => void (j.weight_map.x = 3), /not a safetensors index/],
    ])('%s', async (_what, change, message) => {
      const { index } = await setup();
      edit(index, change as never);
      await expect(readShardedSafetensors(index)).rejects.toMatchObject({ code: 'E_BAD_INDEX', message: expect.stringMatching(message) });
    });

    it('a shard file that is gone', async () => {
      const { dir, index } = await setup();
      rmSync(join(dir, 'model-00002-of-00003.safetensors'));
      await expect(readShardedSafetensors(index)).rejects.toMatchObject({ code: 'E_BAD_INDEX', message: expect.stringMatching(/shard model-00002-of-00003\.safetensors is missing/) });
    });

    it('text that is not JSON', async () => {
      const { index } = await setup();
      writeFileSync(index, '{"weight_map": ');
      await expect(readSafetensorsIndex(index)).rejects.toMatchObject({ code: 'E_BAD_INDEX' });
    });

    it('an index name without the .safetensors.index.json suffix cannot be written', async () => {
      await expect(writeShardedSafetensors(join(tmp(), 'model.json'), model())).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    });
  });
});
