import { describe, expect, it } from 'vitest';
import { KEEP_ALL_REASON, planRetention } from '../../../src/checkpoint/policies/plan-retention.js';
import { keepLastN, keepTopK } from '../../../src/checkpoint/policies/retention-policies.js';
import { ckpt, T0 } from './records.js';

const now = T0 + 86_400_000;
const noneProtected = { now, protected: new Map<string, string>() };

describe('planRetention', () => {
  const cs = [ckpt(0, { val_acc: 0.9 }), ckpt(1, { val_acc: 0.8 }), ckpt(2, { val_acc: 0.95 }), ckpt(3, { val_acc: 0.7 }), ckpt(4, { val_acc: 0.6 })];

  it('keeps the union of the policies, removes the rest oldest first', () => {
    const plan = planRetention([...cs].reverse(), [keepTopK({ k: 2, monitor: 'val_acc', mode: 'max' }), keepLastN(1)], noneProtected);
    expect([...plan.keep.entries()]).toEqual([
      ['e0', ['top 2/2 by val_acc=0.9']],
      ['e2', ['top 1/2 by val_acc=0.95']],
      ['e4', ['last 1/1']],
    ]);
    expect(plan.remove).toEqual(['e1', 'e3']);
  });

  it('never removes a protected checkpoint, and says why it stays', () => {
    const protectedNames = new Map([
      ['e1', 'resumed-from'],
      ['e2', 'best'],
    ]);
    const plan = planRetention(cs, [keepLastN(1), keepTopK({ k: 1, monitor: 'val_acc', mode: 'max' })], { now, protected: protectedNames });
    expect(plan.keep.get('e1')).toEqual(['resumed-from']);
    expect(plan.keep.get('e2')).toEqual(['best', 'top 1/1 by val_acc=0.95']);
    expect(plan.keep.get('e4')).toEqual(['last 1/1']);
    expect(plan.remove).toEqual(['e0', 'e3']);
  });

  it('keeps everything when there is no policy', () => {
    const plan = planRetention(cs, [], { now, protected: new Map([['e3', 'latest']]) });
    expect(plan.remove).toEqual([]);
    expect(plan.keep.get('e3')).toEqual(['latest', KEEP_ALL_REASON]);
    expect(plan.keep.get('e0')).toEqual([KEEP_ALL_REASON]);
  });

  it('ignores protected or kept names that are not checkpoints', () => {
    const plan = planRetention(cs, [keepLastN(0)], { now, protected: new Map([['gone', 'best']]) });
    expect(plan.keep.size).toBe(0);
    expect(plan.remove).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('rejects two checkpoints with the same name', () => {
    expect(() => planRetention([ckpt(0), ckpt(1, {}, { name: 'e0' })], [], noneProtected)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });

  it('handles no checkpoints', () => {
    expect(planRetention([], [keepLastN(2)], noneProtected)).toEqual({ keep: new Map(), remove: [] });
  });
});
