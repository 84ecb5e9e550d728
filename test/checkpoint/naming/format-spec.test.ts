import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber, parseFormatSpec } from '../../../src/checkpoint/naming/format-spec.js';
import type { NumberKind } from '../../../src/checkpoint/naming/format-spec.js';
import { describeWithPython, runPython } from '../../helpers/python.js';

/**
 * Expected outputs came from CPython 3's `format(value, spec)` (run with /usr/bin/python3 while
 * writing this table); `kind` says whether Python saw an int or a float.
 */
const PYTHON_FORMAT: readonly (readonly [number, string, NumberKind, string])[] = [
  [0.123456, '.4f', 'float', '0.1235'],
  [0.125, '.2f', 'float', '0.12'],
  [0.5, '.0f', 'float', '0'],
  [2.5, '.0f', 'float', '2'],
  [-0.001, '.2f', 'float', '-0.00'],
  [-0.0, '.2f', 'float', '-0.00'],
  [9.9999, '.2f', 'float', '10.00'],
  [0.15, '.1f', 'float', '0.1'],
  [0.35, '.1f', 'float', '0.3'],
  [0.1, '.20f', 'float', '0.10000000000000000555'],
  [1e+22, '.1f', 'float', '10000000000000000000000.0'],
  [12.0, '.3', 'float', '12.0'],
  [123.0, '.3', 'float', '1.23e+02'],
  [100.0, '.3', 'float', '1e+02'],
  [0.0001, '.3', 'float', '0.0001'],
  [12.5, '.2', 'float', '1.2e+01'],
  [1.25, '.2', 'float', '1.2'],
  [0.5, '.1', 'float', '0.5'],
  [5.0, '.1', 'float', '5e+00'],
  [9.5, '.1', 'float', '1e+01'],
  [1234.0, '.10', 'float', '1234.0'],
  [1e-07, '.3', 'float', '1e-07'],
  [0.1, '.17', 'float', '0.10000000000000001'],
  [1e-05, '', 'float', '1e-05'],
  [1e+16, '', 'float', '1e+16'],
  [1000000000000000.0, '', 'float', '1000000000000000.0'],
  [2.0, '', 'float', '2.0'],
  [0.1, '', 'float', '0.1'],
  [0.0, '', 'float', '0.0'],
  [-0.0, '', 'float', '-0.0'],
  [1.5e-07, '', 'float', '1.5e-07'],
  [123456789.0, '', 'float', '123456789.0'],
  [1234567.0, ',', 'float', '1,234,567.0'],
  [1234.5, '010,.1f', 'float', '0,001,234.5'],
  [1234.5, '0=12,.1f', 'float', '00,001,234.5'],
  [12345.678, '015,.2f', 'float', '0,000,012,345.68'],
  [1234567.891, ',.2f', 'float', '1,234,567.89'],
  [1234567.891, '_.2f', 'float', '1_234_567.89'],
  [1.5, '<08.2f', 'float', '1.500000'],
  [1.5, '^9.2f', 'float', '  1.50   '],
  [1.5, '*^9.2f', 'float', '**1.50***'],
  [-1.5, '=+9.2f', 'float', '-    1.50'],
  [-1.5, '09.2f', 'float', '-00001.50'],
  [1.5, '+.3f', 'float', '+1.500'],
  [1.5, ' .3f', 'float', ' 1.500'],
  [1.5, '10', 'float', '       1.5'],
  [1.5, '+', 'float', '+1.5'],
  [-0.0, '+.1f', 'float', '-0.0'],
  [Infinity, '010f', 'float', '0000000inf'],
  [NaN, '.2f', 'float', 'nan'],
  [Infinity, 'F', 'float', 'INF'],
  [-Infinity, '+.2e', 'float', '-inf'],
  [NaN, '+.1f', 'float', '+nan'],
  [Infinity, '010,.1f', 'float', '0000000inf'],
  [0.000123, '.2e', 'float', '1.23e-04'],
  [123456.0, '.2e', 'float', '1.23e+05'],
  [0.0, '.2e', 'float', '0.00e+00'],
  [1e+300, '.3e', 'float', '1.000e+300'],
  [5e-324, '.3e', 'float', '4.941e-324'],
  [123.456, '.0e', 'float', '1e+02'],
  [12.0, 'E', 'float', '1.200000E+01'],
  [0.5, '%', 'float', '50.000000%'],
  [0.1234, '.1%', 'float', '12.3%'],
  [1.0, '.0%', 'float', '100%'],
  [0.0001234, 'g', 'float', '0.0001234'],
  [1.234e-05, 'g', 'float', '1.234e-05'],
  [1234567.0, 'g', 'float', '1.23457e+06'],
  [123456.0, 'g', 'float', '123456'],
  [100.0, '.2g', 'float', '1e+02'],
  [0.5, 'G', 'float', '0.5'],
  [1e-10, 'G', 'float', '1E-10'],
  [0.0, 'g', 'float', '0'],
  [0.5, '.0g', 'float', '0.5'],
  [1234.5, ',g', 'float', '1,234.5'],
  [9.999995e-05, 'g', 'float', '0.0001'],
  [999999.5, 'g', 'float', '1e+06'],
  [1.0, 'g', 'float', '1'],
  [3, '03d', 'int', '003'],
  [7, '04d', 'int', '0007'],
  [-7, '04d', 'int', '-007'],
  [1234, '010,d', 'int', '00,001,234'],
  [1234, '09,d', 'int', '0,001,234'],
  [1234, '08,d', 'int', '0,001,234'],
  [1234, '0=10,d', 'int', '00,001,234'],
  [1234, '*=10,d', 'int', '*****1,234'],
  [1234567, '_d', 'int', '1_234_567'],
  [-1234, '08,', 'int', '-001,234'],
  [12, '<05', 'int', '12000'],
  [12, 'x>5', 'int', 'xxx12'],
  [12, '^6', 'int', '  12  '],
  [-12, '^7', 'int', '  -12  '],
  [-12, '=7', 'int', '-    12'],
  [12, '.2%', 'int', '1200.00%'],
  [12, 'e', 'int', '1.200000e+01'],
  [2, '.2f', 'int', '2.00'],
  [123, ',', 'int', '123'],
  [0, '', 'int', '0'],
  [-1.7976931348623145e308, '=+012,.6%', 'float', '-0000000inf%'],
  [1e308, '.0%', 'float', 'inf%'],
];

