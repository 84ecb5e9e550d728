import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../src/checkpoint/catalog.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import type { CheckpointManagerOptions } from '../../src/checkpoint/options.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState } from './fixtures.js';

const tmp = useTempDirs();
const open = (dir: string, o: CheckpointManagerOptions = {}): Promise<CheckpointManager> => CheckpointManager.open(dir, { onWarning: () => undefined, gitCwd: '/', ...o });

describe('resuming a run on the filesystem', () => {
  it('rebuilds top-K and best from the manifests; retention counts checkpoints from before the restart', async () => {
    const dir = tmp('ckpt-resume');
    const opts: CheckpointManagerOptions = { monitor: 'val_loss', saveTopK: 2, filename: '{epoch}' };
    const a = await open(dir, opts);
    for (const [epoch, loss] of [0.5, 0.3, 0.4, 0.6].entries()) await a.save({ epoch, step: epoch, metrics: { val_loss: loss }, state: trainingState(epoch) });
    await a.close();
    expect((await listCheckpoints(dir)).map((c) => c.name)).toEqual(['epoch=1', 'epoch=2', 'epoch=3']);

    const b = await open(dir, opts);
    expect(b.best()?.name).toBe('epoch=1');
    expect(b.latest()?.name).toBe('epoch=3');
    const { record } = await b.restore('latest');
    expect(record.epoch).toBe(3);
    await b.save({ epoch: 4, step: 4, metrics: { val_loss: 0.35 }, state: trainingState(4) });
    await b.save({ epoch: 5, step: 5, metrics: { val_loss: 0.9 }, state: trainingState(5) });
    await b.wait();
    // top 2 = epoch 1 (0.3) and epoch 4 (0.35); epoch 2 and the old latest are gone, except epoch 3, which this run resumed from.
    expect(b.list().map((c) => c.name)).toEqual(['epoch=1', 'epoch=3', 'epoch=4', 'epoch=5']);
    await b.close();
  });

  it('keeps the best score across a restart: improvement-only saves compare with the old best', async () => {
    const dir = tmp('ckpt-resume');
    const opts: CheckpointManagerOptions = { monitor: 'val_acc', saveOnImprovementOnly: true, async: false, filename: '{epoch}' };
    const a = await open(dir, opts);
    await a.save({ epoch: 0, step: 0, metrics: { val_acc: 0.9 }, state: trainingState(0) });
    await a.close();
    const b = await open(dir, opts);
    expect((await b.save({ epoch: 1, step: 1, metrics: { val_acc: 0.8 }, state: trainingState(1) })).saved).toBe(false);
    expect((await b.save({ epoch: 2, step: 2, metrics: { val_acc: 0.95 }, state: trainingState(2) })).saved).toBe(true);
    await b.close();
  });

  it('sweeps .tmp-* leftovers and manifest-less folders on open, and never lists them', async () => {
    const dir = tmp('ckpt-resume');
    const a = await open(dir, { async: false, filename: '{epoch}' });
    await a.save({ epoch: 0, step: 0, state: trainingState(0) });
    await a.close();
    mkdirSync(join(dir, 'checkpoints', '.tmp-epoch=1-dead'), { recursive: true });
    writeFileSync(join(dir, 'checkpoints', '.tmp-epoch=1-dead', 'model.safetensors'), 'torn');
    mkdirSync(join(dir, 'checkpoints', 'half-deleted'));
    writeFileSync(join(dir, 'checkpoints', 'half-deleted', 'state.json'), '{}');
    expect((await listCheckpoints(dir)).map((c) => c.name)).toEqual(['epoch=0']);
    const b = await open(dir);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['epoch=0']);
    await b.close();
  });

  it('never deletes the checkpoint the run resumed from', async () => {
    const dir = tmp('ckpt-resume');
    const a = await open(dir, { async: false, keepLast: 1, filename: '{epoch}' });
    for (let epoch = 0; epoch < 3; epoch++) await a.save({ epoch, step: epoch, state: trainingState(epoch) });
    expect(a.list().map((c) => c.name)).toEqual(['epoch=2']);
    await a.close();
    const b = await open(dir, { async: false, keepLast: 1, filename: '{epoch}' });
    await b.restore('latest');
    const r = await b.save({ epoch: 3, step: 3, state: trainingState(3) });
    expect(r).toMatchObject({ saved: true, removed: [] });
    await b.save({ epoch: 4, step: 4, state: trainingState(4) });
    expect(b.list().map((c) => c.name)).toEqual(['epoch=2', 'epoch=4']);
    await b.close();
  });

  it('remembers the resumed-from checkpoint in run.json: a later session (that does not restore) still keeps it', async () => {
    const dir = tmp('ckpt-resume');
    const o: CheckpointManagerOptions = { async: false, keepLast: 1, filename: '{epoch}' };
    const a = await open(dir, o);
    for (let epoch = 0; epoch < 2; epoch++) await a.save({ epoch, step: epoch, state: trainingState(epoch) });
    await a.close();
    const b = await open(dir, o);
    await b.restore('latest');
    await b.close();
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ resumedFrom: 'epoch=1' });
    const c = await open(dir, o);
    expect(c.resumedFrom).toBe('epoch=1');
    await c.save({ epoch: 2, step: 2, state: trainingState(2) });
    const r = await c.save({ epoch: 3, step: 3, state: trainingState(3) });
    expect(r).toMatchObject({ saved: true, removed: ['epoch=2'] });
    expect(c.list().map((x) => x.name)).toEqual(['epoch=1', 'epoch=3']);
    // restoring another checkpoint moves the mark: the old one is no longer protected
    await c.restore('epoch=3');
    await c.save({ epoch: 4, step: 4, state: trainingState(4) });
    expect(c.list().map((x) => x.name)).toEqual(['epoch=3', 'epoch=4']);
    await c.close();
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ resumedFrom: 'epoch=3' });
  });
});
