/**
 * The end of a demo run: the best checkpoint restored and evaluated on the test split, and the
 * summary object `ckpt demo --json` prints.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evaluateClassifier } from '../adapters/tfjs/evaluate.js';
import { getModelWeights } from '../adapters/tfjs/model-state.js';
import { restoreState } from '../adapters/tfjs/model-checkpoint-state.js';
import type { CheckpointManager } from '../checkpoint/manager.js';
import { classificationReport, type ClassificationResult } from '../metrics/index.js';
import type { Splits } from './data/dataset.js';
import type { DemoSettings } from './demo-state.js';

/** A checkpoint in the summary. */
export interface SummaryCheckpoint {
  /** Folder name, e.g. `epoch=0019-step=740-val_acc=0.9777`. */
  readonly name: string;
  /** Absolute path of the checkpoint folder. */
  readonly path: string;
  /** Epoch, 0-based. */
  readonly epoch: number;
  /** Optimizer updates at save time. */
  readonly step: number;
  /** Metrics saved with it (`loss`, `val_loss`, `val_acc`, `val_f1`). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** What `ckpt demo --json` prints. */
export interface DemoSummary {
  /** `completed`, or `interrupted` (resume with `--resume`). */
  readonly status: 'completed' | 'interrupted';
  /** `digits` or `fashion-mnist`. */
  readonly dataset: string;
  /** Class names in label order. */
  readonly class_names: readonly string[];
  /** Seed of the weights and data order. */
  readonly seed: number;
  /** Epochs the run trains in total. */
  readonly epochs: number;
  /** TF.js backend used: `wasm` or `cpu`. */
  readonly backend: string;
  /** Absolute run directory. */
  readonly run_dir: string;
  /** Wall time of this invocation in seconds. */
  readonly seconds: number;
  /** The best checkpoint by `val_acc`; the test metrics are its. */
  readonly best_checkpoint: SummaryCheckpoint | undefined;
  /** The latest checkpoint (where `--resume` continues). */
  readonly latest_checkpoint: SummaryCheckpoint | undefined;
  /** Every checkpoint retention kept, oldest first. */
  readonly checkpoints: readonly string[];
  /** The best checkpoint's metrics on the test split, under scikit-learn's names; absent when interrupted. */
  readonly test_metrics: ClassificationResult | undefined;
  /** scikit-learn's `classification_report` text of the test split; absent when interrupted. */
  readonly classification_report: string | undefined;
  /** SHA-256 of the weights at the end of training (names and bytes in name order): equal for equal runs. */
  readonly final_weights_sha256: string;
  /** Where every file is (absolute paths). */
  readonly files: Readonly<Record<string, string>>;
}

/** What {@link buildSummary} needs. */
export interface SummaryInput {
  manager: CheckpointManager;
  model: tf.LayersModel;
  data: Splits;
  settings: DemoSettings;
  epochs: number;
  backend: string;
  runDir: string;
  seconds: number;
  status: 'completed' | 'interrupted';
  runLogPaths: { metrics: string; events: string } | undefined;
}

/** SHA-256 over the model's weights, name and bytes, in name order. */
export async function weightsDigest(model: tf.LayersModel): Promise<string> {
  const weights = await getModelWeights(model);
  const h = createHash('sha256');
  for (const name of Object.keys(weights).sort()) {
    const t = weights[name];
    if (t === undefined) continue;
    h.update(`${name}\0${t.dtype}${JSON.stringify(t.shape)}\0`);
    h.update(t.bytes);
  }
  return h.digest('hex');
}

function describe(runDir: string, c: { name: string; epoch: number; step: number; metrics: Readonly<Record<string, number>> } | undefined): SummaryCheckpoint | undefined {
  if (c === undefined) return undefined;
  return { name: c.name, path: join(runDir, 'checkpoints', c.name), epoch: c.epoch, step: c.step, metrics: c.metrics };
}

/**
 * Digests the final weights, then (for a completed run) restores the best checkpoint into the
 * model and evaluates it on the test split.
 */
export async function buildSummary(input: SummaryInput): Promise<DemoSummary> {
  const { manager, model, data, runDir } = input;
  const final = await weightsDigest(model);
  let test: ClassificationResult | undefined;
  let report: string | undefined;
  const best = manager.best();
  if (input.status === 'completed' && best !== undefined) {
    const restored = await manager.restore(best.name);
    await restoreState(model, restored.state, { weightsOnly: true });
    const x = tf.tensor(data.test.x, [data.test.n, ...data.test.exampleShape], 'float32');
    try {
      const ev = await evaluateClassifier(model, x, data.test.y);
      test = ev.metrics;
      report = classificationReport(data.test.y, ev.yPred, { numClasses: data.test.numClasses, targetNames: data.test.classNames, labels: data.test.classNames.map((_, i) => i), digits: 4 });
    } finally {
      x.dispose();
    }
  }
  const files: Record<string, string> = {
    run_dir: runDir,
    run_json: join(runDir, 'run.json'),
    checkpoints: join(runDir, 'checkpoints'),
    metrics_jsonl: input.runLogPaths?.metrics ?? join(runDir, 'metrics.jsonl'),
  };
  if (input.runLogPaths !== undefined) files.tensorboard_events = input.runLogPaths.events;
  return {
    status: input.status,
    dataset: input.settings.dataset,
    class_names: data.test.classNames,
    seed: input.settings.seed,
    epochs: input.epochs,
    backend: input.backend,
    run_dir: runDir,
    seconds: input.seconds,
    best_checkpoint: describe(runDir, best),
    latest_checkpoint: describe(runDir, manager.latest()),
    checkpoints: manager.list().map((c) => c.name),
    test_metrics: test,
    classification_report: report,
    final_weights_sha256: final,
    files,
  };
}
