import { describe, expect, it } from 'vitest';
import { readCatalog, sweepRun } from '../../src/checkpoint/catalog.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { FaultyStore } from '../../src/storage/faulty-store.js';
import type { StateObject } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { storeConformance } from './conformance.js';
import { ObjectStoreSim } from './object-store-sim.js';

storeConformance('ObjectStoreSim (object-store commit)', () => new ObjectStoreSim(), { stagingVisible: true });

const state = (v: number): StateObject => ({ model: { w: Tensor.from('F32', [3], [v, v, v]) }, step: v });

describe('the checkpoint layers on an object store (no rename)', () => {
  it('save, list, restore and retention work unchanged', async () => {
    const store = new ObjectStoreSim();
    const m = await CheckpointManager.open('run', { store, keepLast: 1, filename: '{step}', gitCwd: '/' });
    for (let step = 1; step <= 3; step++) await m.save({ epoch: 0, step, state: state(step) });
    await m.wait();
    expect(m.list().map((c) => c.name)).toEqual(['step=3']);
    expect(((await m.restore('latest')).state as StateObject).step).toBe(3);
    expect((await m.verify()).map((r) => [r.name, r.ok])).toEqual([['step=3', true]]);
    await m.close();
  });

  it('uploaded files without a manifest are not a checkpoint, and the next writer sweeps them', async () => {
    const store = new ObjectStoreSim();
    const faulty = new FaultyStore(store);
    const m = await CheckpointManager.open('run', { store: faulty, async: false, filename: '{step}', gitCwd: '/' });
    await m.save({ epoch: 0, step: 1, state: state(1) });
    // A crash right before the commit record: simulate with files uploaded by hand.
    await store.put('checkpoints/step=2/model.safetensors', new Uint8Array([1, 2, 3]));
    const { checkpoints, incomplete } = await readCatalog(store);
    expect(checkpoints.map((c) => c.name)).toEqual(['step=1']);
    expect([...incomplete.keys()]).toEqual(['step=2']);
    expect(await sweepRun(store)).toEqual(['checkpoints/step=2']);
    // A failed upload is cleaned up by abort.
    faulty.arm({ code: 'EIO', afterOps: 1 });
    await expect(m.save({ epoch: 0, step: 3, state: state(3) })).rejects.toMatchObject({ code: 'E_IO' });
    faulty.disarm();
    expect((await store.list('checkpoints/')).filter((k) => !k.startsWith('checkpoints/step=1/'))).toEqual([]);
    await m.close();
  });
});
