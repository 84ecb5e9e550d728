import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onImprovement } from '../../../src/checkpoint/policies/save-improvement.js';
import type { StepRecord } from '../../../src/checkpoint/policies/types.js';
import { slidingWindow } from '../../../src/checkpoint/policies/save-sliding-window.js';
import { ckpt, ctx, simulate, step } from './records.js';

const losses = (values: readonly number[], from = 0) => values.map((v, i) => step(from + i, { val_loss: v }));

describe('slidingWindow', () => {
  const p = slidingWindow({ monitor: 'val_loss', mode: 'min', window: 3, plateauEvery: 2 });

  it('follows the hand-computed sequence (W=3, K=2, min)', () => {
    // epoch:       0    1    2    3    4    5    6    7    8    9
    // val_loss:   1.0  0.8  0.9  0.7  1.0  0.8  0.9  0.5  0.9  0.9
    // mean of 3:   -    -   .900 .800 .867 .833 .900 .733 .767 .767
    // reference:   -    -   none .900 .800 .800 .800 .800 .733 .733   (before this epoch)
    // decision:            first  imp  -   plat  -   imp   -  plat   (plateau: >= 2 epochs since last save)
    expect(simulate(p.decide, losses([1.0, 0.8, 0.9, 0.7, 1.0, 0.8, 0.9, 0.5, 0.9, 0.9]))).toEqual([2, 3, 5, 7, 9]);
  });

  it('explains each kind of save', () => {
    const history = losses([1.0, 0.8, 0.9, 0.7, 1.0]);
    const checkpoints = [ckpt(3, { val_loss: 0.7 })];
    expect(p.decide(ctx(step(5, { val_loss: 0.8 }), { history, checkpoints })).reasons).toEqual([
      'mean val_loss over last 3 plateaued at 0.8333: 2 epochs since the last save',
    ]);
    expect(p.decide(ctx(step(3, { val_loss: 0.7 }), { history: losses([1.0, 0.8, 0.9]) })).reasons).toEqual([
      'mean val_loss over last 3 improved 0.9 -> 0.8',
    ]);
  });

  it('never saves before the window is full', () => {
    const q = slidingWindow({ monitor: 'val_loss', mode: 'min', window: 4, plateauEvery: 1 });
    expect(simulate(q.decide, losses([0.9, 0.8, 0.7]))).toEqual([]);
  });

  it('without plateauEvery saves only on improvement of the mean', () => {
    const q = slidingWindow({ monitor: 'acc', mode: 'max', window: 2 });
    const steps = [0.5, 0.7, 0.6, 0.6, 0.9, 0.1, 0.1].map((v, e) => step(e, { acc: v }));
    // means: -, .6, .65, .6, .75, .5, .1 -> saves at 1 (first), 2, 4
    expect(simulate(q.decide, steps)).toEqual([1, 2, 4]);
  });

  it('treats a NaN in the window as no improvement, for exactly the windows that contain it', () => {
    const q = slidingWindow({ monitor: 'val_loss', mode: 'min', window: 2 });
    // means: -, NaN, NaN, .85, .8 -> the first usable mean saves, then the improvement
    expect(simulate(q.decide, losses([1.0, Number.NaN, 0.9, 0.8, 0.8]))).toEqual([3, 4]);
  });

  it('counts the plateau from checkpoints written before a restart', () => {
    const q = slidingWindow({ monitor: 'val_loss', mode: 'min', window: 2, plateauEvery: 3 });
    const history = losses([0.5, 0.5, 0.5, 0.5]);
    expect(q.decide(ctx(step(4, { val_loss: 0.5 }), { history, checkpoints: [ckpt(1, {})] })).save).toBe(true);
    expect(q.decide(ctx(step(4, { val_loss: 0.5 }), { history, checkpoints: [ckpt(2, {})] })).save).toBe(false);
  });

  it('skips history steps offered without the metric', () => {
    const q = slidingWindow({ monitor: 'val_loss', mode: 'min', window: 2 });
    const history = [step(0, { val_loss: 1 }), step(0, { train_loss: 3 }, { step: 150 }), step(1, { val_loss: 0.5 })];
    expect(q.decide(ctx(step(2, { val_loss: 0.25 }), { history })).reasons).toEqual(['mean val_loss over last 2 improved 0.75 -> 0.375']);
  });

  it('throws E_METRIC_MISSING when the current step lacks the metric', () => {
    expect(() => p.decide(ctx(step(0, { loss: 1 })))).toThrow(expect.objectContaining({ code: 'E_METRIC_MISSING' }));
  });

  it('rejects bad options', () => {
    expect(() => slidingWindow({ monitor: 'a', mode: 'min', window: 0 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => slidingWindow({ monitor: 'a', mode: 'min', window: 2, plateauEvery: 0 })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});

describe('slidingWindow properties', () => {
  const seq = fc.array(fc.oneof({ weight: 9, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(Number.NaN) }), {
    maxLength: 40,
  });
  const mode = fc.constantFrom('min' as const, 'max' as const);

  it('with W=1 and no plateau it saves exactly where onImprovement does', () => {
    fc.assert(
      fc.property(seq, mode, fc.constantFrom(0, 0.01, 0.1), (values, m, minDelta) => {
        const steps = losses(values);
        const a = simulate(slidingWindow({ monitor: 'val_loss', mode: m, window: 1, minDelta }).decide, steps);
        const b = simulate(onImprovement({ monitor: 'val_loss', mode: m, minDelta }).decide, steps);
        expect(a).toEqual(b);
      }),
    );
  });

  it('offered once per epoch, never lets more than K epochs pass between saves once it has saved', () => {
    fc.assert(
      fc.property(seq, mode, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (values, m, w, k) => {
        const saved = simulate(slidingWindow({ monitor: 'val_loss', mode: m, window: w, plateauEvery: k }).decide, losses(values));
        for (let i = 1; i < saved.length; i++) expect((saved[i] ?? 0) - (saved[i - 1] ?? 0)).toBeLessThanOrEqual(k);
        const last = saved.at(-1);
        if (last !== undefined) expect(values.length - 1 - last).toBeLessThanOrEqual(k - 1);
        if (values.length >= w + k) expect(saved.length).toBeGreaterThan(0);
        for (const e of saved) expect(e).toBeGreaterThanOrEqual(w - 1);
      }),
    );
  });

  it('answers the same whether the history array is reused as it grows, copied, or rewritten', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)) }),
      fc.record({ kind: fc.constant('pushWithout' as const) }),
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat(10) }),
      fc.record({ kind: fc.constant('replaceLast' as const), value: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(undefined, 2), (ops, w, k) => {
        const options = { monitor: 'val_loss', mode: 'min' as const, window: w, ...(k === undefined ? {} : { plateauEvery: k }) };
        const reused = slidingWindow(options);
        const history: StepRecord[] = [];
        let epoch = 0;
        for (const o of ops) {
          const current = step(epoch, { val_loss: 0.5 });
          const fresh = slidingWindow(options).decide({ current, history: [...history], checkpoints: [] });
          expect(reused.decide({ current, history, checkpoints: [] })).toEqual(fresh);
          if (o.kind === 'push') history.push(step(epoch++, { val_loss: o.value }));
          else if (o.kind === 'pushWithout') history.push(step(epoch++, { other: 1 }));
          else if (o.kind === 'truncate') history.splice(o.keep);
          else if (history.length > 0) history[history.length - 1] = step(epoch - 1, { val_loss: o.value });
        }
      }),
    );
  });
});
