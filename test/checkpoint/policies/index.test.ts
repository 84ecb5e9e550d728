import { describe, expect, it } from 'vitest';
import * as policies from '../../../src/checkpoint/policies/index.js';

describe('policies index', () => {
  it('exports the whole public API', () => {
    const names = [
      'everyNEpochs', 'everyNSteps', 'everyNSeconds', 'specificSteps', 'specificEpochs', 'onTrigger', 'onImprovement', 'slidingWindow',
      'anyOf', 'decideSave', 'keepTopK', 'keepLastN', 'keepEveryNEpochs', 'keepWithin', 'planRetention', 'bestCheckpoint',
      'latestCheckpoint', 'compareMetric', 'isBetter', 'requireMetric', 'metricOf',
    ];
    for (const name of names) expect(typeof (policies as Record<string, unknown>)[name], name).toBe('function');
  });
  it('runs the documented example', () => {
    const save = policies.anyOf(policies.onImprovement({ monitor: 'val_acc', mode: 'max' }), policies.everyNEpochs(5), policies.onTrigger());
    const current = { epoch: 0, step: 10, metrics: { val_acc: 0.5 }, time: 0 };
    expect(save.decide({ current, history: [], checkpoints: [] }).save).toBe(true);
    const plan = policies.planRetention([{ ...current, name: 'a' }], [policies.keepTopK({ k: 3, monitor: 'val_acc', mode: 'max' }), policies.keepLastN(1)], {
      now: 0,
      protected: new Map(),
    });
    expect(plan.keep.get('a')).toEqual(['top 1/3 by val_acc=0.5', 'last 1/1']);
  });
});
