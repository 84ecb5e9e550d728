/** Real runs for the run-management command tests, written by the CheckpointManager into temp dirs. */
import { CheckpointManager } from '../../../src/checkpoint/manager.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import type { StateValue } from '../../../src/tensor/state-tree.js';

/** 2026-01-01T00:00:00Z: the clock of the first checkpoint. */
export const T0 = Date.UTC(2026, 0, 1);

/** A small model + optimizer state whose values depend on `seed`. */
export function smallState(seed: number): StateValue {
  return {
    model: { 'fc.weight': Tensor.from('F32', [2, 3], [1, 2, 3, 4, 5, seed]), 'fc.bias': Tensor.from('F32', [2], [0, seed / 10]) },
    optimizer: { step: seed, 'exp_avg': Tensor.from('F32', [2], [seed, seed]) },
  };
}

/** Per-epoch metrics of {@link makeRun}: val_acc peaks at epoch 2, val_loss is lowest at epoch 3. */
export const METRICS: readonly Record<string, number>[] = [
  { val_acc: 0.5, val_loss: 0.9 },
  { val_acc: 0.7, val_loss: 0.6 },
  { val_acc: 0.9, val_loss: 0.4 },
  { val_acc: 0.8, val_loss: 0.3 },
  { val_acc: 0.6, val_loss: 0.5 },
];

/** Writes a run with one checkpoint per entry of `metrics` (epoch i, step 10*(i+1), one minute apart). Returns the names. */
export async function makeRun(dir: string, metrics: readonly Record<string, number>[] = METRICS): Promise<string[]> {
  let t = T0;
  const m = await CheckpointManager.open(dir, { async: false, gitCwd: '/', onWarning: () => undefined, now: () => t });
  const names: string[] = [];
  for (const [i, ms] of metrics.entries()) {
    const r = await m.save({ epoch: i, step: 10 * (i + 1), metrics: ms, state: smallState(i) });
    if (r.saved) names.push(r.name);
    t += 60_000;
  }
  await m.close();
  return names;
}

export { flipByte } from '../../helpers/corrupt.js';

/** Runs `ckpt ...argv` in-process with `cwd`; returns the exit status and both streams. */
export { runCkpt as ckpt } from '../../helpers/cli.js';
