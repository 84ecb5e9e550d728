/**
 * `ckpt demo`, the main job end to end: train a model on a bundled data set, evaluate it on the
 * validation split every epoch, checkpoint by policy (top 3 by `val_acc`, one per 5 epochs, the
 * last), log metrics.jsonl + TensorBoard (the manager's log), stop cleanly on an interrupt with a resumable
 * checkpoint, and finally evaluate the best checkpoint on the test split.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../adapters/tfjs/backend.js';
import { evaluateClassifier, validationMetrics } from '../adapters/tfjs/evaluate.js';
import { captureState, restoreState } from '../adapters/tfjs/model-checkpoint-state.js';
import { trainLoop, type EpochInfo, type LoopState } from '../adapters/tfjs/train-loop.js';
import { listCheckpoints } from '../checkpoint/catalog.js';
import { CheckpointManager } from '../checkpoint/manager.js';
import { CkptError } from '../errors.js';
import type { Dataset } from './data/dataset.js';
import { loadDemoData, type DemoDataset } from './data/load.js';
import { resumePoint, type DemoSettings, type DemoState } from './demo-state.js';
import { PRESETS } from './presets.js';
import { barProgress, lineProgress, type Progress } from './progress.js';
import { buildSummary, type DemoSummary } from './summary.js';

/** Where the demo writes for people. */
export interface DemoOutput {
  /** A line of human output (the CLI sends it to stdout, or to stderr under `--json`). */
  line: (text: string) => void;
  /** A warning or note (stderr). */
  note: (text: string) => void;
  /** A terminal to draw progress bars on; plain lines per epoch when absent. Default: none. */
  progressStream?: NodeJS.WritableStream;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The run directory (checkpoints, run.json, metrics.jsonl, TensorBoard events). Required. */
  runDir: string;
  /** Data set. Default: `digits`. */
  dataset?: DemoDataset;
  /** Total epochs (a resumed run trains up to this). Default: 20 for digits, 2 for Fashion-MNIST. */
  epochs?: number;
  /** Seed of the weights and of the data order. Default: `0`. */
  seed?: number;
  /** Continue from the run's latest checkpoint. Default: `false` (the run must have no checkpoints). */
  resume?: boolean;
  /** When aborted, training stops at the next batch boundary and an `interrupt` checkpoint is saved. Default: none. */
  signal?: AbortSignal;
  /** The command that resumes this run, printed on interrupt. Default: `ckpt demo --run <runDir> --resume ...`. */
  resumeCommand?: string;
  /** Where Fashion-MNIST is installed. Default: `/usr/share/datasets/fashion-mnist`. */
  fashionMnistDir?: string;
  /** Output channels. Required. */
  output: DemoOutput;
}

/** How a demo run ended. */
export interface DemoResult {
  /** `completed`, or `interrupted` (a checkpoint was saved; resume with `resumeCommand`). */
  readonly status: 'completed' | 'interrupted';
  /** The final summary (the `--json` output); on interrupt, without test metrics. */
  readonly summary: DemoSummary;
}

function inputs(d: Dataset): tf.Tensor {
  return tf.tensor(d.x, [d.n, ...d.exampleShape], 'float32');
}

function oneHot(d: Dataset): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(d.y, 'int32'), d.numClasses).toFloat());
}

function formatMetrics(m: Readonly<Record<string, number>>): string {
  return Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
}

function alreadyTrained(runDir: string, latest: string): CkptError {
  return new CkptError('E_INVALID_ARGUMENT', `${runDir} already has checkpoints (latest: ${latest}); add --resume to continue it, or choose another --run directory`);
}

