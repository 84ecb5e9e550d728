import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureState, loadModelWeights, restoreState, setupBackend } from '../../../src/adapters/tfjs/index.js';
import { CkptError } from '../../../src/errors.js';
import { batch, mlp, weightBytes } from './models.js';

beforeAll(async () => {
  await setupBackend();
});

async function trainedState(hidden: number) {
  const m = mlp(1, hidden);
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const { x, y } = batch(1);
  await m.trainOnBatch(x, y);
  return { model: m, state: await captureState(m) };
}

function withExtraLayer(seed: number): tf.Sequential {
  const m = mlp(seed, 8);
  m.add(tf.layers.dense({ name: 'extra', units: 2 }));
  return m;
}

describe('strict loading (load_state_dict semantics)', () => {
  it('a different layer size fails with one E_ARCH_MISMATCH listing every mismatch, and changes nothing', async () => {
    const { state } = await trainedState(8);
    const target = mlp(7, 16);
    target.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const before = await weightBytes(target);
    const err = await restoreState(target, state).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CkptError);
    const e = err as CkptError;
    expect(e.code).toBe('E_ARCH_MISMATCH');
    expect(e.details.mismatched).toEqual([
      'model.hidden/kernel: checkpoint F32[5,8], model F32[5,16]',
      'model.hidden/bias: checkpoint F32[8], model F32[16]',
      'model.out/kernel: checkpoint F32[8,3], model F32[16,3]',
      'optimizer.hidden/kernel/m: checkpoint F32[5,8], model F32[5,16]',
      'optimizer.hidden/bias/m: checkpoint F32[8], model F32[16]',
      'optimizer.out/kernel/m: checkpoint F32[8,3], model F32[16,3]',
      'optimizer.hidden/kernel/v: checkpoint F32[5,8], model F32[5,16]',
      'optimizer.hidden/bias/v: checkpoint F32[8], model F32[16]',
      'optimizer.out/kernel/v: checkpoint F32[8,3], model F32[16,3]',
    ]);
    expect(e.details.missing).toEqual([]);
    expect(e.message).toContain('model.hidden/kernel: checkpoint F32[5,8], model F32[5,16]');
    expect(e.message).toContain('strict: false');
    expect(await weightBytes(target)).toEqual(before);
  });

  it('non-strict loads the tensors that fit and reports the rest', async () => {
    const { model: source, state } = await trainedState(8);
    const target = mlp(7, 16);
    const report = await restoreState(target, state, { strict: false, weightsOnly: true });
    expect(report.loaded).toEqual(['model.out/bias']);
    expect(report.mismatched.map((m) => m.key)).toEqual(['model.hidden/kernel', 'model.hidden/bias', 'model.out/kernel']);
    const got = await target.getLayer('out').getWeights()[1]?.data();
    const want = await source.getLayer('out').getWeights()[1]?.data();
    expect(Array.from(got ?? [])).toEqual(Array.from(want ?? []));
  });

  it('missing and unexpected keys are listed; non-strict loads the shared layers', async () => {
    const { model: source, state } = await trainedState(8);
    const bigger = withExtraLayer(3);
    const err = await restoreState(bigger, state, { weightsOnly: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_ARCH_MISMATCH', details: { missing: ['model.extra/kernel', 'model.extra/bias'], unexpected: [] } });

    const smaller = tf.sequential({ layers: [tf.layers.dense({ name: 'hidden', units: 8, inputShape: [5] })] });
    const report = loadModelWeights(smaller, state.model, { strict: false });
    expect(report.unexpected).toEqual(['out/kernel', 'out/bias']);
    expect(report.loaded).toEqual(['hidden/kernel', 'hidden/bias']);
    expect((await weightBytes(smaller))['hidden/kernel']).toEqual((await weightBytes(source))['hidden/kernel']);
  });

  it('an optimizer of another class is reported, not silently loaded', async () => {
    const { state } = await trainedState(8);
    const target = mlp(2, 8);
    target.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await expect(restoreState(target, state)).rejects.toThrow(/Adam state, the model's optimizer is SGD/);
    const report = await restoreState(target, state, { strict: false });
    expect(report.loaded).toHaveLength(4);
    expect(report.notes).toHaveLength(1);
  });

  it('rejects a state that is not a TF.js state with E_WRONG_KIND', async () => {
    await expect(restoreState(mlp(1), { format: 'other' })).rejects.toMatchObject({ code: 'E_WRONG_KIND' });
  });
});

describe('weights-only checkpoints', () => {
  it('strict loading into a compiled model asks for weightsOnly; weightsOnly loads them', async () => {
    const source = mlp(1);
    const state = await captureState(source, { weightsOnly: true });
    expect(state.optimizer).toBeNull();
    const target = mlp(2);
    target.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await expect(restoreState(target, state)).rejects.toThrow(/weightsOnly: true/);
    const report = await restoreState(target, state, { weightsOnly: true });
    expect(report.loaded).toHaveLength(4);
    expect(await weightBytes(target)).toEqual(await weightBytes(source));
  });
});
