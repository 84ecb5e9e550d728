import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareMetric, formatMetricValue, isBetter, metricOf, requireMetric } from '../../../src/checkpoint/policies/metric.js';
import { step } from './records.js';

describe('isBetter', () => {
  it('compares by mode, strictly, beyond minDelta', () => {
    expect(isBetter(0.5, 0.6, 'min')).toBe(true);
    expect(isBetter(0.6, 0.6, 'min')).toBe(false);
    expect(isBetter(0.7, 0.6, 'max')).toBe(true);
    expect(isBetter(0.6, 0.6, 'max')).toBe(false);
    expect(isBetter(0.55, 0.6, 'min', 0.1)).toBe(false);
    expect(isBetter(0.45, 0.6, 'min', 0.1)).toBe(true);
    expect(isBetter(0.65, 0.6, 'max', 0.1)).toBe(false);
  });
  it('NaN is never better; a missing or NaN reference is beaten by any number', () => {
    expect(isBetter(Number.NaN, undefined, 'max')).toBe(false);
    expect(isBetter(Number.NaN, 1, 'min')).toBe(false);
    expect(isBetter(-Infinity, undefined, 'max')).toBe(true);
    expect(isBetter(1e9, Number.NaN, 'min')).toBe(true);
  });
});

describe('compareMetric', () => {
  it('sorts best first and NaN last', () => {
    const values = [0.3, Number.NaN, 0.1, 0.2, -Infinity];
    expect([...values].sort(compareMetric('min'))).toEqual([-Infinity, 0.1, 0.2, 0.3, Number.NaN]);
    expect([...values].sort(compareMetric('max'))).toEqual([0.3, 0.2, 0.1, -Infinity, Number.NaN]);
  });
  it('agrees with isBetter and is antisymmetric', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.constantFrom('min' as const, 'max' as const), (a, b, mode) => {
        const c = compareMetric(mode);
        expect(Math.sign(c(a, b))).toBe(-Math.sign(c(b, a)) || 0);
        if (!Number.isNaN(b)) expect(c(a, b) < 0).toBe(isBetter(a, b, mode));
      }),
    );
  });
});

describe('metricOf / requireMetric', () => {
  it('reads own metrics only', () => {
    const s = step(0, { val_acc: 0.5, nan: Number.NaN });
    expect(metricOf(s, 'val_acc')).toBe(0.5);
    expect(metricOf(s, 'nan')).toBeNaN();
    expect(metricOf(s, 'toString')).toBeUndefined();
  });
  it('says when no metric was given at all', () => {
    expect(() => requireMetric(step(2), 'val_acc', 'test')).toThrow(
      expect.objectContaining({ code: 'E_METRIC_MISSING', message: expect.stringContaining('no metrics were given') }),
    );
  });
});

describe('formatMetricValue', () => {
  it.each([
    [0.97222, '0.9722'],
    [0.95, '0.95'],
    [3, '3'],
    [12345.678, '12350'],
    [1.23456e-7, '1.235e-7'],
    [Number.NaN, 'NaN'],
  ])('%s -> %s', (v, text) => expect(formatMetricValue(v)).toBe(text));
});
