/**
 * Checkpoint directories as a format: written by the manager's own commit (so a run lists and
 * loads them), read only after every checksum verifies, never overwritten, epoch/step/metrics
 * taken from the record or the tree.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint, verifyCheckpoint } from '../../../src/checkpoint/index.js';
import { checkpointDirFormat } from '../../../src/interop/checkpoint-dir/format.js';
import { inferRecord } from '../../../src/interop/checkpoint-dir/record.js';
import { StandaloneCheckpointStore } from '../../../src/interop/checkpoint-dir/store.js';
import { materializeState, sourceFromState } from '../../../src/interop/state-source.js';
import { FsStore } from '../../../src/storage/fs-store.js';
import { Tuple } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { describeState } from '../../formats/pytorch/describe.js';

const write = checkpointDirFormat.write ?? (() => Promise.reject(new Error('checkpoint dirs must be writable')));

function tree() {
  return {
    epoch: 4,
    global_step: 400,
    metrics: { val_loss: 0.25, note: 'not a number' },
    model: { 'fc.weight': Tensor.from('F32', [2, 2], [1, 2, 3, 4]) },
    optimizer: { state: new Map([[0, { exp_avg: Tensor.from('F32', [2], [0.5, 0.25]) }]]), betas: new Tuple([0.9, 0.999]) },
    rng: Tensor.from('U8', [4], [1, 2, 3, 4]),
  };
}

describe('checkpoint directory format', () => {
  const tempDir = useTempDirs();

  it('writes the layout the manager writes (a run lists and loads it), with epoch and step from the tree', async () => {
    const run = tempDir();
    const out = join(run, 'checkpoints', 'imported');
    mkdirSync(join(run, 'checkpoints'));
    await write(out, sourceFromState(tree()));
    expect(readdirSync(out).sort()).toEqual(['extra.safetensors', 'manifest.json', 'model.safetensors', 'optimizer.safetensors', 'state.json']);
    expect(readdirSync(join(run, 'checkpoints'))).toEqual(['imported']); // no staging leftovers
    const [info] = await listCheckpoints(run);
    expect(info).toMatchObject({ name: 'imported', epoch: 4, step: 400, metrics: { val_loss: 0.25 } });
    const loaded = await loadCheckpoint(new FsStore(run), 'imported');
    expect(describeState(loaded.state)).toEqual(describeState(tree()));
  });

  it('a record carried by the source wins over the tree', async () => {
    const dir = tempDir();
    await write(join(dir, 'c'), sourceFromState(tree(), {}, { epoch: 9, step: 90, metrics: { acc: 0.75 } }));
    const manifest = JSON.parse(readFileSync(join(dir, 'c', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'c', epoch: 9, step: 90, metrics: { acc: 0.75 }, reasons: ['ckpt convert'] });
    const back = await checkpointDirFormat.read(join(dir, 'c'));
    expect(back.record).toEqual({ epoch: 9, step: 90, metrics: { acc: 0.75 } });
    expect(describeState(await materializeState(back))).toEqual(describeState(tree()));
  });

  it('verifies before reading: a flipped byte is E_CORRUPT, a missing file E_CORRUPT, no manifest E_INCOMPLETE', async () => {
    const dir = tempDir();
    const ck = join(dir, 'c');
    await write(ck, sourceFromState(tree()));
    const state = readFileSync(join(ck, 'state.json'));
    writeFileSync(join(ck, 'state.json'), Buffer.concat([state.subarray(0, 10), Buffer.from('X'), state.subarray(11)]));
    await expect(checkpointDirFormat.read(ck)).rejects.toMatchObject({ code: 'E_CORRUPT' });
    await expect(checkpointDirFormat.inspect(ck)).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringContaining('state.json') as string });
    writeFileSync(join(ck, 'state.json'), state);
    expect((await checkpointDirFormat.inspect(ck)).tensors).toHaveLength(3);
    writeFileSync(join(ck, 'notes.txt'), 'files the manifest does not list are ignored');
    expect((await checkpointDirFormat.inspect(ck)).tensors).toHaveLength(3);
    writeFileSync(join(ck, 'manifest.json'), '{"format":"ckpt.checkpoint"');
    await expect(checkpointDirFormat.read(ck)).rejects.toMatchObject({ code: 'E_INCOMPLETE' });
  });

  it('never overwrites: a non-empty target is E_SAVE_FAILED and untouched; an empty one is filled; a staging name is refused', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'keep.txt'), 'mine');
    await expect(write(join(dir, 'full'), sourceFromState(tree()))).rejects.toMatchObject({ code: 'E_SAVE_FAILED' });
    expect(readdirSync(join(dir, 'full'))).toEqual(['keep.txt']);
    mkdirSync(join(dir, 'empty'));
    await write(join(dir, 'empty'), sourceFromState(tree()));
    expect((await verifyCheckpoint(new StandaloneCheckpointStore(join(dir, 'empty')), 'empty')).ok).toBe(true);
    await expect(write(join(dir, '.tmp-x'), sourceFromState(tree()))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    writeFileSync(join(dir, 'file'), 'a file');
    await expect(write(join(dir, 'file'), sourceFromState(tree()))).rejects.toMatchObject({ code: 'E_WRONG_KIND' });
    expect(readdirSync(dir).sort()).toEqual(['empty', 'file', 'full']);
    expect(existsSync(join(dir, '.tmp-x'))).toBe(false);
  });

  it('the standalone store shows only its own directory, under checkpoints/<name>/, read-only except staging', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sibling.txt'), 'not part of the checkpoint');
    await write(join(dir, 'c'), sourceFromState(tree()));
    const store = new StandaloneCheckpointStore(join(dir, 'c'));
    expect(await store.list('checkpoints/')).toEqual(['checkpoints/c/extra.safetensors', 'checkpoints/c/manifest.json', 'checkpoints/c/model.safetensors', 'checkpoints/c/optimizer.safetensors', 'checkpoints/c/state.json']);
    expect(await store.list('other/')).toEqual([]);
    await expect(store.get('sibling.txt')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(await store.stat('checkpoints/c/state.json')).toEqual({ size: readFileSync(join(dir, 'c', 'state.json')).byteLength });
    await expect(store.put()).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    await expect(store.stage('checkpoints/other/')).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
  });
});

describe('inferRecord', () => {
  it('reads epoch, step (or global_step) and numeric metrics from the top level; defaults otherwise', () => {
    expect(inferRecord(tree())).toEqual({ epoch: 4, step: 400, metrics: { val_loss: 0.25 } });
    expect(inferRecord({ epoch: 2n, step: 7, global_step: 9 })).toEqual({ epoch: 2, step: 7, metrics: {} });
    expect(inferRecord(new Map<string, number>([['epoch', 3]]))).toEqual({ epoch: 3, step: 0, metrics: {} });
    expect(inferRecord({ epoch: -1, step: 1.5, metrics: [1] })).toEqual({ epoch: 0, step: 0, metrics: {} });
    expect(inferRecord([1, 2])).toEqual({ epoch: 0, step: 0, metrics: {} });
  });
});
