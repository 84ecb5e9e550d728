/**
 * `ckpt eval`'s job: load one checkpoint folder (verifying it), rebuild its TF.js model from the
 * stored topology, and score it on a feature CSV (features, then a `label` column).
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../adapters/tfjs/backend.js';
import { evaluateClassifier } from '../adapters/tfjs/evaluate.js';
import { rebuildModel } from '../adapters/tfjs/model-checkpoint-state.js';
import { loadCheckpoint, type LoadedCheckpoint } from '../checkpoint/load.js';
import { CkptError, fromSystemError } from '../errors.js';
import { classificationReport, type ClassificationResult } from '../metrics/index.js';
import { FsStore } from '../storage/fs-store.js';
import { parseFeatureCsv } from './data/csv.js';

/** The outcome of {@link evaluateCheckpoint}. */
export interface CheckpointEvaluation {
  /** The checkpoint folder. */
  readonly checkpoint: string;
  /** Epoch, step and metrics recorded when it was saved. */
  readonly record: { readonly name: string; readonly epoch: number; readonly step: number; readonly metrics: Readonly<Record<string, number>> };
  /** The CSV file. */
  readonly data: string;
  /** Every classification metric, keyed by scikit-learn's names. */
  readonly metrics: ClassificationResult;
  /** scikit-learn's `classification_report` text. */
  readonly report: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Loads the checkpoint in folder `path` (`<run>/checkpoints/<name>`), verifying every file. */
export async function loadCheckpointFolder(path: string): Promise<LoadedCheckpoint> {
  if (!(await exists(path))) throw new CkptError('E_NOT_FOUND', `${path} does not exist`, { details: { path } });
  if (!(await exists(join(path, 'manifest.json')))) {
    const hint = (await exists(join(path, 'checkpoints'))) ? `; it is a run: pass one of its checkpoints (ckpt best ${path} prints the best)` : '';
    throw new CkptError('E_WRONG_KIND', `${path} is not a checkpoint folder (no manifest.json)${hint}`, { details: { path } });
  }
  const parent = dirname(path);
  if (basename(parent) !== 'checkpoints') throw new CkptError('E_WRONG_KIND', `${path} is not inside a run's checkpoints/ folder`, { details: { path } });
  return loadCheckpoint(new FsStore(dirname(parent)), basename(path));
}

async function readCsv(path: string): Promise<string> {
  try {
    const raw = await readFile(path);
    return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (err) {
    throw fromSystemError(err, 'reading the data', path);
  }
}

/** Rebuilds the checkpoint's model and evaluates it on the CSV at `dataPath` (`.csv` or `.csv.gz`). */
export async function evaluateCheckpoint(checkpointPath: string, dataPath: string, onNote: (line: string) => void = () => undefined): Promise<CheckpointEvaluation> {
  const loaded = await loadCheckpointFolder(checkpointPath);
  const text = await readCsv(dataPath);
  await setupBackend({ onNote });
  const model = await rebuildModel(loaded.state, { compile: false });
  try {
    const inShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 0);
    const outShape = model.outputs[0]?.shape ?? [];
    const numClasses = outShape[outShape.length - 1] ?? 0;
    const data = parseFeatureCsv(text, { numClasses, source: dataPath });
    const want = inShape.reduce((a, b) => a * b, 1);
    if (data.exampleShape[0] !== want) {
      throw new CkptError('E_CSV', `${dataPath} has ${data.exampleShape[0] ?? 0} feature columns, the model takes ${want} (shape [${inShape.join(', ')}])`, { details: { features: data.exampleShape[0] ?? 0, expected: want } });
    }
    const x = tf.tensor(data.x, [data.n, ...inShape], 'float32');
    try {
      const { metrics, yPred } = await evaluateClassifier(model, x, data.y, { numClasses });
      const labels = Array.from({ length: numClasses }, (_, i) => i);
      const report = classificationReport(data.y, yPred, { numClasses, labels, digits: 4 });
      const r = loaded.record;
      return { checkpoint: checkpointPath, record: { name: r.name, epoch: r.epoch, step: r.step, metrics: r.metrics }, data: dataPath, metrics, report };
    } finally {
      x.dispose();
    }
  } finally {
    model.dispose();
  }
}
