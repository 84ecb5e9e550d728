import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readSafetensorsFile, readSafetensorsHeader, readSafetensorsLazy, readSafetensorsTensor, serializeSafetensors, type LazyTensor,
} from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';

const BIG = 5 * 2 ** 30;

/** A sparse 5 GiB safetensors file (no disk space used): a 5 GiB U8 tensor of zeros, then "tail" = [1,2,3,4] past 4 GiB. */
async function sparseFile(dir: string): Promise<string> {
  const big: LazyTensor = { dtype: 'U8', shape: [BIG], byteLength: BIG, chunks: async function* () { /* never consumed */ } };
  const s = serializeSafetensors(new Map<string, Tensor | LazyTensor>([['big', big], ['tail', Tensor.from('U8', [4], [1, 2, 3, 4])]]));
  const path = join(dir, 'sparse.safetensors');
  const fd = openSync(path, 'w');
  try {
    for await (const headerBytes of s.chunks()) {
      writeSync(fd, headerBytes, 0, headerBytes.byteLength, 0);
      break;
    }
    writeSync(fd, new Uint8Array([1, 2, 3, 4]), 0, 4, s.header.dataOffset + BIG);
  } finally {
    closeSync(fd);
  }
  truncateSync(path, s.byteLength);
  return path;
}

describe('safetensors files over 4 GiB (sparse)', () => {
  const tempDir = useTempDirs();

  it('reads the header and a tensor that lies past 4 GiB by byte range', async () => {
    const path = await sparseFile(tempDir());
    const header = await readSafetensorsHeader(path);
    expect(header.entries.map((e) => [e.name, e.begin, e.end])).toEqual([['big', 0, BIG], ['tail', BIG, BIG + 4]]);
    expect(header.dataOffset + BIG + 4).toBe(statSync(path).size);
    const tail = await readSafetensorsTensor(path, 'tail');
    expect([...tail.bytes]).toEqual([1, 2, 3, 4]);
  });

  it('refuses with E_LIMIT, before allocating, a single tensor larger than one array can hold; the lazy reader streams it', async () => {
    const path = await sparseFile(tempDir());
    await expect(readSafetensorsFile(path)).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(readSafetensorsTensor(path, 'big')).rejects.toMatchObject({ code: 'E_LIMIT' });
    const { tensors } = await readSafetensorsLazy(path);
    const big = tensors.get('big');
    expect(big?.byteLength).toBe(BIG);
    let first: Uint8Array | undefined;
    for await (const chunk of big?.chunks() ?? []) {
      first = chunk;
      break;
    }
    expect(first?.byteLength).toBe(16 * 2 ** 20);
    expect(first?.every((b) => b === 0)).toBe(true);
  });
});
