import { describe, expect, it } from 'vitest';
import { checkInteger, checkIntegerSet, checkMode, checkMonitor, checkNonNegative, checkOneOf, checkPositive } from '../../../src/checkpoint/policies/validate.js';

const invalid = expect.objectContaining({ code: 'E_INVALID_ARGUMENT' });

describe('validate', () => {
  it('passes good values through', () => {
    expect(checkInteger('f', 'n', 3)).toBe(3);
    expect(checkInteger('f', 'n', 0, 0)).toBe(0);
    expect(checkPositive('f', 's', 0.5)).toBe(0.5);
    expect(checkNonNegative('f', 'd', 0)).toBe(0);
    expect(checkMonitor('f', 'val/acc')).toBe('val/acc');
    expect(checkMode('f', 'min')).toBe('min');
    expect(checkOneOf('f', 't', 'b', ['a', 'b'])).toBe('b');
    expect([...checkIntegerSet('f', 'steps', [3, 1, 3])]).toEqual([3, 1]);
  });
  it('names the factory and option in the error', () => {
    expect(() => checkInteger('everyNEpochs', 'n', 0)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT', message: 'everyNEpochs: n must be an integer >= 1, got 0' }),
    );
  });
  it.each([
    () => checkInteger('f', 'n', 2 ** 60),
    () => checkInteger('f', 'n', Number.POSITIVE_INFINITY),
    () => checkPositive('f', 's', Number.NaN),
    () => checkPositive('f', 's', -1),
    () => checkNonNegative('f', 'd', Number.POSITIVE_INFINITY),
    () => checkMonitor('f', ''),
    () => checkMode('f', 'auto' as 'min'),
    () => checkOneOf('f', 't', 'c', ['a', 'b']),
    () => checkIntegerSet('f', 'steps', [1, -2]),
  ])('rejects bad value #%#', (fn) => {
    expect(fn).toThrow(invalid);
  });
});
