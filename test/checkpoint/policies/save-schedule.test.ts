import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../../src/errors.js';
import {
  everyNEpochs,
  everyNSeconds,
  everyNSteps,
  onTrigger,
  specificEpochs,
  specificSteps,
} from '../../../src/checkpoint/policies/save-schedule.js';
import { ckpt, ctx, simulate, step, T0 } from './records.js';

const epochs = (n: number) => Array.from({ length: n }, (_, e) => step(e));

describe('everyNEpochs', () => {
  it('saves at the end of every n-th 0-based epoch, as Lightning', () => {
    expect(simulate(everyNEpochs(3).decide, epochs(10))).toEqual([2, 5, 8]);
    expect(simulate(everyNEpochs(1).decide, epochs(3))).toEqual([0, 1, 2]);
  });
  it('names itself and gives a reason', () => {
    expect(everyNEpochs(5).name).toBe('every 5 epochs');
    expect(everyNEpochs(5).decide(ctx(step(4))).reasons).toEqual(['every 5 epochs (epoch 4)']);
    expect(everyNEpochs(5).decide(ctx(step(3)))).toEqual({ save: false, reasons: [] });
  });
  it.each([0, -1, 1.5, Number.NaN])('rejects n=%s', (n) => {
    expect(() => everyNEpochs(n)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('everyNSteps', () => {
  it('saves when step % n === 0, never at step 0', () => {
    const p = everyNSteps(250);
    const saved = [0, 100, 250, 300, 500, 750].filter((s) => p.decide(ctx(step(0, {}, { step: s }))).save);
    expect(saved).toEqual([250, 500, 750]);
    expect(p.decide(ctx(step(0, {}, { step: 500 }))).reasons).toEqual(['every 250 steps (step 500)']);
  });
});

describe('everyNSeconds', () => {
  const p = everyNSeconds(600);
  const at = (minutes: number) => step(minutes, {}, { time: T0 + minutes * 60_000 });
  it('counts from the first offered step when nothing was saved', () => {
    expect(p.decide(ctx(at(0))).save).toBe(false);
    expect(p.decide(ctx(at(9), { history: [at(0)] })).save).toBe(false);
    expect(p.decide(ctx(at(10), { history: [at(0), at(5)] }))).toEqual({
      save: true,
      reasons: ['every 600 s: 600 s since the first step'],
    });
  });
  it('counts from the newest checkpoint, including ones from before a restart', () => {
    const old = ckpt(3, {}, { time: T0 + 3 * 60_000 });
    expect(p.decide(ctx(at(12), { history: [at(11)], checkpoints: [old] })).save).toBe(false);
    expect(p.decide(ctx(at(13), { checkpoints: [old] })).reasons).toEqual(['every 600 s: 600 s since the last checkpoint']);
  });
  it('saves every 10 minutes over a run offered each minute', () => {
    expect(simulate(p.decide, Array.from({ length: 35 }, (_, m) => at(m)))).toEqual([10, 20, 30]);
  });
  it('rejects a non-positive interval', () => {
    expect(() => everyNSeconds(0)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('specificSteps / specificEpochs', () => {
  it('saves exactly the listed ones', () => {
    const steps = specificSteps([300, 100, 100]);
    expect(steps.name).toBe('at steps 100, 300');
    expect(simulate(steps.decide, epochs(5))).toEqual([0, 2]);
    expect(simulate(specificEpochs([0, 4]).decide, epochs(6))).toEqual([0, 4]);
  });
  it('rejects negative or fractional entries', () => {
    expect(() => specificSteps([-1])).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => specificEpochs([0.5])).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('onTrigger', () => {
  it('saves on the listed triggers only', () => {
    const p = onTrigger(['interrupt']);
    expect(p.decide(ctx(step(0), { trigger: 'interrupt' }))).toEqual({ save: true, reasons: ['trigger: interrupt'] });
    expect(p.decide(ctx(step(0), { trigger: 'force' })).save).toBe(false);
    expect(p.decide(ctx(step(0))).save).toBe(false);
  });
  it('defaults to every trigger', () => {
    const p = onTrigger();
    expect(p.name).toBe('on interrupt, exception, force');
    for (const trigger of ['interrupt', 'exception', 'force'] as const) expect(p.decide(ctx(step(1), { trigger })).save).toBe(true);
  });
  it('rejects an unknown trigger', () => {
    let error: unknown;
    try {
      onTrigger(['sigint' as 'interrupt']);
    } catch (e) {
      error = e;
    }
    expect(isCkptError(error, 'E_INVALID_ARGUMENT')).toBe(true);
  });
});