/** Runs the demo; resolves when training finished or stopped on the signal. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const out = options.output;
  const dataset = options.dataset ?? 'digits';
  const preset = PRESETS[dataset];
  const epochs = options.epochs ?? preset.epochs;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(epochs) || epochs < 1) throw new CkptError('E_INVALID_ARGUMENT', `--epochs must be a positive integer, got ${epochs}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CkptError('E_INVALID_ARGUMENT', `--seed must be a non-negative integer, got ${seed}`);
  const settings: DemoSettings = { dataset, seed, batch_size: preset.batchSize, learning_rate: preset.learningRate };

  const data = await loadDemoData(dataset, options.fashionMnistDir === undefined ? {} : { fashionMnistDir: options.fashionMnistDir });
  const backend = await setupBackend({ onNote: out.note });
  const hparams = { ...settings, model: preset.model, optimizer: 'adam', epochs, backend };
  out.line(`${dataset}: ${data.train.n} train / ${data.val.n} validation / ${data.test.n} test examples; model ${preset.model}, Adam lr ${preset.learningRate}, batch ${preset.batchSize}, ${backend} backend; run ${options.runDir}`);
  const alreadyThere = options.resume === true ? undefined : (await listCheckpoints(options.runDir).catch(() => [])).at(-1);
  // Refuse before opening the manager, which would start a TensorBoard session in the run.
  if (alreadyThere !== undefined) throw alreadyTrained(options.runDir, alreadyThere.name);
  const manager = await CheckpointManager.open(options.runDir, {
    monitor: 'val_acc', mode: 'max', saveTopK: 3, keepEveryNEpochs: 5, keepLast: 1, hparams, onWarning: (m) => out.note(`warning: ${m}`),
  });
  const model = preset.build(seed, preset.learningRate);
  const train = { x: inputs(data.train), y: oneHot(data.train) };
  const val = { x: inputs(data.val), labels: data.val.y };
  let status: 'success' | 'failure' = 'failure';
  const finalMetrics: Record<string, number> = {};
  try {
    let resume: LoopState | undefined;
    const latest = manager.latest();
    if (latest !== undefined && options.resume !== true) throw alreadyTrained(options.runDir, latest.name);
    if (options.resume === true) {
      if (latest === undefined) {
        out.note(`note: ${options.runDir} has no checkpoint to resume; starting from epoch 1`);
      } else {
        const restored = await manager.restore('latest');
        resume = resumePoint(restored.state, settings);
        await restoreState(model, restored.state);
        out.line(`resumed from ${restored.record.name} (epoch ${resume.epoch + 1}, batch ${resume.batch}, step ${resume.step})`);
      }
    }
    const log = manager.log;
    if (log === undefined) throw new CkptError('E_INTERNAL', 'the demo run has no metrics log');

    const batches = Math.ceil(data.train.n / preset.batchSize);
    const progress: Progress = out.progressStream === undefined
      ? lineProgress(epochs, out.line)
      : barProgress(epochs, epochs * batches, resume?.step ?? 0, out.progressStream);
    if (resume !== undefined && resume.epoch >= epochs) out.line(`the run already trained ${resume.epoch} epochs (--epochs ${epochs}); nothing to train`);

    const stateFor = async (trainer: LoopState): Promise<DemoState> => ({ ...(await captureState(model)), trainer, demo: settings });
    const valMetrics = async (): Promise<Record<string, number>> => validationMetrics((await evaluateClassifier(model, val.x, val.labels)).metrics);
    if ((resume?.epoch ?? 0) < epochs) progress.startEpoch(resume?.epoch ?? 0, resume?.batch ?? 0, batches);

    const onEpochEnd = async (info: EpochInfo): Promise<void> => {
      const metrics = { loss: info.loss, ...(await valMetrics()) };
      // the manager logs these metrics (metrics.jsonl + TensorBoard) and flushes them once per epoch
      // captureState copies every tensor out of TF.js, so the manager may keep these bytes as they
      // are (copy: false): save() returns without a second copy while the write goes on.
      const saved = await manager.save({ epoch: info.epoch, step: info.step, metrics, state: await stateFor(info.state), copy: false });
      progress.endEpoch(`${formatMetrics(metrics)}${saved.saved ? `  saved ${saved.name}` : ''}`);
      if (info.epoch + 1 < epochs) progress.startEpoch(info.epoch + 1, 0, batches);
    };
    const result = await trainLoop({
      model, x: train.x, y: train.y, epochs, batchSize: preset.batchSize, seed,
      ...(resume === undefined ? {} : { resume }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onBatchEnd: (b) => progress.batch(b.batch, b.loss),
      onEpochEnd,
    });
    progress.stop();

    if (!result.completed) {
      await manager.wait();
      const last = manager.latest();
      let savedAs: string;
      if (last !== undefined && last.step === result.state.step) {
        savedAs = `${last.name} (the epoch checkpoint already holds this exact state)`;
      } else {
        const metrics = await valMetrics();
        const saved = await manager.save({ epoch: result.state.epoch, step: result.state.step, metrics, state: await stateFor(result.state), trigger: 'interrupt' });
        await manager.wait();
        savedAs = saved.saved ? saved.name : '(none)';
      }
      const command = options.resumeCommand ?? `ckpt demo --run ${options.runDir} --resume --epochs ${epochs} --seed ${seed} --dataset ${dataset}`;
      out.line(`interrupted at epoch ${result.state.epoch + 1}, batch ${result.state.batch} (step ${result.state.step}); saved checkpoint ${savedAs}`);
      out.line(`resume with: ${command}`);
      const summary = await buildSummary({ manager, model, data, settings, epochs, backend, runDir: options.runDir, seconds: (performance.now() - started) / 1000, status: 'interrupted', runLogPaths: undefined });
      return { status: 'interrupted', summary };
    }

    await manager.wait();
    const summary = await buildSummary({ manager, model, data, settings, epochs, backend, runDir: options.runDir, seconds: 0, status: 'completed', runLogPaths: { metrics: log.metricsPath, events: log.eventsPath } });
    finalMetrics.test_accuracy = summary.test_metrics?.accuracy ?? NaN;
    status = 'success';
    return { status: 'completed', summary: { ...summary, seconds: (performance.now() - started) / 1000 } };
  } finally {
    // closes the log too: final metrics are the best checkpoint's (best_val_acc, ...) and test_accuracy
    await manager.close({ status, finalMetrics });
    tf.dispose([train.x, train.y, val.x]);
    model.dispose();
  }
}

