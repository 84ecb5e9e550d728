/**
 * A checkpoint whose model file exceeds `maxShardBytes` is written as Hugging Face shards
 * (`model-0000N-of-0000M.safetensors` + `model.safetensors.index.json`), every file in the manifest,
 * and reads back through every path that reads checkpoints.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/checkpoint/load.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { verifyRun } from '../../src/checkpoint/verify.js';
import { readShardedSafetensors } from '../../src/formats/safetensors/index.js';
import { readPth } from '../../src/formats/pytorch/index.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { flattenState, type StateObject } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { runCkpt } from '../helpers/cli.js';
import { flipByte } from '../helpers/corrupt.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState, warnings } from './fixtures.js';

const tmp = useTempDirs();

/** trainingState plus four 1 KiB model tensors, so the model file is about 4.2 KiB. */
function bigState(seed: number): StateObject {
  const s = trainingState(seed) as StateObject;
  const model = s.model as StateObject;
  for (let i = 0; i < 4; i++) model[`blocks.${i}.weight`] = Tensor.from('F32', [256], new Float32Array(256).fill(seed + i));
  return s;
}

function sameTensors(a: StateObject, b: StateObject): void {
  const x = flattenState(a).tensors;
  const y = flattenState(b).tensors;
  expect([...y.keys()].sort()).toEqual([...x.keys()].sort());
  for (const [k, t] of x) expect(y.get(k)?.equals(t), k).toBe(true);
}

async function shardedRun(): Promise<{ dir: string; folder: string }> {
  const dir = tmp('ckpt-sharded');
  const m = await CheckpointManager.open(dir, { async: false, filename: '{epoch}', gitCwd: '/', maxShardBytes: 2048, log: false });
  await m.save({ epoch: 0, step: 0, state: bigState(0) });
  await m.save({ epoch: 1, step: 1, state: bigState(1) });
  await m.close();
  return { dir, folder: join(dir, 'checkpoints', 'epoch=1') };
}

describe('checkpoints with a sharded model file', () => {
  it('writes Hugging Face shards and an index in place of model.safetensors, all in the manifest, and restores the same state', async () => {
    const { dir, folder } = await shardedRun();
    const files = readdirSync(folder).sort();
    expect(files).toEqual([
      'extra.safetensors', 'manifest.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors',
      'model.safetensors.index.json', 'optimizer.safetensors', 'state.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(manifest.files).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    // The folder is a model directory Hugging Face tools can read: the index names shards that hold its tensors.
    const hf = await readShardedSafetensors(join(folder, 'model.safetensors.index.json'));
    expect([...hf.tensors.keys()].sort()).toEqual(['bias', 'blocks.0.weight', 'blocks.1.weight', 'blocks.2.weight', 'blocks.3.weight', 'layer.weight']);

    const m = await CheckpointManager.open(dir, { gitCwd: '/', log: false });
    const { state } = await m.restore('latest');
    await m.close();
    sameTensors(state as StateObject, bigState(1));
    expect((await verifyRun(new FsStore(dir))).flatMap((r) => r.problems)).toEqual([]);
    sameTensors((await loadCheckpointDir(folder)).state as StateObject, bigState(1));
  });

  it('inspect, verify, diff and convert read it like any checkpoint', async () => {
    const { dir, folder } = await shardedRun();
    const inspected = await runCkpt(dir, 'inspect', folder, '--json');
    expect(inspected.code).toBe(0);
    const names = (JSON.parse(inspected.out) as { tensors: { name: string }[] }).tensors.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['model.blocks.3.weight', 'model.layer.weight', 'optimizer.state.0.exp_avg']));
    expect((await runCkpt(dir, 'verify', dir)).code).toBe(0);
    expect((await runCkpt(dir, 'convert', folder, 'one.pth')).code).toBe(0);
    sameTensors((await readPth(join(dir, 'one.pth'))) as StateObject, bigState(1));
    expect((await runCkpt(dir, 'convert', join(dir, 'one.pth'), 'plain-dir')).code).toBe(0);
    expect(readdirSync(join(dir, 'plain-dir'))).toContain('model.safetensors'); // convert uses the 5 GB default
    const diff = await runCkpt(dir, 'diff', folder, join(dir, 'plain-dir'));
    expect(diff.code).toBe(0);
  });

  it('a flipped byte in a shard, or an edited index, is E_CORRUPT naming the file, and restore falls back', async () => {
    for (const file of ['model-00002-of-00003.safetensors', 'model.safetensors.index.json']) {
      const { dir, folder } = await shardedRun();
      if (file.endsWith('.json')) writeFileSync(join(folder, file), readFileSync(join(folder, file), 'utf8').replace('"total_size": ', '"total_size": 1'));
      else flipByte(join(folder, file), (n) => n - 1);
      await expect(loadCheckpointDir(folder)).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringContaining(file) });
      const w = warnings();
      const m = await CheckpointManager.open(dir, { gitCwd: '/', log: false, onWarning: w.onWarning });
      const { record } = await m.restore('latest');
      await m.close();
      expect(record.name).toBe('epoch=0');
      expect(w.list.join('\n')).toContain('epoch=1');
    }
  });

  it('refuses a maxShardBytes that is not a positive integer', async () => {
    await expect(CheckpointManager.open(tmp(), { maxShardBytes: 0, gitCwd: '/' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
