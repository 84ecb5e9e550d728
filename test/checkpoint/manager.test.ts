import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { parseSafetensors } from '../../src/formats/safetensors/index.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { OrderedDict, Tuple, type StateObject } from '../../src/tensor/state-tree.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { manualClock, trainingState, warnings } from './fixtures.js';

const open = (store = new MemoryStore(), options: Parameters<typeof CheckpointManager.open>[1] = {}): Promise<CheckpointManager> =>
  CheckpointManager.open('run', { store, onWarning: () => undefined, gitCwd: '/', ...options });

describe('CheckpointManager save and restore', () => {
  for (const async of [false, true]) {
    it(`round-trips a state tree exactly (async: ${async})`, async () => {
      const store = new MemoryStore();
      const m = await open(store, { async });
      const state = trainingState(3);
      const r = await m.save({ epoch: 3, step: 300, metrics: { loss: 0.5 }, state });
      expect(r).toMatchObject({ saved: true, name: 'epoch=0003-step=300', reasons: ['every call'], pending: async });
      await m.wait();
      const { state: back, record } = await m.restore('latest');
      expect(record).toMatchObject({ name: 'epoch=0003-step=300', epoch: 3, step: 300, metrics: { loss: 0.5 } });
      const b = back as StateObject;
      const s = state as StateObject;
      expect(((b.model as StateObject)['layer.weight'] as Tensor).equals((s.model as StateObject)['layer.weight'] as Tensor)).toBe(true);
      const opt = (b.optimizer as StateObject).state as Map<number, StateObject>;
      expect([...opt.keys()]).toEqual([0]);
      expect((opt.get(0)?.exp_avg as Tensor).data).toEqual(((((s.optimizer as StateObject).state as Map<number, StateObject>).get(0))?.exp_avg as Tensor).data);
      expect((b.rng as StateObject).seed).toBe(3n * 2n ** 40n);
      expect((b.rng as StateObject).state).toBeInstanceOf(Tuple);
      expect((b.counts as Tensor).data).toEqual(new BigInt64Array([3n]));
      await m.close();
    });
  }

  it('writes HF-style model.safetensors, optimizer.safetensors, extra.safetensors, state.json and manifest.json', async () => {
    const store = new MemoryStore();
    const m = await open(store, { async: false });
    await m.save({ epoch: 0, step: 1, state: trainingState(1) });
    const keys = await store.list('checkpoints/');
    expect(keys).toEqual(['extra', 'manifest.json', 'model', 'optimizer', 'state.json'].map((f) => `checkpoints/epoch=0000-step=1/${f}${f.endsWith('json') ? '' : '.safetensors'}`).sort());
    const model = parseSafetensors(await store.get('checkpoints/epoch=0000-step=1/model.safetensors'));
    expect([...model.tensors.keys()].sort()).toEqual(['bias', 'layer.weight']);
    expect(model.header.metadata).toEqual({ format: 'pt' });
    const opt = parseSafetensors(await store.get('checkpoints/epoch=0000-step=1/optimizer.safetensors'));
    expect([...opt.tensors.keys()]).toEqual(['state.0.exp_avg']);
    const extra = parseSafetensors(await store.get('checkpoints/epoch=0000-step=1/extra.safetensors'));
    expect([...extra.tensors.keys()]).toEqual(['counts']);
    const stateJson = JSON.parse(new TextDecoder().decode(await store.get('checkpoints/epoch=0000-step=1/state.json'))) as Record<string, unknown>;
    expect(stateJson).toMatchObject({ format: 'ckpt.state', version: 1, epoch: 0, step: 1, framework: { library: 'ckpt' } });
    const manifest = JSON.parse(new TextDecoder().decode(await store.get('checkpoints/epoch=0000-step=1/manifest.json'))) as { files: Record<string, { size: number }> };
    expect(Object.keys(manifest.files).sort()).toEqual(['extra.safetensors', 'model.safetensors', 'optimizer.safetensors', 'state.json']);
    for (const [f, { size }] of Object.entries(manifest.files)) expect((await store.stat(`checkpoints/epoch=0000-step=1/${f}`))?.size).toBe(size);
    expect(JSON.parse(new TextDecoder().decode(await store.get('run.json')))).toMatchObject({ format: 'ckpt.run', git: null, hparams: {} });
    await m.close();
  });

  it('keeps a state without tensors and an OrderedDict at the root', async () => {
    const m = await open(new MemoryStore(), { async: false });
    const od = new OrderedDict([[2, 'b'], [1, 'a']]);
    await m.save({ epoch: 0, step: 0, state: od });
    const { state } = await m.restore(0);
    expect(state).toBeInstanceOf(OrderedDict);
    expect([...(state as OrderedDict).keys()]).toEqual([2, 1]);
    await m.close();
  });

  it('asks the save policies and reports skips with reasons; triggers always save', async () => {
    const m = await open(new MemoryStore(), { async: false, monitor: 'val_loss', saveOnImprovementOnly: true, everyNEpochs: 3 });
    const results = [];
    for (const [epoch, loss] of [[0, 0.9], [1, 0.95], [2, 0.99], [3, 0.5], [4, 0.6]] as const) {
      results.push(await m.save({ epoch, step: epoch * 10, metrics: { val_loss: loss }, state: trainingState(epoch) }));
    }
    expect(results.map((r) => r.saved)).toEqual([true, false, true, true, false]);
    expect(results[2]?.reasons).toEqual(['every 3 epochs (epoch 2)']);
    expect(results[3]?.reasons).toEqual(['val_loss improved 0.9 -> 0.5']);
    const forced = await m.save({ epoch: 4, step: 45, state: trainingState(9), trigger: 'force' });
    expect(forced).toMatchObject({ saved: true, reasons: ['trigger: force'] });
    expect(m.list().map((c) => c.name)).toEqual(['epoch=0000-step=0-val_loss=0.9000', 'epoch=0002-step=20-val_loss=0.9900', 'epoch=0003-step=30-val_loss=0.5000', 'epoch=0004-step=45-force']);
    expect(m.best()?.name).toBe('epoch=0003-step=30-val_loss=0.5000');
    await m.close();
  });

  it('fails loudly when the monitored metric is missing, naming what exists, and writes nothing', async () => {
    const store = new MemoryStore();
    const m = await open(store, { monitor: 'val_acc', saveTopK: 1 });
    await expect(m.save({ epoch: 0, step: 1, metrics: { val_loss: 1, acc: 0.3 }, state: {} })).rejects.toMatchObject({
      code: 'E_METRIC_MISSING',
      message: expect.stringContaining('available: acc, val_loss'),
    });
    expect(await store.list('checkpoints/')).toEqual([]);
    await m.close();
  });

  it('keeps top-K by the monitor plus the latest, and never deletes the best', async () => {
    const m = await open(new MemoryStore(), { async: false, monitor: 'val_acc', saveTopK: 2, filename: '{epoch}' });
    expect(m.monitor).toEqual({ name: 'val_acc', mode: 'max' });
    const accs = [0.5, 0.9, 0.7, NaN, 0.8, 0.6];
    const removed: string[][] = [];
    for (const [epoch, acc] of accs.entries()) {
      const r = await m.save({ epoch, step: epoch, metrics: { val_acc: acc }, state: trainingState(epoch) });
      if (r.saved) removed.push([...r.removed]);
    }
    expect(m.list().map((c) => c.name)).toEqual(['epoch=1', 'epoch=4', 'epoch=5']);
    expect(removed).toEqual([[], [], ['epoch=0'], [], ['epoch=2', 'epoch=3'], []]);
    expect(m.best()?.name).toBe('epoch=1');
    expect((await m.restore('best')).record.metrics.val_acc).toBe(0.9);
    await m.close();
  });

  it('adds -v1 on a name collision and restores by name and by step', async () => {
    const m = await open(new MemoryStore(), { async: false, filename: 'ck' });
    await m.save({ epoch: 0, step: 5, state: trainingState(1) });
    await m.save({ epoch: 0, step: 6, state: trainingState(2) });
    expect(m.list().map((c) => c.name)).toEqual(['ck', 'ck-v1']);
    expect((await m.restore('ck')).record.step).toBe(5);
    expect((await m.restore(6)).record.name).toBe('ck-v1');
    expect(m.resumedFrom).toBe('ck-v1');
    await expect(m.restore('nope')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(m.restore(99)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(m.restore('best')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await m.close();
  });

  it('rejects a bad template at open and bad epochs at save', async () => {
    await expect(open(new MemoryStore(), { filename: '{epoch' })).rejects.toMatchObject({ code: 'E_TEMPLATE' });
    await expect(open(new MemoryStore(), { saveTopK: 2 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT', message: expect.stringContaining('monitor') });
    const m = await open();
    await expect(m.save({ epoch: -1, step: 0, state: {} })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(m.save({ epoch: 0, step: 1.5, state: {} })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await m.close();
    await expect(m.save({ epoch: 0, step: 0, state: {} })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('lets one manager at a time write a run', async () => {
    const store = new MemoryStore();
    const a = await open(store);
    await expect(open(store)).rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) });
    await a.close();
    const b = await open(store);
    await b.close();
  });

  it('gives policies the offered history, bounded by historyLimit', async () => {
    const seen: number[][] = [];
    const spy = { name: 'spy', decide: (ctx: { history: readonly { step: number }[] }) => (seen.push(ctx.history.map((h) => h.step)), { save: false, reasons: [] }) };
    const m = await open(new MemoryStore(), { savePolicies: [spy], historyLimit: 2 });
    for (let step = 0; step < 4; step++) expect(await m.save({ epoch: 0, step, state: {} })).toEqual({ saved: false, reasons: [] });
    expect(seen).toEqual([[], [0], [0, 1], [1, 2]]);
    await m.close();
    await expect(open(new MemoryStore(), { historyLimit: 0 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('records time from the injected clock and hparams in run.json', async () => {
    const clock = manualClock(Date.UTC(2026, 4, 1));
    const w = warnings();
    const store = new MemoryStore();
    const m = await open(store, { async: false, now: clock.now, hparams: { lr: 0.01, layers: [64, 10] }, onWarning: w.onWarning });
    clock.advance(5000);
    await m.save({ epoch: 0, step: 1, state: {} });
    expect(m.latest()?.time).toBe(Date.UTC(2026, 4, 1) + 5000);
    expect(m.runInfo).toMatchObject({ created: '2026-05-01T00:00:00.000Z', hparams: { lr: 0.01, layers: [64, 10] } });
    await m.close();
  });
});
