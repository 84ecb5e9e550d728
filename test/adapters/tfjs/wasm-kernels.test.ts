import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/adapters/tfjs/index.js';

beforeAll(async () => {
  await setupBackend();
});

/** The filter gradient of sum(conv2d(x, w) * probe) on a backend. */
async function filterGrad(backend: string, x: tf.Tensor4D, w: tf.Tensor4D, probe: tf.Tensor, strides: [number, number], pad: 'same' | 'valid'): Promise<Float32Array> {
  await tf.setBackend(backend);
  const xs = tf.tensor(await x.data(), x.shape) as tf.Tensor4D;
  const ws = tf.tensor(await w.data(), w.shape) as tf.Tensor4D;
  const ps = tf.tensor(await probe.data(), probe.shape);
  const g = tf.grad((f: tf.Tensor) => tf.conv2d(xs, f as tf.Tensor4D, strides, pad).mul(ps).sum())(ws);
  const out = (await g.data()) as Float32Array;
  tf.dispose([xs, ws, ps, g]);
  return out;
}

describe('wasm Conv2DBackpropFilter (registered by ckpt)', () => {
  for (const [strides, pad] of [[[1, 1], 'valid'], [[1, 1], 'same'], [[2, 2], 'same'], [[2, 1], 'valid']] as const) {
    it(`matches the cpu backend's filter gradient (strides ${strides.join('x')}, pad ${pad})`, async () => {
      const x = tf.randomNormal([3, 9, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const outShape = tf.conv2d(x, w, [...strides], pad).shape;
      const probe = tf.randomNormal(outShape, 0, 1, 'float32', 3);
      const cpu = await filterGrad('cpu', x, w, probe, [...strides], pad);
      const wasm = await filterGrad('wasm', x, w, probe, [...strides], pad);
      expect(wasm.length).toBe(3 * 3 * 2 * 4);
      for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i] ?? NaN, 4);
      tf.dispose([x, w, probe]);
    });
  }
});
