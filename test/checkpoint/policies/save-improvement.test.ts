import { describe, expect, it } from 'vitest';
import { CkptError } from '../../../src/errors.js';
import { onImprovement } from '../../../src/checkpoint/policies/save-improvement.js';
import { ckpt, ctx, simulate, step } from './records.js';

const accs = (values: readonly number[], from = 0) => values.map((v, i) => step(from + i, { val_acc: v }));

describe('onImprovement', () => {
  const best = onImprovement({ monitor: 'val_acc', mode: 'max' });

  it('saves the first value, then only strict improvements', () => {
    expect(simulate(best.decide, accs([0.5, 0.7, 0.6, 0.7, 0.8]))).toEqual([0, 1, 4]);
    expect(best.decide(ctx(step(1, { val_acc: 0.8 }), { checkpoints: [ckpt(0, { val_acc: 0.7 })] })).reasons).toEqual([
      'val_acc improved 0.7 -> 0.8',
    ]);
    expect(best.decide(ctx(step(0, { val_acc: 0.5 }))).reasons).toEqual(['val_acc=0.5: first checkpoint with val_acc']);
  });

  it('follows mode min', () => {
    const p = onImprovement({ monitor: 'val_loss', mode: 'min' });
    expect(simulate(p.decide, [0.5, 0.4, 0.45, 0.3].map((v, e) => step(e, { val_loss: v })))).toEqual([0, 1, 3]);
  });

  it('needs more than minDelta', () => {
    const p = onImprovement({ monitor: 'val_acc', mode: 'max', minDelta: 0.05 });
    expect(p.name).toBe('on improvement of val_acc (max, minDelta 0.05)');
    expect(simulate(p.decide, accs([0.5, 0.54, 0.56, 0.6, 0.625]))).toEqual([0, 2, 4]);
  });

  it('keeps the best score across a restart: it comes from the committed checkpoints', () => {
    const before = [ckpt(0, { val_acc: 0.9 }), ckpt(1, { val_acc: 0.95 }), ckpt(2, { val_acc: 0.93 })];
    expect(simulate(best.decide, accs([0.93, 0.94, 0.96, 0.955], 3), before)).toEqual([5]);
  });

  it('never counts NaN: not as an improvement, not as the best to beat', () => {
    expect(simulate(best.decide, accs([Number.NaN, 0.5, Number.NaN, 0.6]))).toEqual([1, 3]);
    const nanBest = [ckpt(0, { val_acc: Number.NaN })];
    expect(best.decide(ctx(step(1, { val_acc: 0.1 }), { checkpoints: nanBest })).save).toBe(true);
  });

  it('ignores checkpoints saved without the metric (e.g. on interrupt)', () => {
    const checkpoints = [ckpt(0, { val_acc: 0.8 }), ckpt(1, { train_loss: 0.1 })];
    expect(best.decide(ctx(step(2, { val_acc: 0.79 }), { checkpoints })).save).toBe(false);
    expect(best.decide(ctx(step(2, { val_acc: 0.81 }), { checkpoints })).save).toBe(true);
  });

  it('throws E_METRIC_MISSING listing the metrics that exist, never silently skipping', () => {
    let error: unknown;
    try {
      best.decide(ctx(step(3, { val_loss: 0.2, train_loss: 0.1 })));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CkptError);
    const err = error as CkptError;
    expect(err.code).toBe('E_METRIC_MISSING');
    expect(err.message).toContain('"val_acc" is missing at epoch 3');
    expect(err.message).toContain('available: train_loss, val_loss');
    expect(err.details.available).toEqual(['train_loss', 'val_loss']);
  });

  it('does not read inherited properties as metrics', () => {
    const p = onImprovement({ monitor: 'constructor', mode: 'max' });
    expect(() => p.decide(ctx(step(0, { val_acc: 1 })))).toThrow(expect.objectContaining({ code: 'E_METRIC_MISSING' }));
  });

  it.each([
    [{ monitor: '', mode: 'max' }],
    [{ monitor: 'a', mode: 'up' }],
    [{ monitor: 'a', mode: 'min', minDelta: -1 }],
  ])('rejects bad options %j', (options) => {
    expect(() => onImprovement(options as never)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
