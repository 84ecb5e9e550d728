import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { mmapSupport } from '../../../src/util/mmap.js';
import { useTempDirs } from '../../helpers/tmp.js';

const tmp = useTempDirs();

describe.runIf(mmapSupport().available)('readSafetensorsFile with memory maps (the default)', () => {
  it('returns zero-copy views of one map, and writes into them never reach the file', async () => {
    const path = join(tmp(), 'm.safetensors');
    const a = new Float32Array(300_000).map((_, i) => i);
    const b = new Int32Array(1000).map((_, i) => -i);
    await writeSafetensorsFile(path, new Map<string, Tensor>([['a', Tensor.from('F32', [a.length], a)], ['b', Tensor.from('I32', [b.length], b)]]), { fsync: false });
    const before = readFileSync(path);
    const { tensors } = await readSafetensorsFile(path);
    const ta = tensors.get('a') as Tensor;
    const tb = tensors.get('b') as Tensor;
    expect(ta.bytes.buffer).toBe(tb.bytes.buffer); // one map, two views
    expect(ta.bytes.buffer.byteLength).toBeGreaterThanOrEqual(before.byteLength - 8); // the map spans the data, not a copy per tensor
    (ta.data as Float32Array).fill(-1);
    (tb.data as Int32Array)[0] = 42;
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
    expect((ta.data as Float32Array)[123]).toBe(-1);
  });

  it('keeps the tensors it returned intact when the same path is written again (the writer renames a new file into place)', async () => {
    const dir = tmp();
    const path = join(dir, 'm.safetensors');
    const x = new Float64Array(50_000).map((_, i) => i / 3);
    await writeSafetensorsFile(path, new Map([['x', Tensor.from('F64', [x.length], x)]]), { fsync: false });
    const { tensors } = await readSafetensorsFile(path);
    await writeSafetensorsFile(path, new Map([['x', Tensor.from('F64', [x.length], new Float64Array(x.length))]]), { fsync: false });
    const back = (tensors.get('x') as Tensor).data as Float64Array;
    expect(back.every((v, i) => v === x[i])).toBe(true);
    // Saving the loaded tensors back over their own file (load, edit, save) keeps them too.
    (tensors.get('x') as Tensor).data[0] = 99;
    await writeSafetensorsFile(path, tensors, { fsync: false });
    const again = (await readSafetensorsFile(path)).tensors.get('x') as Tensor;
    expect((again.data as Float64Array)[0]).toBe(99);
    expect((again.data as Float64Array).subarray(1).every((v, i) => v === x[i + 1])).toBe(true);
  });
});
