import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointCallback, resumeFit, restoreState, setupBackend } from '../../../src/adapters/tfjs/index.js';
import { CheckpointManager } from '../../../src/checkpoint/manager.js';
import { listEventFiles } from '../../../src/tracking/event-reader.js';
import { readMetricsLogFile } from '../../../src/tracking/jsonl-log.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { mlp, weightBytes } from './models.js';

const tmp = useTempDirs();

beforeAll(async () => {
  await setupBackend();
});

function data(seed: number, n: number): { x: tf.Tensor2D; y: tf.Tensor2D; labels: Int32Array } {
  const x = tf.randomNormal([n, 5], 0, 1, 'float32', seed) as tf.Tensor2D;
  const labels = tf.tidy(() => x.slice([0, 0], [-1, 1]).greater(0).toInt().reshape([n]).add(x.slice([0, 1], [-1, 1]).greater(0.5).toInt().reshape([n])));
  const out = { x, y: tf.oneHot(labels as tf.Tensor1D, 3).toFloat() as tf.Tensor2D, labels: Int32Array.from(labels.dataSync()) };
  labels.dispose();
  return out;
}

describe('CheckpointCallback for model.fit()', () => {
  it('evaluates each epoch with ckpt metrics, saves through the manager, and resumeFit continues the run', async () => {
    const dir = tmp('ckpt-fit');
    const train = data(1, 64);
    const val = data(2, 40);
    const model = mlp(3);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const manager = await CheckpointManager.open(dir, { monitor: 'val_acc', saveTopK: 2, keepLast: 1, async: false, onWarning: () => undefined });
    const saves: string[] = [];
    const callback = new CheckpointCallback({ manager, validation: { x: val.x, y: val.y }, onSave: (r, epoch) => void saves.push(`${epoch}:${r.saved}`) });
    expect(await resumeFit(manager, model)).toBe(0);
    await model.fit(train.x, train.y, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0, callbacks: [callback] });
    expect(saves).toEqual(['0:true', '1:true', '2:true', '3:true']);
    const list = manager.list();
    expect(list.length).toBeLessThanOrEqual(3);
    const latest = manager.latest();
    expect(latest?.epoch).toBe(3);
    expect(latest?.step).toBe(16);
    expect(Object.keys(latest?.metrics ?? {})).toEqual(expect.arrayContaining(['loss', 'val_loss', 'val_acc', 'val_f1']));
    const state = JSON.parse(await readFile(join(dir, 'checkpoints', latest?.name ?? '', 'state.json'), 'utf8')) as { metrics: Record<string, number> };
    expect(state.metrics.val_acc).toBe(latest?.metrics.val_acc);
    await manager.close();
    // the manager logged each epoch once (the callback does not log on its own)
    const logged = (await readMetricsLogFile(join(dir, 'metrics.jsonl'))).records;
    expect(logged.map((r) => r.epoch)).toEqual([0, 1, 2, 3]);
    expect(logged[3]?.metrics.val_acc).toBe(latest?.metrics.val_acc);
    expect(await listEventFiles(dir)).toHaveLength(1);

    // a new process: same run, a fresh model with other weights
    const again = await CheckpointManager.open(dir, { monitor: 'val_acc', saveTopK: 2, keepLast: 1, async: false, onWarning: () => undefined });
    const fresh = mlp(77);
    fresh.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    expect(await resumeFit(again, fresh)).toBe(4);
    expect(await weightBytes(fresh)).toEqual(await weightBytes(model));
    expect(fresh.optimizer.iterations).toBe(16);

    const best = await again.restore('best');
    const probe = mlp(5);
    await restoreState(probe, best.state, { weightsOnly: true });
    const stored = (best.state as { model: Record<string, { bytes: Uint8Array }> }).model['hidden/kernel']?.bytes;
    expect((await weightBytes(probe))['hidden/kernel']).toEqual(Array.from(stored ?? []));
    expect(best.record.metrics.val_acc).toBe(Math.max(...again.list().map((c) => c.metrics.val_acc ?? -1)));
    await again.close();
    tf.dispose([train.x, train.y, val.x, val.y]);
  });
});