describe('formatNumber matches Python format()', () => {
  it.each(PYTHON_FORMAT)('format(%s, %j) [%s] = %j', (value, spec, kind, expected) => {
    expect(formatNumber(value, spec, kind)).toBe(expected);
  });
});

describe('formatNumber beyond Python', () => {
  it('accepts type d for whole-number floats (JS numbers have no int/float split), not for fractions', () => {
    expect(formatNumber(3, '03d', 'float')).toBe('003');
    expect(formatNumber(-0, 'd', 'float')).toBe('0');
    expect(() => formatNumber(3.5, 'd', 'float')).toThrow(expect.objectContaining({ code: 'E_TEMPLATE' }));
    expect(() => formatNumber(Number.NaN, 'd', 'float')).toThrow(expect.objectContaining({ code: 'E_TEMPLATE' }));
  });
});

describe('parseFormatSpec errors', () => {
  // Python raises ValueError for the malformed ones; the rest are valid Python we do not support.
  it.each([
    ['.f', 'missing precision'],
    [',,f', 'unexpected'],
    ['10.2ff', 'unexpected'],
    ['.2,f', 'unexpected'],
    ['q', 'unexpected'],
    ['#.2f', 'not supported'],
    ['z.2f', 'not supported'],
    ['x', 'not supported'],
    ['n', 'not supported'],
    ['s', 'not supported'],
    ['999f', 'limit'],
  ])('%j -> E_TEMPLATE (%s)', (spec, words) => {
    expect(() => parseFormatSpec(spec)).toThrow(expect.objectContaining({ code: 'E_TEMPLATE', message: expect.stringContaining(words) }));
  });
  it('rejects a precision with integers, as Python', () => {
    expect(() => formatNumber(3, '.2', 'int')).toThrow(expect.objectContaining({ code: 'E_TEMPLATE' }));
    expect(() => formatNumber(3, '.2d', 'int')).toThrow(expect.objectContaining({ code: 'E_TEMPLATE' }));
  });
  it('parses every field', () => {
    expect(parseFormatSpec('*^+012,.3f')).toEqual({ fill: '*', align: '^', sign: '+', width: 12, grouping: ',', precision: 3, type: 'f' });
    expect(parseFormatSpec('')).toEqual({ fill: ' ', align: '>', sign: '-', width: 0, grouping: '', precision: undefined, type: '' });
  });
});

describeWithPython([], 'formatNumber against the live Python oracle', () => {
  it('agrees with format() on random floats and specs', () => {
    const spec = fc
      .record({
        align: fc.constantFrom('', '<', '>', '^', '=', '*<', '0='),
        sign: fc.constantFrom('', '+', '-', ' '),
        zero: fc.constantFrom('', '0'),
        width: fc.constantFrom('', '8', '12'),
        grouping: fc.constantFrom('', ',', '_'),
        precision: fc.constantFrom('', '.0', '.1', '.3', '.6', '.12'),
        type: fc.constantFrom('', 'f', 'F', 'e', 'E', 'g', 'G', '%'),
      })
      .map((p) => `${p.align}${p.sign}${p.zero}${p.width}${p.grouping}${p.precision}${p.type}`);
    const value = fc.oneof(
      fc.double(),
      fc.double({ min: -1e7, max: 1e7, noNaN: true }),
      fc.integer({ min: -100000, max: 100000 }).map((n) => n / 1000),
      fc.constantFrom(0.5, 2.5, 0.125, 1e16, 1e-5, 9.9995, 0.00015),
    );
    const cases = fc.sample(fc.tuple(value, spec), { numRuns: 600, seed: 20261201 });
    const input = cases.map(([v, s]) => JSON.stringify([Object.is(v, -0) ? '-0.0' : String(v), s])).join('\n');
    const out = runPython(
      "import sys, json\nfor line in sys.stdin:\n    v, s = json.loads(line)\n    v = float(v)\n    print(json.dumps(format(v, s)))",
      [],
      { input },
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string);
    const mismatches = cases
      .map(([v, s], i) => ({ value: v, spec: s, python: out[i], ours: formatNumber(v, s, 'float') }))
      .filter((c) => c.python !== c.ours);
    expect(mismatches).toEqual([]);
  });
});
