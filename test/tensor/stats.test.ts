import { describe, expect, it } from 'vitest';
import { toBFloat16Array, toFloat16Array } from '../../src/tensor/half.js';
import { tensorStats } from '../../src/tensor/stats.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('tensorStats', () => {
  it('computes min, max, mean, std over finite values and counts NaN, Inf and zeros', () => {
    const s = tensorStats(Tensor.from('F32', [6], [1, 2, 3, NaN, Infinity, 0]));
    expect(s).toEqual({ count: 6, min: 0, max: 3, mean: 1.5, std: Math.sqrt(1.25), nan: 1, inf: 1, zeros: 1 });
  });

  it('reads F16, BF16, I64 and BOOL as numbers', () => {
    expect(tensorStats(Tensor.from('F16', [2], toFloat16Array([0.5, -1.5])))?.mean).toBe(-0.5);
    expect(tensorStats(Tensor.from('BF16', [2], toBFloat16Array([2, 4])))?.max).toBe(4);
    expect(tensorStats(Tensor.from('I64', [2], [-(2 ** 40), 2 ** 40]))?.min).toBe(-(2 ** 40));
    expect(tensorStats(Tensor.from('BOOL', [3], [1, 0, 1]))?.mean).toBeCloseTo(2 / 3, 15);
  });

  it('gives nulls when no value is finite, and undefined for bit-format dtypes', () => {
    expect(tensorStats(Tensor.from('F64', [1], [NaN]))).toMatchObject({ min: null, max: null, mean: null, std: null, nan: 1 });
    expect(tensorStats(Tensor.zeros('F32', [0]))).toMatchObject({ count: 0, min: null });
    expect(tensorStats(Tensor.zeros('F8_E4M3', [4]))).toBeUndefined();
  });
});
