/** ls, best and prune read how the run judges "best" (monitor, mode) and its resumed-from from run.json. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../../src/checkpoint/manager.js';
import type { CheckpointManagerOptions } from '../../../src/checkpoint/options.js';
import { bestOutputSchema, lsOutputSchema, pruneOutputSchema } from '../../../src/cli/json-schemas.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, smallState, T0 } from './run-fixture.js';

/** val_acc peaks at epoch 2 (of 5), val_loss is lowest at epoch 3: no metric is the only one. */
const METRICS = [0.5, 0.7, 0.9, 0.8, 0.6].map((acc, i) => ({ val_acc: acc, val_loss: [0.9, 0.6, 0.4, 0.3, 0.5][i] ?? 1 }));

async function trainRun(dir: string, options: CheckpointManagerOptions): Promise<string[]> {
  let t = T0;
  const m = await CheckpointManager.open(dir, { async: false, gitCwd: '/', onWarning: () => undefined, now: () => t, ...options });
  const names: string[] = [];
  for (const [i, metrics] of METRICS.entries()) {
    const r = await m.save({ epoch: i, step: 10 * (i + 1), metrics, state: smallState(i) });
    if (r.saved) names.push(r.name);
    t += 60_000;
  }
  await m.close();
  return names;
}

describe('commands use the monitor recorded in run.json', () => {
  const tempDir = useTempDirs();

  it('ckpt best RUN prints the best path with no flags; --monitor and --mode still win', async () => {
    const dir = tempDir();
    const names = await trainRun(join(dir, 'run'), { monitor: 'val_acc' });
    expect(await ckpt(dir, 'best', 'run')).toEqual({ code: 0, out: `${join('run', 'checkpoints', names[2] ?? '')}\n`, err: '' });
    const json = bestOutputSchema.parse(JSON.parse((await ckpt(dir, 'best', 'run', '--json')).out));
    expect(json).toMatchObject({ name: names[2], value: 0.9, monitor: { name: 'val_acc', mode: 'max', source: 'run' } });
    expect((await ckpt(dir, 'best', 'run', '--monitor', 'val_loss')).out).toBe(`${join('run', 'checkpoints', names[3] ?? '')}\n`);
    expect((await ckpt(dir, 'best', 'run', '--mode', 'min')).out).toBe(`${join('run', 'checkpoints', names[0] ?? '')}\n`);
  });

  it('the recorded mode is used, not the one the name suggests', async () => {
    const dir = tempDir();
    const names = await trainRun(join(dir, 'run'), { monitor: 'val_acc', mode: 'min' });
    expect((await ckpt(dir, 'best', 'run')).out).toBe(`${join('run', 'checkpoints', names[0] ?? '')}\n`);
  });

  it('ckpt ls marks the best by the recorded monitor', async () => {
    const dir = tempDir();
    const names = await trainRun(join(dir, 'run'), { monitor: 'val_loss' });
    const { code, out } = await ckpt(dir, 'ls', 'run', '--json');
    expect(code).toBe(0);
    const ls = lsOutputSchema.parse(JSON.parse(out));
    expect(ls.monitor).toEqual({ name: 'val_loss', mode: 'min', source: 'run' });
    expect(ls.checkpoints.filter((c) => c.best).map((c) => c.name)).toEqual([names[3]]);
    const table = await ckpt(dir, 'ls', 'run');
    expect(table.out).toMatch(new RegExp(`best\\s+${names[3] ?? ''}`));
    expect(table.out).toContain('best by val_loss (min)');
  });

  it('ckpt prune keeps top-K by the recorded monitor without --monitor, and protects it as best', async () => {
    const dir = tempDir();
    const names = await trainRun(join(dir, 'run'), { monitor: 'val_acc' });
    const { code, out } = await ckpt(dir, 'prune', 'run', '--keep-top', '1', '--json');
    expect(code).toBe(0);
    const p = pruneOutputSchema.parse(JSON.parse(out));
    expect(p.policies).toEqual(['top 1 by val_acc (max)']);
    expect(p.removed).toEqual([names[0], names[1], names[3]]);
    expect(readdirSync(join(dir, 'run', 'checkpoints')).sort()).toEqual([names[2], names[4]]);
  });

  it('ckpt prune never removes the checkpoint the run resumed from', async () => {
    const dir = tempDir();
    const names = await trainRun(join(dir, 'run'), { monitor: 'val_acc' });
    const m = await CheckpointManager.open(join(dir, 'run'), { gitCwd: '/', onWarning: () => undefined });
    await m.restore(names[1] ?? '');
    await m.close();
    const { code, out } = await ckpt(dir, 'prune', 'run', '--keep-last', '1', '--json');
    expect(code).toBe(0);
    const p = pruneOutputSchema.parse(JSON.parse(out));
    expect(p.keep).toEqual([
      { name: names[1], reasons: ['resumed-from'] },
      { name: names[2], reasons: ['best'] },
      { name: names[4], reasons: ['latest', 'last 1/1'] },
    ]);
    expect(p.removed).toEqual([names[0], names[3]]);
  });
});
