import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../src/errors.js';
import { DTYPES, DTYPE_BITS, dtypeByteSize, parseDType } from '../../src/tensor/dtype.js';
import { Tensor, byteLengthOf, numel } from '../../src/tensor/tensor.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCkptError(err) ? err.code : 'not a CkptError';
  }
  return undefined;
}

describe('dtypes', () => {
  it('has the byte sizes of the safetensors set', () => {
    expect(dtypeByteSize('F64')).toBe(8);
    expect(dtypeByteSize('BF16')).toBe(2);
    expect(dtypeByteSize('BOOL')).toBe(1);
    expect(dtypeByteSize('F8_E4M3')).toBe(1);
    expect(dtypeByteSize('C64')).toBe(8);
    expect(DTYPE_BITS.F4).toBe(4);
    expect(codeOf(() => dtypeByteSize('F4'))).toBe('E_DTYPE');
    expect(DTYPES).toHaveLength(22);
  });

  it('rejects unknown dtype names with E_DTYPE', () => {
    expect(parseDType('F32')).toBe('F32');
    expect(codeOf(() => parseDType('float32'))).toBe('E_DTYPE');
  });
});

describe('shapes', () => {
  it('counts elements and bytes, including scalars and empty tensors', () => {
    expect(numel([])).toBe(1);
    expect(numel([3, 0, 2])).toBe(0);
    expect(byteLengthOf('F32', [2, 3])).toBe(24);
    expect(byteLengthOf('F4', [1, 2])).toBe(1);
  });

  it('rejects bad dimensions, overflow and sub-byte remainders', () => {
    expect(codeOf(() => numel([-1]))).toBe('E_SHAPE');
    expect(codeOf(() => numel([1.5]))).toBe('E_SHAPE');
    expect(codeOf(() => numel([2 ** 30, 2 ** 30, 2 ** 30]))).toBe('E_VALIDATION_OVERFLOW');
    expect(codeOf(() => byteLengthOf('F4', [3]))).toBe('E_MISALIGNED_SLICE');
  });
});

describe('Tensor', () => {
  it('wraps typed arrays without copying and views them back', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = Tensor.from('F32', [2, 3], values);
    expect(t.bytes.buffer).toBe(values.buffer);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toString()).toBe('F32[2,3]');
  });

  it('builds I64 from numbers and bigints', () => {
    const t = Tensor.from('I64', [3], [1, -2n, 2 ** 40]);
    expect(Array.from(t.data)).toEqual([1n, -2n, 2n ** 40n]);
  });

  it('copies misaligned bytes into an aligned view', () => {
    const buf = new Uint8Array(9);
    new DataView(buf.buffer).setFloat32(1, 1.5, true);
    new DataView(buf.buffer).setFloat32(5, -2, true);
    const t = new Tensor('F32', [2], buf.subarray(1));
    expect(Array.from(t.data)).toEqual([1.5, -2]);
  });

  it('refuses bytes that do not match dtype and shape', () => {
    expect(codeOf(() => new Tensor('F32', [2], new Uint8Array(7)))).toBe('E_SHAPE');
    expect(codeOf(() => Tensor.from('I32', [2], [1, 2, 3]))).toBe('E_SHAPE');
  });

  it('compares by dtype, shape and bytes', () => {
    const a = Tensor.from('I32', [2], [1, 2]);
    expect(a.equals(a.clone())).toBe(true);
    expect(a.equals(Tensor.from('I32', [1, 2], [1, 2]))).toBe(false);
    expect(a.equals(Tensor.from('U32', [2], [1, 2]))).toBe(false);
    expect(a.equals(Tensor.from('I32', [2], [1, 3]))).toBe(false);
  });
});
