import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { verifyRun } from '../../src/checkpoint/verify.js';
import { FaultyStore, type FaultPlan } from '../../src/storage/faulty-store.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState, warnings } from './fixtures.js';

const tmp = useTempDirs();

async function setup(async: boolean): Promise<{ dir: string; store: FaultyStore; m: CheckpointManager }> {
  const dir = tmp('ckpt-faults');
  const store = new FaultyStore(new FsStore(dir));
  const m = await CheckpointManager.open(dir, { store, async, filename: '{epoch}', gitCwd: '/', onWarning: () => undefined });
  await m.save({ epoch: 0, step: 0, state: trainingState(0, 4096) });
  await m.save({ epoch: 1, step: 1, state: trainingState(1, 4096) });
  await m.wait();
  return { dir, store, m };
}

async function expectIntact(dir: string, m: CheckpointManager): Promise<void> {
  expect(m.list().map((c) => c.name)).toEqual(['epoch=0', 'epoch=1']);
  expect((await verifyRun(new FsStore(dir))).map((r) => [r.name, r.ok])).toEqual([['epoch=0', true], ['epoch=1', true]]);
  expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['epoch=0', 'epoch=1']);
  expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
}

const plans: [string, FaultPlan, string][] = [
  ['model.safetensors', { code: 'ENOSPC', afterBytes: 1000 }, 'E_NO_SPACE'],
  ['optimizer.safetensors', { code: 'ENOSPC', afterBytes: 17_000 }, 'E_NO_SPACE'],
  ['state.json', { code: 'ENOSPC', afterBytes: -10 }, 'E_NO_SPACE'], // -10: 10 bytes past the tensor files (same sizes as epoch=1's)
  ['model.safetensors', { code: 'EIO', afterOps: 0 }, 'E_IO'],
  ['state.json', { code: 'EIO', afterOps: 3 }, 'E_IO'],
  ['manifest.json', { code: 'EIO', afterOps: 4 }, 'E_IO'],
];

describe('a store that fails part-way', () => {
  for (const [what, plan, code] of plans) {
    it(`sync save: ${plan.code} writing ${what} -> ${code}; earlier checkpoints intact, no temp files, the next save works`, async () => {
      const { dir, store, m } = await setup(false);
      const files = m.list()[1]?.manifest.files ?? {};
      const tensorBytes = Object.entries(files).reduce((n, [f, { size }]) => n + (f.endsWith('.safetensors') ? size : 0), 0);
      store.arm(plan.afterBytes !== undefined && plan.afterBytes < 0 ? { ...plan, afterBytes: tensorBytes - plan.afterBytes } : plan);
      const err = await m.save({ epoch: 2, step: 2, state: trainingState(2, 4096) }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code, message: expect.stringContaining('could not save checkpoint "epoch=2"') });
      expect(store.faults).toBe(1);
      expect(store.lastFaultKey).toBe(`checkpoints/epoch=2/${what}`);
      await expectIntact(dir, m);
      store.disarm();
      expect(await m.save({ epoch: 2, step: 2, state: trainingState(2, 4096) })).toMatchObject({ saved: true, name: 'epoch=2' });
      expect((await m.restore('latest')).record.name).toBe('epoch=2');
      await m.close();
    });
  }

  it('async save: the error surfaces on the next save, once, and training goes on', async () => {
    const { dir, store, m } = await setup(true);
    store.arm({ code: 'ENOSPC', afterBytes: 5000 });
    expect(await m.save({ epoch: 2, step: 2, state: trainingState(2, 4096) })).toMatchObject({ saved: true, pending: true });
    await expect(m.save({ epoch: 3, step: 3, state: trainingState(3, 4096) })).rejects.toMatchObject({ code: 'E_NO_SPACE' });
    await expectIntact(dir, m);
    store.disarm();
    await m.save({ epoch: 3, step: 3, state: trainingState(3, 4096) });
    await m.wait();
    expect(m.latest()?.name).toBe('epoch=3');
    await m.close();
  });

  it('async save: wait() and close() report a failed write', async () => {
    const { store, m } = await setup(true);
    store.arm({ code: 'EIO', afterOps: 1 });
    await m.save({ epoch: 2, step: 2, state: trainingState(2) });
    await expect(m.wait()).rejects.toMatchObject({ code: 'E_IO' });
    await m.wait();
    await m.save({ epoch: 3, step: 3, state: trainingState(3) });
    await expect(m.close()).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('a failed retention delete warns and keeps the checkpoint listed for a later retry', async () => {
    const dir = tmp('ckpt-faults');
    const store = new FaultyStore(new FsStore(dir));
    const w = warnings();
    const m = await CheckpointManager.open(dir, { store, async: false, keepLast: 1, filename: '{epoch}', gitCwd: '/', onWarning: w.onWarning });
    await m.save({ epoch: 0, step: 0, state: trainingState(0) });
    store.arm({ code: 'EIO', afterOps: 5 }); // 4 staged writes + commit pass, the delete fails
    expect(await m.save({ epoch: 1, step: 1, state: trainingState(1) })).toMatchObject({ saved: true, removed: [] });
    expect(w.list[0]).toContain('retention could not delete checkpoint "epoch=0"');
    store.disarm();
    expect(await m.save({ epoch: 2, step: 2, state: trainingState(2) })).toMatchObject({ removed: ['epoch=0', 'epoch=1'] });
    await m.close();
  });
});
