import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureState, restoreState, setupBackend, trainLoop, type LoopState } from '../../../src/adapters/tfjs/index.js';
import { flattenState, unflattenState, type StateObject } from '../../../src/tensor/index.js';
import { mlp, weightBytes } from './models.js';

let x: tf.Tensor2D;
let y: tf.Tensor2D;

beforeAll(async () => {
  await setupBackend();
  x = tf.randomNormal([50, 5], 0, 1, 'float32', 11) as tf.Tensor2D;
  y = tf.oneHot(tf.randomUniform([50], 0, 3, 'int32', 12) as tf.Tensor1D, 3).toFloat() as tf.Tensor2D;
});
afterAll(() => tf.dispose([x, y]));

function compiled(seed: number): tf.LayersModel {
  const m = mlp(seed);
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return m;
}

describe('trainLoop', () => {
  it('stops at a batch boundary mid-epoch and resumes (from a saved state) to the same weights and losses', async () => {
    const full = compiled(1);
    const fullEpochs: number[] = [];
    await trainLoop({ model: full, x, y, epochs: 3, batchSize: 8, seed: 5, onEpochEnd: (e) => void fullEpochs.push(e.loss) });

    const first = compiled(1);
    const controller = new AbortController();
    const stopped = await trainLoop({
      model: first, x, y, epochs: 3, batchSize: 8, seed: 5, signal: controller.signal,
      onBatchEnd: (b) => { if (b.epoch === 1 && b.batch === 4) controller.abort(); },
    });
    expect(stopped.completed).toBe(false);
    expect(stopped.state).toMatchObject({ epoch: 1, batch: 4, step: 7 + 4 });

    const saved = flattenState({ ...(await captureState(first)), trainer: stopped.state });
    const back = unflattenState(saved.tensors, JSON.parse(JSON.stringify(saved.skeleton))) as StateObject;
    const second = compiled(99);
    await restoreState(second, back);
    const resumedEpochs: number[] = [];
    const done = await trainLoop({ model: second, x, y, epochs: 3, batchSize: 8, seed: 5, resume: back.trainer as LoopState, onEpochEnd: (e) => void resumedEpochs.push(e.loss) });
    expect(done.completed).toBe(true);
    expect(done.state.step).toBe(21);
    expect(await weightBytes(second)).toEqual(await weightBytes(full));
    expect(resumedEpochs).toEqual(fullEpochs.slice(1));
  });

  it('shuffles differently per epoch and per seed, identically for the same seed', async () => {
    const orders = async (seed: number): Promise<number[][]> => {
      const seen: number[][] = [];
      const probe = compiled(1);
      const xi = tf.range(0, 50).reshape([50, 1]).tile([1, 5]);
      const original = probe.trainOnBatch.bind(probe);
      probe.trainOnBatch = async (xb, yb) => {
        seen.push(Array.from(await (xb as tf.Tensor).slice([0, 0], [-1, 1]).data()));
        return original(xb, yb);
      };
      await trainLoop({ model: probe, x: xi, y, epochs: 2, batchSize: 50, seed });
      xi.dispose();
      return seen;
    };
    const [a, b, c] = [await orders(1), await orders(1), await orders(2)];
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    expect(a[0]).not.toEqual(c[0]);
    expect([...(a[0] ?? [])].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses to resume a data order drawn for another batch size', async () => {
    const m = compiled(1);
    const r = await trainLoop({ model: m, x, y, epochs: 1, batchSize: 8, seed: 1 });
    await expect(trainLoop({ model: m, x, y, epochs: 2, batchSize: 16, resume: r.state })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
