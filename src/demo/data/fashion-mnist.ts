/**
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` package (`/usr/share/datasets/fashion-mnist/`,
 * IDX files, gzip-compressed): 60,000 training and 10,000 test images of 28x28 pixels, 10 classes.
 *
 * @module
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CkptError, fromSystemError } from '../../errors.js';
import type { Dataset } from './dataset.js';

/** Where Debian's package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The classes, in label order. */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const IDX_UBYTE = 0x08;

/** Parses an IDX file of unsigned bytes; returns its dimensions and data. Throws `E_CORRUPT` when malformed. */
export function parseIdx(buf: Uint8Array, what: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 4 || view.getUint16(0) !== 0 || view.getUint8(2) !== IDX_UBYTE) throw new CkptError('E_CORRUPT', `${what} is not an IDX file of unsigned bytes`);
  const rank = view.getUint8(3);
  if (rank < 1 || rank > 4 || buf.byteLength < 4 + 4 * rank) throw new CkptError('E_CORRUPT', `${what} has a bad IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (buf.byteLength !== start + size) throw new CkptError('E_CORRUPT', `${what} holds ${buf.byteLength - start} bytes of data, its header says ${size}`);
  return { dims, data: buf.subarray(start) };
}

async function readIdx(dir: string, base: string): Promise<{ dims: number[]; data: Uint8Array }> {
  for (const [name, gz] of [[`${base}.gz`, true], [base, false]] as const) {
    const path = join(dir, name);
    try {
      await access(path);
    } catch {
      continue;
    }
    try {
      const raw = await readFile(path);
      return parseIdx(gz ? gunzipSync(raw) : raw, path);
    } catch (err) {
      throw fromSystemError(err, 'reading Fashion-MNIST', path);
    }
  }
  throw new CkptError('E_NOT_FOUND', `Fashion-MNIST is not installed (no ${join(dir, `${base}.gz`)}); install it with: sudo apt-get install dataset-fashion-mnist`, { details: { path: join(dir, base) } });
}

async function part(dir: string, prefix: 'train' | 't10k'): Promise<Dataset> {
  const images = await readIdx(dir, `${prefix}-images-idx3-ubyte`);
  const labels = await readIdx(dir, `${prefix}-labels-idx1-ubyte`);
  const [n = 0, h = 0, w = 0] = images.dims;
  if (labels.dims[0] !== n || images.dims.length !== 3) throw new CkptError('E_CORRUPT', `Fashion-MNIST ${prefix}: ${n} images but ${labels.dims[0] ?? 0} labels`);
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] ?? 0;
  return { x, y: Int32Array.from(labels.data), n, exampleShape: [h, w, 1], numClasses: 10, classNames: FASHION_CLASSES };
}

/** Loads the training and test parts (`dir` defaults to {@link FASHION_MNIST_DIR}); `E_NOT_FOUND` says how to install them. */
export async function loadFashionMnist(dir: string = FASHION_MNIST_DIR): Promise<{ train: Dataset; test: Dataset }> {
  return { train: await part(dir, 'train'), test: await part(dir, 't10k') };
}
