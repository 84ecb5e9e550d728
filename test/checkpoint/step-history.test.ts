/** The offered-step history survives restarts: sliding-window decisions are those of a run that never stopped. */
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import type { CheckpointManagerOptions } from '../../src/checkpoint/options.js';
import { appendStep, StepHistoryWriter, STEPS_PER_CHUNK } from '../../src/checkpoint/step-history.js';
import type { StepRecord } from '../../src/checkpoint/policies/types.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { trainingState } from './fixtures.js';

const LOSSES = [0.9, 0.8, 0.85, 0.7, 0.75, 0.8, 0.82, 0.81, 0.6, 0.65, 0.9, 0.95, 0.97, 0.99, 0.5, NaN, 0.4, 0.45];
const OPTIONS: CheckpointManagerOptions = { async: false, gitCwd: '/', monitor: 'val_loss', slidingWindow: { window: 3, plateauEvery: 3 }, filename: '{epoch}' };

/** Offers epochs `from..to-1` (step = epoch + 1); returns the epochs that were saved. */
async function offer(m: CheckpointManager, from: number, to: number): Promise<number[]> {
  const saved: number[] = [];
  for (let epoch = from; epoch < to; epoch++) {
    const r = await m.save({ epoch, step: epoch + 1, metrics: { val_loss: LOSSES[epoch] ?? 1 }, state: trainingState(epoch) });
    if (r.saved) saved.push(epoch);
  }
  return saved;
}

describe('step history across restarts', () => {
  it('a slidingWindow manager closed and reopened decides as one that never stopped', async () => {
    const whole = await CheckpointManager.open('a', { ...OPTIONS, store: new MemoryStore() });
    const expected = await offer(whole, 0, LOSSES.length);
    await whole.close();
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(LOSSES.length);

    for (const cut of [2, 5, 9, 13]) {
      const store = new MemoryStore();
      const first = await CheckpointManager.open('b', { ...OPTIONS, store });
      const before = await offer(first, 0, cut);
      await first.close();
      const second = await CheckpointManager.open('b', { ...OPTIONS, store });
      const after = await offer(second, cut, LOSSES.length);
      await second.close();
      expect([...before, ...after], `restart after epoch ${cut - 1}`).toEqual(expected);
    }
  });

  it('after a resume from an earlier checkpoint, the abandoned steps are forgotten', async () => {
    const whole = await CheckpointManager.open('a', { ...OPTIONS, store: new MemoryStore() });
    const expected = await offer(whole, 0, LOSSES.length);
    await whole.close();

    const store = new MemoryStore();
    const first = await CheckpointManager.open('b', { ...OPTIONS, store });
    await offer(first, 0, 12); // the attempt runs to epoch 11, then dies
    await first.close();
    const second = await CheckpointManager.open('b', { ...OPTIONS, store });
    const resumed = [...second.list()].filter((c) => c.epoch <= 9).at(-1);
    if (resumed === undefined) throw new Error('no checkpoint up to epoch 9');
    await second.restore(resumed.name);
    const after = await offer(second, resumed.epoch + 1, LOSSES.length);
    await second.close();
    expect(after).toEqual(expected.filter((e) => e > resumed.epoch));
  });

  it('reads back across chunk files, keeps the last `limit` records, and skips damaged lines', async () => {
    const store = new MemoryStore();
    const { writer } = await StepHistoryWriter.open(store, 10);
    const n = STEPS_PER_CHUNK + 5;
    for (let i = 0; i < n; i++) {
      writer.record({ step: i, epoch: 0, time: i, metrics: { x: i === 3 ? NaN : i } });
      if (i < 10) await writer.flush(); // then the rest in one flush across the chunk boundary
    }
    await writer.flush();
    expect((await store.list('steps/')).length).toBe(2);
    const all = await StepHistoryWriter.open(store, 100_000);
    expect(all.history).toHaveLength(n);
    expect(all.history[3]?.metrics.x).toBeNaN();
    const last = await StepHistoryWriter.open(store, 10);
    expect(last.history.map((r) => r.step)).toEqual(Array.from({ length: 10 }, (_, i) => n - 10 + i));
    await store.put('steps/00000001.jsonl', new TextEncoder().encode('{"step":"x"}\n{"step":2000,"epoch":0,"time":1,"metrics":{"x":1}}\nnot json\n'));
    expect((await StepHistoryWriter.open(store, 100_000)).history.at(-1)?.step).toBe(2000);
  });

  it('appendStep drops the records past the step of a new attempt, and keeps repeats of the same step', () => {
    const h: StepRecord[] = [];
    const r = (step: number): StepRecord => ({ step, epoch: 0, time: 0, metrics: {} });
    for (const s of [1, 2, 3, 3, 4, 2, 3]) appendStep(h, r(s));
    expect(h.map((x) => x.step)).toEqual([1, 2, 2, 3]);
  });
});
