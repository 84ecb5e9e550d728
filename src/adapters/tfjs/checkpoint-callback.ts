/**
 * Checkpointing `model.fit()`: a callback that, after every epoch, evaluates the model on
 * validation data with ckpt's metrics and offers the step to a `CheckpointManager` (which decides
 * whether to save and what to keep), plus {@link resumeFit} to continue from the latest checkpoint.
 *
 * `fit()` shuffles with `Math.random`, so a resumed `fit()` is not bit-identical to an
 * uninterrupted one; use {@link trainLoop} when it must be.
 *
 * @example
 * ```ts
 * const manager = await CheckpointManager.open('runs/a', { monitor: 'val_acc', saveTopK: 3, keepLast: 1 });
 * const initialEpoch = await resumeFit(manager, model);
 * await model.fit(x, y, { epochs: 20, initialEpoch, callbacks: [new CheckpointCallback({ manager, validation: { x: xVal, y: yVal } })] });
 * await manager.close();
 * ```
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckpointManager, SaveResult } from '../../checkpoint/manager.js';
import type { StateObject } from '../../tensor/index.js';
import { evaluateClassifier, validationMetrics, type EvaluateOptions } from './evaluate.js';
import { captureState, restoreState } from './model-checkpoint-state.js';

/** Options of {@link CheckpointCallback}. */
export interface CheckpointCallbackOptions {
  /** Decides, writes and prunes the checkpoints. Required. */
  manager: CheckpointManager;
  /** Validation inputs and class labels (indices, or one-hot rows). Required. */
  validation: { x: tf.Tensor; y: Int32Array | tf.Tensor };
  /** How to evaluate (batch size, logits). Default: {@link evaluateClassifier}'s defaults. */
  evaluate?: EvaluateOptions;
  /** Extra JSON-able state saved beside the model (e.g. your own counters). Default: none. */
  extraState?: () => StateObject;
  /** Called with each save decision. Default: none. */
  onSave?: (result: SaveResult, epoch: number, metrics: Readonly<Record<string, number>>) => void;
}

async function labelsOf(y: Int32Array | tf.Tensor): Promise<Int32Array> {
  if (y instanceof Int32Array) return y;
  if (y.rank === 1) return Int32Array.from(await y.data());
  const arg = y.argMax(-1);
  const out = Int32Array.from(await arg.data());
  arg.dispose();
  return out;
}

/** fit()'s epoch logs as numbers (its BaseLogger hands later callbacks scalars, not numbers). */
async function numericLogs(logs: tf.Logs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {}) as [string, unknown][]) {
    if (typeof v === 'number') out[k] = v;
    else if (v instanceof tf.Tensor && v.size === 1) out[k] = Number((await v.data())[0]);
  }
  return out;
}

/**
 * A `model.fit()` callback: at the end of each epoch it computes `val_loss` (log loss), `val_acc`
 * and `val_f1` (macro F1) on the validation data, adds fit's own logs (`loss`, ...), and calls
 * `manager.save()` with the model and optimizer state; the manager logs the metrics to the run's
 * metrics.jsonl and TensorBoard files (its `log`, unless opened with `log: false`). Waits for
 * background writes at the end.
 */
export class CheckpointCallback extends tf.Callback {
  private readonly options: CheckpointCallbackOptions;
  private labels: Int32Array | undefined;

  constructor(options: CheckpointCallbackOptions) {
    super();
    this.options = options;
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const o = this.options;
    this.labels ??= await labelsOf(o.validation.y);
    const ev = await evaluateClassifier(this.model, o.validation.x, this.labels, o.evaluate);
    const fitLogs = await numericLogs(logs);
    const metrics = { ...fitLogs, ...validationMetrics(ev.metrics) };
    const step = this.model.optimizer.iterations;
    const state = { ...(await captureState(this.model)), ...(o.extraState?.() ?? {}) };
    // captureState's tensors are fresh copies the manager may own (no second copy); what
    // extraState returns may be the caller's live memory, so then the manager copies.
    const result = await o.manager.save({ epoch, step, metrics, state, copy: o.extraState !== undefined });
    o.onSave?.(result, epoch, metrics);
  }

  override async onTrainEnd(): Promise<void> {
    await this.options.manager.wait();
  }
}

/**
 * Restores the run's latest checkpoint (weights and optimizer, strictly) into `model`, when
 * there is one, and returns the `initialEpoch` to pass to `fit()`: 0 for a fresh run.
 */
export async function resumeFit(manager: CheckpointManager, model: tf.LayersModel): Promise<number> {
  if (manager.latest() === undefined) return 0;
  const { state, record } = await manager.restore('latest');
  await restoreState(model, state);
  return record.epoch + 1;
}
