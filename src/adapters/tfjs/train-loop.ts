/**
 * A small training loop with seeded per-epoch shuffling whose position (epoch, batch, RNG state,
 * running loss) is part of the checkpoint, so a resumed run sees exactly the data order and
 * updates of an uninterrupted one, even when it stopped in the middle of an epoch.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import type { StateValue } from '../../tensor/index.js';
import { Rng, type RngState } from './rng.js';

/** Where a training loop stands; saved in checkpoints under `trainer`. */
export type LoopState = {
  /** Epoch in progress, 0-based (the next epoch to run once `batch` is 0). */
  epoch: number;
  /** Batches of `epoch` already trained. */
  batch: number;
  /** Optimizer updates so far (global step). */
  step: number;
  /** Batch size the order was drawn for; a resume with another batch size is refused. */
  batch_size: number;
  /** Number of training examples the order was drawn for. */
  examples: number;
  /** The RNG state at the START of `epoch`, before its permutation was drawn. */
  rng: RngState;
  /** Sum of the batch losses of `epoch` so far (for the epoch's mean loss). */
  loss_sum: number;
};

/** What {@link trainLoop} reports after each batch. */
export interface BatchInfo {
  /** Epoch in progress, 0-based. */
  readonly epoch: number;
  /** 1-based index of the batch just trained within its epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Optimizer updates so far, this batch included. */
  readonly step: number;
  /** This batch's training loss. */
  readonly loss: number;
}

/** What {@link trainLoop} reports after each epoch. */
export interface EpochInfo {
  /** The epoch just finished, 0-based. */
  readonly epoch: number;
  /** Optimizer updates so far. */
  readonly step: number;
  /** Mean training loss over the epoch's batches. */
  readonly loss: number;
  /** The loop position to save now: resuming from it starts the next epoch. */
  readonly state: LoopState;
}

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** A compiled model; trained with `model.trainOnBatch`. */
  model: tf.LayersModel;
  /** Training inputs, first axis = examples. */
  x: tf.Tensor;
  /** Training targets, first axis = examples. */
  y: tf.Tensor;
  /** Number of epochs in total (a resumed run continues up to this). */
  epochs: number;
  /** Examples per batch; the last batch of an epoch may be smaller. Default: `32`. */
  batchSize?: number;
  /** Seed of the shuffling RNG. Default: `0`. */
  seed?: number;
  /** Where to continue from (the `trainer` entry of a checkpoint). Default: start at epoch 0. */
  resume?: LoopState;
  /**
   * When aborted, the loop stops at the next batch boundary and reports its position. The loop
   * yields to the event loop after every batch, so a SIGINT handler that aborts runs promptly.
   * Default: none.
   */
  signal?: AbortSignal;
  /** Called after each batch. Default: none. */
  onBatchEnd?: (info: BatchInfo) => void | Promise<void>;
  /** Called after each epoch, e.g. to evaluate and save a checkpoint. Default: none. */
  onEpochEnd?: (info: EpochInfo) => void | Promise<void>;
}

/** How {@link trainLoop} ended. */
export interface TrainLoopResult {
  /** False when stopped by the signal before the last epoch finished. */
  readonly completed: boolean;
  /** The position to save: resuming from it continues exactly. */
  readonly state: LoopState;
}

/** The loop position before any training. */
export function initialLoopState(seed: number, batchSize: number, examples: number): LoopState {
  return { epoch: 0, batch: 0, step: 0, batch_size: batchSize, examples, rng: Rng.seeded(seed).state(), loss_sum: 0 };
}

/** Checks that a state tree value is a {@link LoopState}; throws `E_WRONG_KIND` if not. */
export function parseLoopState(v: StateValue | undefined): LoopState {
  const o = v as Record<string, unknown> | null | undefined;
  const ints = ['epoch', 'batch', 'step', 'batch_size', 'examples'] as const;
  if (typeof o !== 'object' || o === null || !ints.every((k) => Number.isSafeInteger(o[k])) || typeof o.loss_sum !== 'number' || !Array.isArray(o.rng)) {
    throw new CkptError('E_WRONG_KIND', 'the checkpoint has no training-loop position (trainer); it was not written by trainLoop');
  }
  return {
    epoch: o.epoch as number, batch: o.batch as number, step: o.step as number, batch_size: o.batch_size as number,
    examples: o.examples as number, rng: Rng.fromState(o.rng as number[]).state(), loss_sum: o.loss_sum,
  };
}

function lossValue(out: number | number[]): number {
  const v = Array.isArray(out) ? out[0] : out;
  if (v === undefined) throw new CkptError('E_INTERNAL', 'trainOnBatch returned no loss');
  return v;
}

/**
 * Trains `model` on `(x, y)` for the remaining epochs with a seeded shuffle per epoch. Every
 * epoch draws its permutation from the RNG; the RNG state at the start of the epoch, the batch
 * index and the running loss are the loop's state, so a resumed run skips the batches already
 * done (without replaying them) and continues bit-exactly.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { model, x, y, epochs } = options;
  const n = x.shape[0] ?? 0;
  const batchSize = options.batchSize ?? 32;
  if (n === 0 || y.shape[0] !== n) throw new CkptError('E_LENGTH_MISMATCH', `x has ${n} examples and y ${y.shape[0] ?? 0}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CkptError('E_INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
  const state = options.resume === undefined ? initialLoopState(options.seed ?? 0, batchSize, n) : { ...options.resume };
  if (state.batch_size !== batchSize || state.examples !== n) {
    throw new CkptError('E_INVALID_ARGUMENT', `cannot resume: the checkpoint's data order was drawn for ${state.examples} examples in batches of ${state.batch_size}, this run has ${n} in batches of ${batchSize}`);
  }
  const batches = Math.ceil(n / batchSize);
  while (state.epoch < epochs) {
    const rng = Rng.fromState(state.rng);
    const order = rng.permutation(n);
    for (let b = state.batch; b < batches; b++) {
      if (options.signal?.aborted === true) return { completed: false, state: { ...state } };
      const idx = tf.tensor1d(Int32Array.from(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize))), 'int32');
      const xb = tf.gather(x, idx);
      const yb = tf.gather(y, idx);
      let loss: number;
      try {
        loss = lossValue(await model.trainOnBatch(xb, yb));
      } finally {
        tf.dispose([idx, xb, yb]);
      }
      state.batch = b + 1;
      state.step += 1;
      state.loss_sum += loss;
      await options.onBatchEnd?.({ epoch: state.epoch, batch: b + 1, batches, step: state.step, loss });
      // TF.js resolves its promises as microtasks: without this, signals, timers and progress
      // redraws would wait for the end of the epoch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const finished = state.epoch;
    const meanLoss = state.loss_sum / batches;
    state.epoch += 1;
    state.batch = 0;
    state.loss_sum = 0;
    state.rng = rng.state();
    await options.onEpochEnd?.({ epoch: finished, step: state.step, loss: meanLoss, state: { ...state } });
  }
  return { completed: true, state: { ...state } };
}
