/**
 * A TF.js model's weights as named ckpt tensors, and loading them back by name with strict
 * checking (torch's `load_state_dict` semantics).
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import { isTensor, type Tensor } from '../../tensor/index.js';
import { archMismatchError, type LoadReport, type Mismatch } from './load-report.js';
import { describeSpec, fromTfjs, toTfjs, ckptDType } from './tensors.js';

/** Options of {@link loadModelWeights}. */
export interface LoadWeightsOptions {
  /**
   * Fail with one `E_ARCH_MISMATCH` error listing every missing key, unexpected key and
   * shape/dtype mismatch. When false, load what matches and report the rest. Default: `true`.
   */
  strict?: boolean;
}

/**
 * The model's weights (trainable and not) by their `LayerVariable.originalName`, e.g.
 * `dense_1/kernel`, copied out of TF.js. Names are those `model.save()` uses; name your layers
 * (`name: 'hidden'`) so they do not depend on how many models the process built before.
 */
export async function getModelWeights(model: tf.LayersModel): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const w of model.weights) {
    if (Object.hasOwn(out, w.originalName)) {
      throw new CkptError('E_DUPLICATE_NAME', `two weights of the model are named ${w.originalName}; give the layers distinct names`, { details: { name: w.originalName } });
    }
    out[w.originalName] = await fromTfjs(w.read());
  }
  return out;
}

/**
 * Compares the model's weights with `weights` by name, dtype and shape. Returns the report and
 * the pairs to load; loads nothing.
 */
export function planModelLoad(model: tf.LayersModel, weights: Readonly<Record<string, unknown>>, keyPrefix = ''): { report: LoadReport; pairs: [tf.LayerVariable, Tensor][] } {
  const loaded: string[] = [];
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const pairs: [tf.LayerVariable, Tensor][] = [];
  const seen = new Set<string>();
  for (const w of model.weights) {
    seen.add(w.originalName);
    const key = `${keyPrefix}${w.originalName}`;
    const t = Object.hasOwn(weights, w.originalName) ? weights[w.originalName] : undefined;
    if (!isTensor(t)) {
      missing.push(key);
      continue;
    }
    const dtype = ckptDType(w.dtype);
    const sameShape = t.shape.length === w.shape.length && t.shape.every((d, i) => d === w.shape[i]);
    if (t.dtype !== dtype || !sameShape) {
      mismatched.push({ key, expected: describeSpec(dtype, w.shape as number[]), found: describeSpec(t.dtype, t.shape) });
      continue;
    }
    loaded.push(key);
    pairs.push([w, t]);
  }
  const unexpected = Object.keys(weights).filter((k) => !seen.has(k)).map((k) => `${keyPrefix}${k}`);
  return { report: { loaded, missing, unexpected, mismatched, notes: [] }, pairs };
}

/** Writes planned weights into their variables. */
export function writeWeights(pairs: readonly [tf.LayerVariable, Tensor][]): void {
  for (const [variable, t] of pairs) {
    const value = toTfjs(t);
    variable.write(value);
    value.dispose();
  }
}

/**
 * Loads weights by name into `model`. Strict (the default): throws `E_ARCH_MISMATCH` listing
 * every missing, unexpected and mismatched key, and changes nothing. Non-strict: loads the
 * weights that match and returns what it skipped.
 */
export function loadModelWeights(model: tf.LayersModel, weights: Readonly<Record<string, unknown>>, options: LoadWeightsOptions = {}): LoadReport {
  const { report, pairs } = planModelLoad(model, weights);
  const clean = report.missing.length === 0 && report.unexpected.length === 0 && report.mismatched.length === 0;
  if ((options.strict ?? true) && !clean) throw archMismatchError(report);
  writeWeights(pairs);
  return report;
}
