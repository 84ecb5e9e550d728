import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureState, getModelWeights, rebuildModel, restoreState, setupBackend, type TfjsState } from '../../../src/adapters/tfjs/index.js';
import { flattenState, unflattenState, type StateValue } from '../../../src/tensor/index.js';
import { batch, mlp, weightBytes } from './models.js';

beforeAll(async () => {
  await setupBackend();
});

const OPTIMIZERS: [string, () => tf.Optimizer, string[]][] = [
  ['Adam', () => tf.train.adam(0.01), ['m', 'v']],
  ['RMSProp', () => tf.train.rmsprop(0.01, 0.9, 0.5), ['rms', 'momentum']],
  ['RMSProp centered', () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true), ['rms', 'momentum', 'mg']],
  ['SGD', () => tf.train.sgd(0.1), []],
  ['Momentum', () => tf.train.momentum(0.1, 0.9), ['momentum']],
  ['Adagrad', () => tf.train.adagrad(0.1), ['accumulator']],
  ['Adadelta', () => tf.train.adadelta(1.0), ['accum_grad', 'accum_var']],
];

/** What a checkpoint does to a state: split into tensors + JSON, serialise the JSON, join back. */
function throughDisk(state: TfjsState): StateValue {
  const { tensors, skeleton } = flattenState(state);
  const copies = new Map([...tensors].map(([k, t]) => [k, t.clone()]));
  return unflattenState(copies, JSON.parse(JSON.stringify(skeleton)));
}

async function step(model: tf.LayersModel, seed: number): Promise<void> {
  const { x, y } = batch(seed);
  await model.trainOnBatch(x, y);
  tf.dispose([x, y]);
}

describe('TF.js model + optimizer round trip', () => {
  for (const [name, make, kinds] of OPTIMIZERS) {
    it(`${name}: identical weights and an identical next training step`, async () => {
      const a = mlp(1);
      a.compile({ optimizer: make(), loss: 'categoricalCrossentropy' });
      for (let i = 0; i < 3; i++) await step(a, 100 + i);
      const state = await captureState(a);
      expect(state.optimizer?.class_name).toBe(a.optimizer.getClassName());
      expect(state.optimizer?.iterations).toBe(3);
      expect(state.optimizer?.slot_kinds).toEqual(kinds);
      expect(Object.keys(state.optimizer?.slots ?? {})).toHaveLength(kinds.length * 4);

      const b = mlp(42);
      b.compile({ optimizer: make(), loss: 'categoricalCrossentropy' });
      expect(await weightBytes(b)).not.toEqual(await weightBytes(a));
      const report = await restoreState(b, throughDisk(state));
      expect(report.missing).toEqual([]);
      expect(report.loaded).toContain('model.hidden/kernel');
      expect(await weightBytes(b)).toEqual(await weightBytes(a));
      expect(b.optimizer.iterations).toBe(3);

      await step(a, 200);
      await step(b, 200);
      expect(await weightBytes(b)).toEqual(await weightBytes(a));
      const [sa, sb] = [await captureState(a), await captureState(b)];
      for (const [k, t] of Object.entries(sa.optimizer?.slots ?? {})) expect(sb.optimizer?.slots[k]?.equals(t), k).toBe(true);
      expect(sb.optimizer?.extra).toEqual(sa.optimizer?.extra);
      a.dispose();
      b.dispose();
    });
  }

  it('Adam keeps its running beta products, so even many steps resume bit-exactly', async () => {
    const a = mlp(3);
    a.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    for (let i = 0; i < 25; i++) await step(a, i);
    const state = await captureState(a);
    expect(Object.keys(state.optimizer?.extra ?? {})).toEqual(['accBeta1', 'accBeta2']);
    const b = await rebuildModel(throughDisk(state));
    for (let i = 0; i < 5; i++) {
      await step(a, 50 + i);
      await step(b, 50 + i);
    }
    expect(await weightBytes(b)).toEqual(await weightBytes(a));
  });

  it('a never-stepped optimizer saves only its iteration count and config', async () => {
    const a = mlp(1);
    a.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy' });
    const state = await captureState(a);
    expect(state.optimizer).toMatchObject({ class_name: 'Adam', iterations: 0, slot_kinds: [], slots: {} });
    expect(state.optimizer?.config.learningRate).toBe(0.002);
  });

  it('rebuildModel needs nothing but the state: same topology, weights, loss and optimizer', async () => {
    const a = mlp(5);
    a.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy' });
    await step(a, 1);
    const b = await rebuildModel(throughDisk(await captureState(a)));
    expect(b.layers.map((l) => l.name)).toEqual(['hidden', 'out']);
    expect(b.optimizer.getClassName()).toBe('RMSProp');
    expect(await weightBytes(b)).toEqual(await weightBytes(a));
    const { x } = batch(9);
    const [pa, pb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
    expect(Array.from(await pb.data())).toEqual(Array.from(await pa.data()));
  });

  it('stores weights as F32 tensors named by layer', async () => {
    const w = await getModelWeights(mlp(1));
    expect(Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.toString()]))).toEqual({
      'hidden/kernel': 'F32[5,8]', 'hidden/bias': 'F32[8]', 'out/kernel': 'F32[8,3]', 'out/bias': 'F32[3]',
    });
  });

  it('refuses Adamax, whose state TF.js cannot export, with E_UNSUPPORTED', async () => {
    const a = mlp(1);
    a.compile({ optimizer: tf.train.adamax(0.01), loss: 'categoricalCrossentropy' });
    await expect(captureState(a)).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
  });
});
