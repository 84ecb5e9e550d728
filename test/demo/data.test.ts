import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseFeatureCsv } from '../../src/demo/data/csv.js';
import { loadDigits } from '../../src/demo/data/digits.js';
import { loadFashionMnist, parseIdx } from '../../src/demo/data/fashion-mnist.js';
import { splitDataset } from '../../src/demo/data/split.js';
import { useTempDirs } from '../helpers/tmp.js';

const tmp = useTempDirs();

describe('the bundled digits set', () => {
  it('loads 1797 raw 8x8 images with the class counts scikit-learn reports', async () => {
    const d = await loadDigits();
    expect([d.n, d.exampleShape, d.numClasses]).toEqual([1797, [64], 10]);
    const counts = Array.from({ length: 10 }, (_, k) => d.y.filter((v) => v === k).length);
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(d.x.subarray(0, 64).reduce((a, b) => a + b, 0)).toBe(294);
    expect(Math.max(...d.x)).toBe(16);
  });

  it('splits with a fixed seed into disjoint test / validation / train parts', async () => {
    const d = await loadDigits();
    const withIds = { ...d, y: Int32Array.from({ length: d.n }, (_, i) => i), numClasses: d.n };
    const a = splitDataset(withIds);
    expect([a.test.n, a.val.n, a.train.n]).toEqual([359, 269, 1169]);
    const all = [...a.test.y, ...a.val.y, ...a.train.y].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: d.n }, (_, i) => i));
    expect(Array.from(splitDataset(withIds).test.y)).toEqual(Array.from(a.test.y));
    expect(Array.from(splitDataset(withIds, { seed: 1 }).test.y)).not.toEqual(Array.from(a.test.y));
    expect(() => splitDataset(d, { valFraction: 0.5, testFraction: 0.5 })).toThrow(/valFraction/);
  });
});

describe('feature CSV', () => {
  it('takes the last column as the label without a header, and the "label" column with one', () => {
    const plain = parseFeatureCsv('1,2,0\n3,4,2\n');
    expect([Array.from(plain.x), Array.from(plain.y), plain.numClasses, plain.exampleShape]).toEqual([[1, 2, 3, 4], [0, 2], 3, [2]]);
    const named = parseFeatureCsv('a,label,b\r\n1,1,2\r\n3,0,4\r\n', { numClasses: 4 });
    expect([Array.from(named.x), Array.from(named.y), named.numClasses]).toEqual([[1, 2, 3, 4], [1, 0], 4]);
  });

  it('names the line and column of bad input', () => {
    expect(() => parseFeatureCsv('1,2,0\n3,x,1\n', { source: 'f.csv' })).toThrow('f.csv line 2 column 2: "x" is not a number');
    expect(() => parseFeatureCsv('1,2,0\n3,1\n')).toThrow('line 2 has 2 fields, expected 3');
    expect(() => parseFeatureCsv('a,b,c\n1,2,3\n')).toThrow(/without a "label" column/);
    expect(() => parseFeatureCsv('1,2,-1\n')).toThrow(expect.objectContaining({ code: 'E_LABEL_RANGE' }));
    expect(() => parseFeatureCsv('1,2,5\n', { numClasses: 3 })).toThrow(expect.objectContaining({ code: 'E_LABEL_RANGE' }));
    expect(() => parseFeatureCsv('\n')).toThrow(expect.objectContaining({ code: 'E_EMPTY_INPUT' }));
    expect(() => parseFeatureCsv('f,label\n')).toThrow(expect.objectContaining({ code: 'E_EMPTY_INPUT' }));
  });
});

function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('Fashion-MNIST (IDX files)', () => {
  it('parses IDX headers and refuses malformed ones', () => {
    const parsed = parseIdx(idx([2, 2], [1, 2, 3, 4]), 't');
    expect([parsed.dims, Array.from(parsed.data)]).toEqual([[2, 2], [1, 2, 3, 4]]);
    expect(() => parseIdx(idx([2, 2], [1, 2, 3]), 't')).toThrow(/header says 4/);
    expect(() => parseIdx(Buffer.from([0, 0, 9, 1, 0, 0, 0, 1, 5]), 't')).toThrow(/not an IDX file/);
    expect(() => parseIdx(Buffer.from([0, 0, 8]), 't')).toThrow(/not an IDX file/);
  });

  it('loads the Debian package layout (gzip IDX) as raw 28x28x1 images', async () => {
    const dir = tmp('fmnist');
    await mkdir(dir, { recursive: true });
    const pixels = Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256);
    for (const p of ['train', 't10k']) {
      await writeFile(join(dir, `${p}-images-idx3-ubyte.gz`), gzipSync(idx([2, 28, 28], pixels)));
      await writeFile(join(dir, `${p}-labels-idx1-ubyte.gz`), gzipSync(idx([2], [9, 0])));
    }
    const { train, test } = await loadFashionMnist(dir);
    expect([train.n, train.exampleShape, Array.from(test.y), train.x[255], train.classNames[9]]).toEqual([2, [28, 28, 1], [9, 0], 255, 'Ankle boot']);
  });

  it('says how to install it when it is missing', async () => {
    await expect(loadFashionMnist(join(tmp(), 'none'))).rejects.toThrow('apt-get install dataset-fashion-mnist');
  });
});
