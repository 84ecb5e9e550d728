import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../src/checkpoint/catalog.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { keepLastN, keepTopK } from '../../src/checkpoint/policies/retention-policies.js';
import { pruneRun } from '../../src/checkpoint/retention.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState } from './fixtures.js';

const tmp = useTempDirs();

async function run(): Promise<string> {
  const dir = tmp('ckpt-prune');
  const m = await CheckpointManager.open(dir, { async: false, filename: '{epoch}', gitCwd: '/' });
  for (const [epoch, loss] of [0.5, 0.2, 0.4, 0.3, 0.6].entries()) await m.save({ epoch, step: epoch, metrics: { val_loss: loss }, state: trainingState(epoch) });
  await m.close();
  return dir;
}

describe('pruneRun (ckpt prune)', () => {
  it('plans without deleting on a dry run, then deletes, keeping best and latest', async () => {
    const dir = await run();
    const dry = await pruneRun(dir, { policies: [keepLastN(1)], monitor: 'val_loss', dryRun: true });
    expect(dry.removed).toEqual([]);
    expect(dry.plan.remove).toEqual(['epoch=0', 'epoch=2', 'epoch=3']);
    expect([...dry.plan.keep]).toEqual([['epoch=1', ['best']], ['epoch=4', ['latest', 'last 1/1']]]);
    expect((await listCheckpoints(dir)).map((c) => c.name)).toHaveLength(5);
    const real = await pruneRun(dir, { policies: [keepTopK({ k: 2, monitor: 'val_loss', mode: 'min' })], monitor: 'val_loss' });
    expect(real.removed).toEqual(['epoch=0', 'epoch=2']);
    expect((await listCheckpoints(dir)).map((c) => c.name)).toEqual(['epoch=1', 'epoch=3', 'epoch=4']);
  });

  it('refuses to prune a run a trainer is writing', async () => {
    const dir = await run();
    const m = await CheckpointManager.open(dir, { gitCwd: '/' });
    await expect(pruneRun(dir, { policies: [keepLastN(1)] })).rejects.toMatchObject({ code: 'E_LOCKED' });
    expect((await pruneRun(dir, { policies: [keepLastN(1)], dryRun: true })).plan.remove).toHaveLength(4);
    await m.close();
  });

  it('never removes the checkpoint the run resumed from (run.json), and protects the recorded best', async () => {
    const dir = tmp('ckpt-prune');
    const a = await CheckpointManager.open(dir, { async: false, filename: '{epoch}', gitCwd: '/', monitor: 'val_loss' });
    for (const [epoch, loss] of [0.5, 0.2, 0.4, 0.3, 0.6].entries()) await a.save({ epoch, step: epoch, metrics: { val_loss: loss }, state: trainingState(epoch) });
    await a.restore('epoch=2');
    await a.close();
    const r = await pruneRun(dir, { policies: [keepLastN(1)] });
    expect([...r.plan.keep]).toEqual([['epoch=1', ['best']], ['epoch=2', ['resumed-from']], ['epoch=4', ['latest', 'last 1/1']]]);
    expect(r.removed).toEqual(['epoch=0', 'epoch=3']);
  });
});
