import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestCheckpoint, latestCheckpoint, oldestFirst, rankByMetric } from '../../../src/checkpoint/policies/order.js';
import { ckpt, T0 } from './records.js';

describe('latestCheckpoint', () => {
  it('is the highest step, then the latest time', () => {
    expect(latestCheckpoint([])).toBeUndefined();
    expect(latestCheckpoint([ckpt(2), ckpt(5), ckpt(3)])?.name).toBe('e5');
    const a = ckpt(1, {}, { name: 'a', time: T0 + 10 });
    const b = ckpt(1, {}, { name: 'b', time: T0 + 20 });
    expect(latestCheckpoint([b, a])?.name).toBe('b');
  });
  it('trusts the step over the clock (a clock that went back does not change the latest)', () => {
    expect(latestCheckpoint([ckpt(4, {}, { time: T0 + 1000 }), ckpt(5, {}, { time: T0 })])?.name).toBe('e5');
  });
});

describe('bestCheckpoint', () => {
  const cs = [ckpt(0, { val_loss: 0.5 }), ckpt(1, { val_loss: Number.NaN }), ckpt(2, {}), ckpt(3, { val_loss: 0.3 }), ckpt(4, { val_loss: 0.3 })];
  it('ignores NaN and missing values and prefers the older on a tie', () => {
    expect(bestCheckpoint(cs, 'val_loss', 'min')?.name).toBe('e3');
    expect(bestCheckpoint(cs, 'val_loss', 'max')?.name).toBe('e0');
  });
  it('is undefined when no checkpoint has a usable value', () => {
    expect(bestCheckpoint(cs.slice(1, 3), 'val_loss', 'min')).toBeUndefined();
    expect(bestCheckpoint([], 'val_loss', 'min')).toBeUndefined();
  });
  it('is the head of rankByMetric', () => {
    expect(rankByMetric(cs, 'val_loss', 'min').map((r) => r.checkpoint.name)).toEqual(['e3', 'e4', 'e0']);
  });
});

describe('oldestFirst', () => {
  it('sorts by step, time, then name without touching the input', () => {
    const input = [ckpt(2), ckpt(0, {}, { name: 'z' }), ckpt(0, {}, { name: 'a' })];
    expect(oldestFirst(input).map((c) => c.name)).toEqual(['a', 'z', 'e2']);
    expect(input.map((c) => c.name)).toEqual(['e2', 'z', 'a']);
  });
});

describe('bestCheckpoint properties', () => {
  it('is the head of rankByMetric on any input', () => {
    const value = fc.oneof(fc.constantFrom(0.1, 0.2, 0.3, Number.NaN), fc.double(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(20), value)), fc.constantFrom('min' as const, 'max' as const), (rows, mode) => {
        const cs = rows.map(([e, v], i) => ckpt(e, v === undefined ? {} : { m: v }, { name: `c${i}` }));
        expect(bestCheckpoint(cs, 'm', mode)).toBe(rankByMetric(cs, 'm', mode)[0]?.checkpoint);
      }),
    );
  });
});
