/** The manager writes the run's metrics logs: metrics.jsonl and a TensorBoard event file. */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import type { CheckpointManagerOptions } from '../../src/checkpoint/options.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { listEventFiles, readEventFile } from '../../src/tracking/event-reader.js';
import { readMetricsLog } from '../../src/tracking/jsonl-log.js';
import { useTempDirs } from '../helpers/tmp.js';
import { manualClock, trainingState } from './fixtures.js';

const tmp = useTempDirs();
const open = (dir: string, o: CheckpointManagerOptions = {}): Promise<CheckpointManager> =>
  CheckpointManager.open(dir, { gitCwd: '/', onWarning: () => undefined, filename: '{epoch}', ...o });
const jsonl = async (dir: string) => readMetricsLog(await readFile(join(dir, 'metrics.jsonl')));

describe('the manager writes metrics.jsonl and TensorBoard events', () => {
  it('logs every offered step (saved or not), flushes per save, and closes with the best metrics', async () => {
    const dir = tmp('ckpt-log');
    const clock = manualClock();
    const m = await open(dir, { monitor: 'val_acc', saveOnImprovementOnly: true, hparams: { lr: 0.01, layers: [64, 10], opt: 'adam' }, now: clock.now });
    const accs = [0.5, 0.7, 0.6, 0.8];
    for (const [epoch, acc] of accs.entries()) {
      clock.advance(1000);
      const r = await m.save({ epoch, step: 10 * (epoch + 1), metrics: { val_acc: acc, loss: 1 - acc }, state: trainingState(epoch) });
      expect(r.saved).toBe(epoch !== 2);
      // flushed per save: the line is on disk before the next epoch
      expect((await jsonl(dir)).records.map((x) => x.step)).toEqual(accs.slice(0, epoch + 1).map((_, i) => 10 * (i + 1)));
    }
    m.log?.log({ step: 41, metrics: { batch_loss: 0.25 } }); // training code logs more through the same files
    await m.close({ finalMetrics: { test_acc: 0.75 } });

    const { records, problems } = await jsonl(dir);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      ...accs.map((acc, epoch) => ({ step: 10 * (epoch + 1), epoch, time: Date.UTC(2026, 0, 1) + 1000 * (epoch + 1), metrics: { val_acc: acc, loss: 1 - acc } })),
      { step: 41, time: Date.UTC(2026, 0, 1) + 4000, metrics: { batch_loss: 0.25 } },
    ]);

    const files = await listEventFiles(dir);
    expect(files).toHaveLength(1);
    const ev = await readEventFile(files[0] ?? '');
    expect(ev.problems).toEqual([]);
    const scalars = (tag: string) => ev.scalars.filter((s) => s.tag === tag).map((s) => [s.step, s.value]);
    expect(scalars('val_acc').map(([, v]) => Math.fround(v ?? 0))).toEqual(accs.map(Math.fround));
    expect(scalars('val_acc').map(([s]) => s)).toEqual([10, 20, 30, 40]);
    expect(scalars('batch_loss')).toEqual([[41, 0.25]]);
    // final metrics: the best checkpoint's as best_<metric>, plus the caller's
    expect(scalars('best_val_acc').map(([s, v]) => [s, Math.fround(v ?? 0)])).toEqual([[41, Math.fround(0.8)]]);
    expect(scalars('test_acc')).toEqual([[41, 0.75]]);
    expect(ev.hparams.sessionStartInfo?.hparams).toEqual({ lr: 0.01, layers: '[64,10]', opt: 'adam' });
    expect(ev.hparams.sessionEndInfo?.status).toBe('success');
  });

  it('a reopened run appends to metrics.jsonl and starts one new event file after the latest checkpoint', async () => {
    const dir = tmp('ckpt-log');
    const a = await open(dir, { async: false });
    await a.save({ epoch: 0, step: 5, metrics: { loss: 0.5 }, state: trainingState(0) });
    await a.close();
    const b = await open(dir, { async: false });
    await b.restore('latest');
    await b.save({ epoch: 1, step: 9, metrics: { loss: 0.4 }, state: trainingState(1) });
    await b.close();
    expect((await jsonl(dir)).records.map((r) => [r.step, r.metrics.loss])).toEqual([[5, 0.5], [9, 0.4]]);
    const files = await listEventFiles(dir);
    expect(files).toHaveLength(2);
    const second = await readEventFile(files[1] ?? '');
    expect(second.sessionStarts.map((s) => s.step)).toEqual([6]);
  });

  it('log: false writes no logs; a store without a directory has none, and refuses log: true', async () => {
    const dir = tmp('ckpt-log');
    const m = await open(dir, { log: false, async: false });
    await m.save({ epoch: 0, step: 1, metrics: { loss: 1 }, state: trainingState(0) });
    expect(m.log).toBeUndefined();
    await m.close();
    expect(existsSync(join(dir, 'metrics.jsonl'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('tfevents'))).toEqual([]);

    const mem = await open('mem', { store: new MemoryStore() });
    expect(mem.log).toBeUndefined();
    await mem.close();
    await expect(open('mem', { store: new MemoryStore(), log: true })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
