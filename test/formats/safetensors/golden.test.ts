import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from '../../../src/formats/safetensors/index.js';
import { compareCodePoints } from '../../../src/formats/safetensors/plan.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { collect } from './bytes.js';

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const lengthPrefix = (n: number) => [n, 0, 0, 0, 0, 0, 0, 0];
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

/** The reference implementation's own unit-test outputs (formats.md 1.2), byte for byte. */
describe('safetensors writer golden vectors', () => {
  it('empty dict, no metadata: 16 bytes', async () => {
    const bytes = await collect(serializeSafetensors(new Map()));
    expect([...bytes]).toEqual([...lengthPrefix(8), ...ascii('{}      ')]);
  });

  it('empty dict with metadata {framework: pt}: N=40', async () => {
    const s = serializeSafetensors(new Map(), { metadata: { framework: 'pt' } });
    const bytes = await collect(s);
    expect([...bytes]).toEqual([...lengthPrefix(40), ...ascii('{"__metadata__":{"framework":"pt"}}     ')]);
    expect(s.byteLength).toBe(48);
  });

  it('one F32 tensor "attn.0" [1,2,3] = 0..5: N=64, no padding', async () => {
    const t = Tensor.from('F32', [1, 2, 3], [0, 1, 2, 3, 4, 5]);
    const s = serializeSafetensors(new Map([['attn.0', t]]));
    const bytes = await collect(s);
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect([...bytes]).toEqual([...lengthPrefix(64), ...ascii(json), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
    expect(s.header).toEqual({ headerLength: 64, dataOffset: 72, metadata: {}, entries: [{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], begin: 0, end: 24 }] });
  });

  it('"attn0" [1,1,2,3]: 65-byte JSON padded with 7 spaces to N=72', async () => {
    const t = Tensor.from('F32', [1, 1, 2, 3], [0, 1, 2, 3, 4, 5]);
    const bytes = await collect(serializeSafetensors(new Map([['attn0', t]])));
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    expect([...bytes]).toEqual([...lengthPrefix(72), ...ascii(`${json}       `), ...f32Bytes([0, 1, 2, 3, 4, 5])]);
  });

  it('F4 [1,2] from one byte: padded to N=64', async () => {
    const t = new Tensor('F4', [1, 2], new Uint8Array([0x21]));
    const bytes = await collect(serializeSafetensors(new Map([['attn.0', t]])));
    const json = '{"attn.0":{"dtype":"F4","shape":[1,2],"data_offsets":[0,1]}}';
    expect([...bytes]).toEqual([...lengthPrefix(64), ...ascii(`${json}    `), 0x21]);
    expect(parseSafetensors(bytes).tensors.get('attn.0')?.bytes).toEqual(new Uint8Array([0x21]));
  });

  it('orders by dtype alignment descending, then by name byte-wise, with metadata first', async () => {
    const tensors = new Map<string, Tensor>([
      ['b', Tensor.from('U8', [1], [1])],
      ['a', Tensor.from('F16', [1], [0])],
      ['z', Tensor.from('F64', [1], [2])],
      ['\u{1F600}', Tensor.from('I32', [1], [3])],
      ['\uFFFD', Tensor.from('I32', [1], [4])],
      ['m', Tensor.from('I64', [1], [5n])],
    ]);
    const s = serializeSafetensors(tensors, { metadata: { format: 'pt', other: 'x' } });
    // U64 > I64 > F64 > C64 > F32 > U32 > I32 > ... > F16 > ... > U8 > ... > BOOL (enum order, descending).
    // UTF-8 order puts U+FFFD (EF BF BD) before U+1F600 (F0 9F 98 80), unlike UTF-16 code-unit order.
    expect(s.header.entries.map((e) => e.name)).toEqual(['m', 'z', '\uFFFD', '\u{1F600}', 'a', 'b']);
    const bytes = await collect(s);
    const text = Buffer.from(bytes.subarray(8, s.header.dataOffset)).toString('utf8');
    expect(text.startsWith('{"__metadata__":{"format":"pt","other":"x"},"m":')).toBe(true);
    expect(s.header.dataOffset % 8).toBe(0);
    for (const e of s.header.entries) expect(e.begin % (e.dtype === 'I32' ? 4 : e.dtype === 'F16' ? 2 : e.dtype === 'U8' ? 1 : 8)).toBe(0);
  });
});

describe('compareCodePoints', () => {
  it('orders like the UTF-8 bytes of the strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      const byBytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      expect(Math.sign(compareCodePoints(a, b))).toBe(byBytes);
    }), { numRuns: 2000 });
  });
});
