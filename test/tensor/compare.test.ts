import { describe, expect, it } from 'vitest';
import { compareTensorSets } from '../../src/tensor/compare.js';
import { Tensor } from '../../src/tensor/tensor.js';

const f32 = (shape: number[], values: number[]) => Tensor.from('F32', shape, values);

describe('compareTensorSets', () => {
  it('lists missing and unexpected names and shape and dtype mismatches', () => {
    const a = new Map<string, Tensor>([
      ['w', f32([2], [1, 2])],
      ['b', f32([1], [0])],
      ['only_a', f32([1], [0])],
      ['k', f32([2], [1, 2])],
    ]);
    const b = new Map<string, Tensor>([
      ['w', f32([1, 2], [1, 2])],
      ['b', Tensor.from('F64', [1], [0])],
      ['only_b', f32([1], [0])],
      ['k', f32([2], [1, 2])],
    ]);
    const r = compareTensorSets(a, b);
    expect(r.missing).toEqual(['only_a']);
    expect(r.unexpected).toEqual(['only_b']);
    expect(r.common.map((c) => [c.name, c.status])).toEqual([
      ['w', 'shape'],
      ['b', 'dtype'],
      ['k', 'equal'],
    ]);
    expect(r.compatible).toBe(false);
    expect(r.identical).toBe(false);
  });

  it('measures max absolute and relative differences; NaN equals NaN', () => {
    const a = new Map<string, Tensor>([['w', f32([4], [1, 2, NaN, -4])]]);
    const b = new Map<string, Tensor>([['w', f32([4], [1, 2.5, NaN, -3])]]);
    const r = compareTensorSets(a, b);
    expect(r.compatible).toBe(true);
    expect(r.identical).toBe(false);
    expect(r.common[0]).toMatchObject({ status: 'values', maxAbsDiff: 1, maxRelDiff: 0.25, differing: 2 });
  });

  it('counts differing bytes for bit-format dtypes', () => {
    const a = new Map<string, Tensor>([['q', new Tensor('F8_E4M3', [3], new Uint8Array([1, 2, 3]))]]);
    const b = new Map<string, Tensor>([['q', new Tensor('F8_E4M3', [3], new Uint8Array([1, 9, 3]))]]);
    expect(compareTensorSets(a, b).common[0]).toMatchObject({ status: 'values', differing: 1, maxAbsDiff: null });
  });
});
