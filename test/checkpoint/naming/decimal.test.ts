import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFixedExact, toShortest, toSignificantExact } from '../../../src/checkpoint/naming/decimal.js';

describe('toFixedExact', () => {
  it('rounds exact ties half to even, unlike toFixed', () => {
    expect((0.5).toFixed(0)).toBe('1');
    expect(toFixedExact(0.5, 0)).toBe('0');
    expect(toFixedExact(1.5, 0)).toBe('2');
    expect(toFixedExact(2.5, 0)).toBe('2');
    expect(toFixedExact(0.125, 2)).toBe('0.12');
    expect(toFixedExact(0.375, 2)).toBe('0.38');
  });
  it('rounds non-ties by the exact binary value (0.15 is 0.1499999...)', () => {
    expect(toFixedExact(0.15, 1)).toBe('0.1');
    expect(toFixedExact(0.1, 20)).toBe('0.10000000000000000555');
  });
  it('never switches to exponents', () => {
    expect(toFixedExact(1e22, 1)).toBe('10000000000000000000000.0');
    expect(toFixedExact(5e-324, 3)).toBe('0.000');
  });
  it('drops the sign', () => {
    expect(toFixedExact(-1.25, 1)).toBe('1.2');
  });
  it('agrees with toFixed wherever there is no exact tie', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e20, noNaN: true }), fc.integer({ min: 0, max: 20 }), (x, p) => {
        const ours = toFixedExact(x, p);
        const theirs = x.toFixed(p);
        if (ours !== theirs) {
          // Only an exact tie may differ: then x is exactly halfway between the two neighbours.
          const half = Number(`5e-${p + 1}`);
          expect(Math.abs(Math.abs(Number(theirs) - x) - half)).toBeLessThan(half * 1e-6 + Number.EPSILON * x);
        }
      }),
    );
  });
});

describe('toSignificantExact', () => {
  it('returns the digits and the exponent of the first, carrying into a new digit', () => {
    expect(toSignificantExact(123.456, 4)).toEqual({ digits: '1235', exponent: 2 });
    expect(toSignificantExact(9.9999, 3)).toEqual({ digits: '100', exponent: 1 });
    expect(toSignificantExact(0.000123, 2)).toEqual({ digits: '12', exponent: -4 });
    expect(toSignificantExact(0, 3)).toEqual({ digits: '000', exponent: 0 });
    expect(toSignificantExact(5e-324, 4)).toEqual({ digits: '4941', exponent: -324 });
  });
});

describe('toShortest', () => {
  it('gives the shortest digits that read back', () => {
    expect(toShortest(0.1)).toEqual({ digits: '1', exponent: -1 });
    expect(toShortest(123.25)).toEqual({ digits: '12325', exponent: 2 });
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => x !== 0), (x) => {
        const { digits, exponent } = toShortest(x);
        expect(Number(`${digits[0]}.${digits.slice(1)}e${exponent}`)).toBe(Math.abs(x));
      }),
    );
  });
});
