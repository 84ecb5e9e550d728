/** readCatalog and verifyRun on what a run's checkpoints/ folder holds beside checkpoints. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/checkpoint/catalog.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { verifyRun } from '../../src/checkpoint/verify.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState } from './fixtures.js';

const tmp = useTempDirs();

describe('readCatalog', () => {
  it('an empty directory is nothing; a folder of files without a manifest is incomplete; verify agrees', async () => {
    const dir = tmp('ckpt-catalog');
    const m = await CheckpointManager.open(dir, { async: false, filename: '{epoch}', gitCwd: '/', log: false });
    await m.save({ epoch: 0, step: 0, state: trainingState(0) });
    await m.close();
    mkdirSync(join(dir, 'checkpoints', 'empty'));
    mkdirSync(join(dir, 'checkpoints', 'half'));
    writeFileSync(join(dir, 'checkpoints', 'half', 'state.json'), '{}');
    const store = new FsStore(dir);
    const { checkpoints, incomplete } = await readCatalog(store);
    expect(checkpoints.map((c) => c.name)).toEqual(['epoch=0']);
    expect([...incomplete.keys()]).toEqual(['half']);
    expect((await verifyRun(store)).map((r) => [r.name, r.ok])).toEqual([['epoch=0', true], ['half', false]]);
  });

  it('reads many manifests concurrently and returns them oldest first', async () => {
    const store = new MemoryStore();
    const m = await CheckpointManager.open('run', { store, async: false, filename: 'ck-{step}', gitCwd: '/' });
    const steps = Array.from({ length: 70 }, (_, i) => i);
    for (const step of steps) await m.save({ epoch: 0, step, metrics: { loss: 1 / (step + 1) }, state: trainingState(step % 3) });
    await m.close();
    const { checkpoints, incomplete } = await readCatalog(store);
    expect(incomplete.size).toBe(0);
    expect(checkpoints.map((c) => c.step)).toEqual(steps);
    expect(checkpoints.map((c) => c.name)).toEqual(steps.map((s) => `ck-step=${s}`));
  });
});
