import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyOf, decideSave } from '../../../src/checkpoint/policies/save-combine.js';
import { everyNEpochs, everyNSteps, onTrigger, specificEpochs } from '../../../src/checkpoint/policies/save-schedule.js';
import { onImprovement } from '../../../src/checkpoint/policies/save-improvement.js';
import type { SavePolicy } from '../../../src/checkpoint/policies/types.js';
import { ckpt, ctx, simulate, step } from './records.js';

describe('anyOf / decideSave', () => {
  const best = onImprovement({ monitor: 'val_acc', mode: 'max' });
  const every2 = everyNEpochs(2);

  it('saves when any policy does, with the reasons of every policy that said yes', () => {
    const p = anyOf(best, every2, onTrigger());
    expect(p.name).toBe('on improvement of val_acc (max) or every 2 epochs or on interrupt, exception, force');
    const checkpoints = [ckpt(0, { val_acc: 0.5 })];
    expect(p.decide(ctx(step(1, { val_acc: 0.6 }), { checkpoints, trigger: 'force' }))).toEqual({
      save: true,
      reasons: ['val_acc improved 0.5 -> 0.6', 'every 2 epochs (epoch 1)', 'trigger: force'],
    });
    expect(p.decide(ctx(step(2, { val_acc: 0.4 }), { checkpoints }))).toEqual({ save: false, reasons: [] });
  });

  it('is the union of the saves of its parts over a run', () => {
    const steps = [0.5, 0.4, 0.6, 0.6, 0.3, 0.7].map((v, e) => step(e, { val_acc: v }));
    expect(simulate(anyOf(best, every2).decide, steps)).toEqual([0, 1, 2, 3, 5]);
  });

  it('asks every policy, so a missing monitored metric throws even if another says yes', () => {
    expect(() => decideSave([every2, best], ctx(step(1, { loss: 1 })))).toThrow(expect.objectContaining({ code: 'E_METRIC_MISSING' }));
  });

  it('never saves with no policies', () => {
    expect(anyOf().name).toBe('never');
    expect(decideSave([], ctx(step(0), { trigger: 'force' }))).toEqual({ save: false, reasons: [] });
  });

  it('falls back to the policy name when a yes comes without reasons', () => {
    const bare: SavePolicy = { name: 'custom', decide: () => ({ save: true, reasons: [] }) };
    expect(decideSave([bare], ctx(step(0)))).toEqual({ save: true, reasons: ['custom'] });
  });
});

describe('anyOf properties', () => {
  it('saves iff some part saves, with their reasons in order', () => {
    const policy = fc.oneof(
      fc.integer({ min: 1, max: 4 }).map((n) => everyNEpochs(n)),
      fc.integer({ min: 1, max: 400 }).map((n) => everyNSteps(n)),
      fc.array(fc.nat(10)).map((e) => specificEpochs(e)),
      fc.constant(onTrigger(['interrupt'])),
    );
    const context = fc.record({ epoch: fc.nat(10), step: fc.nat(1000), trigger: fc.constantFrom(undefined, 'interrupt' as const, 'force' as const) });
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 4 }), context, (policies, c) => {
        const s = step(c.epoch, {}, { step: c.step });
        const cx = c.trigger === undefined ? ctx(s) : ctx(s, { trigger: c.trigger });
        const parts = policies.map((p) => p.decide(cx));
        const all = decideSave(policies, cx);
        expect(all.save).toBe(parts.some((d) => d.save));
        expect(all.reasons).toEqual(parts.flatMap((d) => (d.save ? d.reasons : [])));
      }),
    );
  });
});
