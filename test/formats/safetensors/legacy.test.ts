import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, readSafetensorsFile, readSafetensorsHeader, readSafetensorsTensor } from '../../../src/formats/safetensors/index.js';
import { fromFloat16Array } from '../../../src/tensor/half.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/safetensors-legacy/${name}.safetensors`, import.meta.url));

/** numpy type code -> dtype, and the values -3..2 as that type stores them (unsigned types wrap). */
const CODES = {
  B: { dtype: 'U8', values: [253, 254, 255, 0, 1, 2] },
  H: { dtype: 'U16', values: [65533, 65534, 65535, 0, 1, 2] },
  I: { dtype: 'U32', values: [4294967293, 4294967294, 4294967295, 0, 1, 2] },
  b: { dtype: 'I8', values: [-3, -2, -1, 0, 1, 2] },
  d: { dtype: 'F64', values: [-3, -2, -1, 0, 1, 2] },
  e: { dtype: 'F16', values: [-3, -2, -1, 0, 1, 2] },
  f: { dtype: 'F32', values: [-3, -2, -1, 0, 1, 2] },
  h: { dtype: 'I16', values: [-3, -2, -1, 0, 1, 2] },
  i: { dtype: 'I32', values: [-3, -2, -1, 0, 1, 2] },
} as const;

function values(t: Tensor): number[] {
  return t.dtype === 'F16' ? [...fromFloat16Array(t.data as Uint16Array)] : Array.from(t.data as ArrayLike<number>, Number);
}

describe('safetensors files from an early (pre-0.3, unaligned) writer', () => {
  for (const [code, { dtype, values: expected }] of Object.entries(CODES)) {
    it(`${code}.safetensors holds one ${dtype}[6] of -3..2 and metadata {test: a}`, async () => {
      const { header, tensors } = await readSafetensorsFile(fixture(code));
      expect(header.metadata).toEqual({ test: 'a' });
      expect([...tensors.keys()]).toEqual([code]);
      const t = tensors.get(code);
      expect(t?.dtype).toBe(dtype);
      expect(t?.shape).toEqual([6]);
      expect(t && values(t)).toEqual(expected);
    });
  }

  it.each([true, false])('overall.safetensors holds all nine, in name order, unaligned ones copied (mmap: %s)', async (mmap) => {
    const path = fixture('overall');
    const { header, tensors } = await readSafetensorsFile(path, { mmap });
    expect(header.headerLength).toBe(526);
    expect(header.entries.map((e) => e.name)).toEqual(['B', 'H', 'I', 'b', 'd', 'e', 'f', 'h', 'i']);
    for (const [code, { dtype, values: expected }] of Object.entries(CODES)) {
      const t = tensors.get(code);
      expect(t?.dtype).toBe(dtype);
      expect(t && values(t)).toEqual(expected);
      const size = t?.data.BYTES_PER_ELEMENT ?? 1;
      expect((t?.bytes.byteOffset ?? 0) % size).toBe(0);
    }
    const fromBytes = parseSafetensors(new Uint8Array(readFileSync(path)));
    for (const [name, t] of fromBytes.tensors) expect(t.equals(tensors.get(name) as Tensor)).toBe(true);
    expect(await readSafetensorsHeader(path)).toEqual(header);
    const d = await readSafetensorsTensor(path, 'd');
    expect(values(d)).toEqual([-3, -2, -1, 0, 1, 2]);
  });
});
