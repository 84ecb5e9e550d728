import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { PutData, StagedWrite } from '../../src/storage/store.js';
import type { StateObject } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** A memory store whose staged writes wait for `release()`, and that counts writes in flight. */
class GatedStore extends MemoryStore {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  inFlight = 0;
  maxInFlight = 0;
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open();
  }
  override async stage(prefix: string): Promise<StagedWrite> {
    const inner = await super.stage(prefix);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    const done = (): void => void this.inFlight--;
    return {
      put: async (k: string, d: PutData) => {
        await this.gate;
        return inner.put(k, d);
      },
      commit: async (k: string, r: Uint8Array) => {
        await inner.commit(k, r);
        done();
      },
      abort: async () => {
        await inner.abort();
        done();
      },
    };
  }
}

describe('async saving', () => {
  it('returns before the write, snapshots tensors, and keeps one write in flight', async () => {
    const store = new GatedStore();
    const m = await CheckpointManager.open('run', { store, filename: '{step}', gitCwd: '/' });
    const w = Tensor.from('F32', [4], [1, 2, 3, 4]);
    store.hold();
    const r1 = await m.save({ epoch: 0, step: 1, state: { model: { w } } });
    expect(r1).toMatchObject({ saved: true, pending: true });
    expect(m.list()).toEqual([]);
    (w.data as Float32Array).fill(9); // training goes on and changes the weights
    const second = m.save({ epoch: 0, step: 2, state: { model: { w } } });
    await new Promise((r) => setTimeout(r, 20));
    expect(store.inFlight).toBe(1);
    store.release();
    await second;
    await m.wait();
    expect(store.maxInFlight).toBe(1);
    expect(m.list().map((c) => c.name)).toEqual(['step=1', 'step=2']);
    const first = (await m.restore('step=1')).state as StateObject;
    expect(Array.from(((first.model as StateObject).w as Tensor<'F32'>).data)).toEqual([1, 2, 3, 4]);
    const latest = (await m.restore('latest')).state as StateObject;
    expect(Array.from(((latest.model as StateObject).w as Tensor<'F32'>).data)).toEqual([9, 9, 9, 9]);
    await m.close();
  });

  it('with copy: false writes the caller buffers themselves (no snapshot copy)', async () => {
    const store = new GatedStore();
    const m = await CheckpointManager.open('run', { store, filename: '{step}', gitCwd: '/' });
    const w = Tensor.from('F32', [2], [1, 2]);
    store.hold();
    await m.save({ epoch: 0, step: 1, state: { model: { w } }, copy: false });
    (w.data as Float32Array).fill(5); // breaking the promise shows that nothing was copied
    store.release();
    await m.wait();
    const back = (await m.restore('latest')).state as StateObject;
    expect(Array.from(((back.model as StateObject).w as Tensor<'F32'>).data)).toEqual([5, 5]);
    await m.close();
  });

  it('decides with the pending checkpoint in view, without waiting for it', async () => {
    const store = new GatedStore();
    const m = await CheckpointManager.open('run', { store, monitor: 'loss', saveOnImprovementOnly: true, gitCwd: '/' });
    store.hold();
    await m.save({ epoch: 0, step: 0, metrics: { loss: 1 }, state: {} });
    const skip = await m.save({ epoch: 1, step: 1, metrics: { loss: 2 }, state: {} });
    expect(skip.saved).toBe(false);
    store.release();
    await m.close();
    expect(m.list()).toHaveLength(1);
  });

  it('sync saves called concurrently are written one after the other', async () => {
    const store = new GatedStore();
    const m = await CheckpointManager.open('run', { store, async: false, filename: '{step}', gitCwd: '/' });
    store.hold();
    const saves = [1, 2, 3].map((step) => m.save({ epoch: 0, step, state: { model: { w: Tensor.from('F32', [1], [step]) } } }));
    await new Promise((r) => setTimeout(r, 20));
    store.release();
    expect((await Promise.all(saves)).map((r) => r.saved && r.name)).toEqual(['step=1', 'step=2', 'step=3']);
    expect(store.maxInFlight).toBe(1);
    await m.close();
  });

  it('close() waits for the write in flight', async () => {
    const store = new GatedStore();
    const m = await CheckpointManager.open('run', { store, gitCwd: '/' });
    store.hold();
    await m.save({ epoch: 0, step: 0, state: { model: { w: Tensor.from('F32', [1], [1]) } } });
    setTimeout(() => store.release(), 20);
    await m.close();
    expect((await store.list('checkpoints/')).filter((k) => k.endsWith('manifest.json'))).toHaveLength(1);
  });
});
