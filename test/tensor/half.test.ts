import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBFloat16Bits,
  float32ToFloat16Bits,
  fromFloat16Array,
  toFloat16Array,
} from '../../src/tensor/half.js';

const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isNaNBf16 = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

describe('IEEE half', () => {
  it('round-trips every one of the 65536 bit patterns (NaNs stay NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = float16BitsToFloat32(h);
      if (isNaNHalf(h)) {
        expect(Number.isNaN(v)).toBe(true);
        expect(isNaNHalf(float32ToFloat16Bits(v))).toBe(true);
      } else {
        expect(float32ToFloat16Bits(v)).toBe(h);
      }
    }
  });

  it('rounds midpoints to even and just above a midpoint up, across normals and subnormals', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const a = float16BitsToFloat32(h);
      const b = float16BitsToFloat32(h + 1);
      const mid = (a + b) / 2;
      expect(float32ToFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
      const above = Math.fround(mid + (b - a) / 8);
      expect(float32ToFloat16Bits(above)).toBe(h + 1);
    }
  });

  it('knows the landmark values', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // rounds to infinity
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000); // below half the smallest subnormal
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(Array.from(fromFloat16Array(toFloat16Array([0.5, 0.1])))).toEqual([0.5, 0.0999755859375]);
  });
});

describe('bfloat16', () => {
  it('round-trips every bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = bfloat16BitsToFloat32(h);
      if (isNaNBf16(h)) expect(isNaNBf16(float32ToBFloat16Bits(v))).toBe(true);
      else expect(float32ToBFloat16Bits(v)).toBe(h);
    }
  });

  it('rounds midpoints to even', () => {
    for (let h = 0; h < 0x7f7f; h += 7) {
      const a = bfloat16BitsToFloat32(h);
      const b = bfloat16BitsToFloat32(h + 1);
      expect(float32ToBFloat16Bits((a + b) / 2)).toBe(h % 2 === 0 ? h : h + 1);
    }
    expect(float32ToBFloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBFloat16Bits(3.4e38)).toBe(0x7f80); // past the largest bf16: infinity
  });
});
