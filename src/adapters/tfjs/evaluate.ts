/**
 * Evaluating a TF.js classifier with ckpt's metrics (scikit-learn's definitions and names).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import { ClassificationMetrics, type ClassificationResult } from '../../metrics/index.js';

/** Options of {@link evaluateClassifier}. */
export interface EvaluateOptions {
  /** Number of classes (the model's output width). Default: the model's last output dimension. */
  numClasses?: number;
  /** Examples per `predict` call. Default: `512`. */
  batchSize?: number;
  /** The model outputs logits rather than probabilities. Default: `false`. */
  logits?: boolean;
}

/** Metrics and the raw predictions. */
export interface Evaluation {
  /** Every classification metric, keyed by scikit-learn's names (`accuracy`, `f1_macro`, `log_loss`, ...). */
  readonly metrics: ClassificationResult;
  /** Predicted class per example (argmax of the scores). */
  readonly yPred: Int32Array;
}

/**
 * Predicts `x` in batches and scores the predictions against `yTrue` (class indices). Training
 * state is untouched (no RNG, no optimizer), so evaluating never changes a resumed run.
 */
export async function evaluateClassifier(model: tf.LayersModel, x: tf.Tensor, yTrue: Int32Array, options: EvaluateOptions = {}): Promise<Evaluation> {
  const n = x.shape[0] ?? 0;
  if (n !== yTrue.length) throw new CkptError('E_LENGTH_MISMATCH', `${n} examples but ${yTrue.length} labels`);
  const outShape = model.outputs[0]?.shape;
  const numClasses = options.numClasses ?? outShape?.[outShape.length - 1] ?? 0;
  const metrics = new ClassificationMetrics({ numClasses, logits: options.logits ?? false, zeroDivision: 0 });
  const batchSize = options.batchSize ?? 512;
  const yPred = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [probs, argmax] = tf.tidy(() => {
      const p = model.predict(x.slice(start, size)) as tf.Tensor;
      return [p, p.argMax(-1)];
    });
    const [scores, pred] = await Promise.all([probs.data() as Promise<Float32Array>, argmax.data() as Promise<Int32Array>]);
    tf.dispose([probs, argmax]);
    yPred.set(pred, start);
    metrics.update({ yTrue: yTrue.subarray(start, start + size), yPred: pred, scores: { data: scores, cols: numClasses } });
  }
  return { metrics: metrics.compute(), yPred };
}

/** The per-epoch validation metrics ckpt logs and monitors: `val_loss` (log loss), `val_acc`, `val_f1` (macro). */
export function validationMetrics(m: ClassificationResult, prefix = 'val_'): Record<string, number> {
  return { [`${prefix}loss`]: m.log_loss ?? NaN, [`${prefix}acc`]: m.accuracy, [`${prefix}f1`]: m.f1_macro };
}
