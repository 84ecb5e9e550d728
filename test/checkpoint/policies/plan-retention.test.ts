import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEEP_ALL_REASON, planRetention } from '../../../src/checkpoint/policies/plan-retention.js';
import { keepEveryNEpochs, keepLastN, keepTopK, keepWithin } from '../../../src/checkpoint/policies/retention-policies.js';
import { oldestFirst } from '../../../src/checkpoint/policies/order.js';
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

describe('planRetention properties', () => {
  const checkpointsArb = fc
    .array(
      fc.record({
        epoch: fc.nat(50),
        metric: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN), fc.constant(undefined)),
        time: fc.nat(1_000_000),
      }),
      { maxLength: 25 },
    )
    .map((rows) =>
      rows.map((r, i) =>
        ckpt(r.epoch, r.metric === undefined ? {} : { val_acc: r.metric }, { name: `c${i}`, step: r.epoch * 100 + i, time: T0 + r.time }),
      ),
    );
  const policiesArb = fc.array(
    fc.oneof(
      fc.nat(4).map((k) => keepTopK({ k, monitor: 'val_acc', mode: 'max' })),
      fc.nat(4).map((k) => keepTopK({ k, monitor: 'val_acc', mode: 'min' })),
      fc.nat(4).map((n) => keepLastN(n)),
      fc.integer({ min: 1, max: 10 }).map((n) => keepEveryNEpochs(n)),
      fc.nat(2_000_000).map((ms) => keepWithin(ms)),
    ),
    { maxLength: 3 },
  );
  const scenario = fc.tuple(checkpointsArb, policiesArb).chain(([cs, policies]) =>
    fc.tuple(
      fc.constant(cs),
      fc.constant(policies),
      fc.subarray(cs.map((c) => c.name)).map((names) => new Map(names.map((n, i) => [n, ['best', 'latest', 'resumed-from'][i % 3] ?? 'best']))),
    ),
  );

  it('keep and remove partition the checkpoints, protected names are kept with their reason, remove is oldest first', () => {
    fc.assert(
      fc.property(scenario, fc.nat(2_000_000), ([cs, policies, prot], nowOffset) => {
        const plan = planRetention(cs, policies, { now: T0 + nowOffset, protected: prot });
        const all = cs.map((c) => c.name).sort();
        expect([...plan.keep.keys(), ...plan.remove].sort()).toEqual(all);
        for (const name of plan.remove) expect(plan.keep.has(name)).toBe(false);
        for (const [name, reason] of prot) {
          expect(plan.remove).not.toContain(name);
          expect(plan.keep.get(name)?.[0]).toBe(reason);
        }
        const order = oldestFirst(cs).map((c) => c.name);
        expect(plan.remove).toEqual(order.filter((n) => plan.remove.includes(n)));
        for (const reasons of plan.keep.values()) expect(reasons.length).toBeGreaterThan(0);
        if (policies.length === 0) expect(plan.remove).toEqual([]);
      }),
    );
  });

  it('top-K alone keeps at most k + |protected|, never a NaN or missing value unless protected', () => {
    fc.assert(
      fc.property(scenario, fc.nat(5), ([cs, , prot], k) => {
        const plan = planRetention(cs, [keepTopK({ k, monitor: 'val_acc', mode: 'max' })], { now: T0, protected: prot });
        expect(plan.keep.size).toBeLessThanOrEqual(k + prot.size);
        for (const c of cs) {
          const v = c.metrics.val_acc;
          if ((v === undefined || Number.isNaN(v)) && !prot.has(c.name)) expect(plan.keep.has(c.name)).toBe(false);
        }
        // every kept non-protected value is at least as good as every removed usable value
        const keptValues = cs.filter((c) => plan.keep.has(c.name) && !prot.has(c.name)).map((c) => c.metrics.val_acc ?? Number.NaN);
        const removedValues = cs.filter((c) => plan.remove.includes(c.name)).map((c) => c.metrics.val_acc ?? Number.NaN).filter((v) => !Number.isNaN(v));
        if (keptValues.length > 0 && removedValues.length > 0) expect(Math.min(...keptValues)).toBeGreaterThanOrEqual(Math.max(...removedValues));
      }),
    );
  });

  it('is idempotent: planning again over the survivors removes nothing more', () => {
    fc.assert(
      fc.property(scenario, ([cs, policies, prot]) => {
        const ctx = { now: T0 + 500_000, protected: prot };
        const first = planRetention(cs, policies, ctx);
        const survivors = cs.filter((c) => first.keep.has(c.name));
        const second = planRetention(survivors, policies, ctx);
        // Top-K, last-N, within and every-N-epochs all keep the same survivors once the rest are gone.
        expect(second.remove).toEqual([]);
      }),
    );
  });
});
