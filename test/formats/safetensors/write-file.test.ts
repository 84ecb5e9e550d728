import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensorsFile, type LazyTensor } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';

const tmp = useTempDirs();

describe('writeSafetensorsFile replaces the file atomically', () => {
  it('a write that fails midway leaves the previous file byte for byte, and no temp file', async () => {
    const dir = tmp();
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsFile(path, new Map([['w', Tensor.from('F32', [4], [1, 2, 3, 4])]]));
    const before = readFileSync(path);
    const failing: LazyTensor = {
      dtype: 'F32',
      shape: [1 << 20],
      byteLength: 4 << 20,
      async *chunks() {
        yield new Uint8Array(1 << 20);
        throw new Error('source went away');
      },
    };
    await expect(writeSafetensorsFile(path, new Map([['w', failing]]))).rejects.toThrow(/source went away/);
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('writes a device directly (no rename over /dev/null)', async () => {
    await expect(writeSafetensorsFile('/dev/null', new Map([['w', Tensor.from('U8', [2], [1, 2])]]))).resolves.toEqual({ byteLength: expect.any(Number) });
  });
});
