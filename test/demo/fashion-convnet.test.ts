/**
 * The Fashion-MNIST path end to end on a small synthetic copy of Debian's files: the convnet
 * trains on wasm (with ckpt's Conv2DBackpropFilter kernel) and resumes bit-exactly.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/adapters/tfjs/rng.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { useTempDirs } from '../helpers/tmp.js';

const tmp = useTempDirs();

function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

/** Images whose label is drawn as a bright band at row 2*label: learnable, and cheap. */
async function syntheticFashion(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rng = Rng.seeded(3);
  for (const part of ['train', 't10k']) {
    const labels = Uint8Array.from({ length: n }, () => rng.nextInt(10));
    const pixels = new Uint8Array(n * 28 * 28);
    labels.forEach((label, i) => {
      for (let p = 0; p < 28 * 28; p++) pixels[i * 784 + p] = rng.nextInt(60);
      for (let c = 0; c < 28; c++) pixels[i * 784 + (2 * label + 4) * 28 + c] = 255;
    });
    await writeFile(join(dir, `${part}-images-idx3-ubyte.gz`), gzipSync(idx([n, 28, 28], pixels)));
    await writeFile(join(dir, `${part}-labels-idx1-ubyte.gz`), gzipSync(idx([n], labels)));
  }
}

const quiet = { line: () => undefined, note: () => undefined };

describe('ckpt demo --dataset fashion-mnist (synthetic copy)', () => {
  it('trains the convnet on wasm and resumes it bit-exactly', async () => {
    const data = join(tmp('fmnist-data'), 'fashion-mnist');
    await syntheticFashion(data, 240);
    const base = { dataset: 'fashion-mnist' as const, epochs: 2, seed: 3, fashionMnistDir: data };
    const full = await runDemo({ ...base, runDir: join(tmp('fmnist-run'), 'run'), output: quiet });
    expect(full.status).toBe('completed');
    expect(full.summary.backend).toBe('wasm');
    expect(full.summary.test_metrics?.n_samples).toBe(240);
    expect(full.summary.class_names[9]).toBe('Ankle boot');

    const dir = join(tmp('fmnist-run'), 'run');
    const controller = new AbortController();
    const first = await runDemo({ ...base, runDir: dir, signal: controller.signal, output: { ...quiet, line: (s: string) => { if (s.startsWith('epoch 1/')) controller.abort(); } } });
    expect(first.status).toBe('interrupted');
    const resumed = await runDemo({ ...base, runDir: dir, resume: true, output: quiet });
    expect(resumed.summary.final_weights_sha256).toBe(full.summary.final_weights_sha256);
    expect(resumed.summary.test_metrics).toEqual(full.summary.test_metrics);
  });
});
