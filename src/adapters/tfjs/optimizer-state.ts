/**
 * A TF.js optimizer's state as a state tree and back, built on `getWeights()`/`setWeights()`.
 *
 * `getWeights()` returns `iter` and then the slot variables group by group (Adam: every `m`, then
 * every `v`), and `setWeights()` assigns them BY POSITION to the variables in the order the
 * optimizer is given them. ckpt stores each slot under a stable key, `<variable>/<slot>` (e.g.
 * `hidden/kernel/m`), with the slot order and variable order beside them, and puts the list back
 * together in the target model's order when loading. Adam's running `beta^t` products are not in
 * `getWeights()` (TF.js recomputes them with `pow`, which is not bit-identical to the products it
 * accumulated), so ckpt saves and restores them too: resumed training is bit-exact.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import { isTensor, type Tensor } from '../../tensor/index.js';
import type { LoadReport, Mismatch } from './load-report.js';
import { ckptDType, describeSpec, fromTfjs, toTfjs } from './tensors.js';

/** A JSON value (optimizer configs hold numbers, strings, booleans and null). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An optimizer's state as stored in a checkpoint. */
export type OptimizerState = {
  /** TF.js class name, e.g. `Adam`, `RMSProp`, `SGD`, `Momentum`, `Adagrad`, `Adadelta`. */
  class_name: string;
  /** `optimizer.getConfig()`, e.g. `{ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }`. */
  config: { [key: string]: JsonValue };
  /** Number of updates applied (`getWeights()`'s `iter`). */
  iterations: number;
  /** `originalName` of each variable the optimizer updates, in the order it is given them. */
  variables: string[];
  /** Slot kinds in `getWeights()` order, e.g. `["m", "v"]` for Adam; `[]` before the first update. */
  slot_kinds: string[];
  /** Slot values keyed `<variable>/<kind>`. */
  slots: { [key: string]: Tensor };
  /** Hidden scalars outside `getWeights()` (Adam: `accBeta1`, `accBeta2`). */
  extra: { [key: string]: number };
};

interface WithHidden {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** A name and tensor, as `getWeights()` returns them. */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const HIDDEN_SCALARS = ['accBeta1', 'accBeta2'] as const;

/** The variables a compiled model's optimizer updates, in the order `trainOnBatch`/`fit` pass them. */
export function trainedVariables(model: tf.LayersModel): tf.LayerVariable[] {
  const collected = (model as unknown as { collectedTrainableWeights?: tf.LayerVariable[] }).collectedTrainableWeights;
  return collected ?? model.trainableWeights;
}

function lastSegment(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

function unsupported(optimizer: tf.Optimizer, cause: unknown): CkptError {
  const name = optimizer.getClassName();
  return new CkptError('E_UNSUPPORTED', `TF.js ${name} cannot export or import its state (getWeights/setWeights not implemented); use Adam, RMSProp, SGD, Momentum, Adagrad or Adadelta`, { cause, details: { optimizer: name } });
}

/** Reads an optimizer's state; `variables` are the variables it updates, in its order. */
export async function getOptimizerState(optimizer: tf.Optimizer, variables: readonly tf.LayerVariable[]): Promise<OptimizerState> {
  let weights: NamedTensor[];
  try {
    weights = await optimizer.getWeights();
  } catch (err) {
    throw unsupported(optimizer, err);
  }
  const [iter, ...slotList] = weights;
  if (iter === undefined || iter.name !== 'iter') throw new CkptError('E_INTERNAL', `${optimizer.getClassName()}.getWeights() did not start with iter`);
  const iterations = Number((await iter.tensor.data())[0]);
  iter.tensor.dispose();
  const n = variables.length;
  if (n === 0 ? slotList.length !== 0 : slotList.length % n !== 0) {
    throw new CkptError('E_UNSUPPORTED', `${optimizer.getClassName()} holds ${slotList.length} slot tensors for ${n} variables; were some variables trained without a gradient?`);
  }
  const groups = n === 0 ? 0 : slotList.length / n;
  const kinds: string[] = [];
  const slots: Record<string, Tensor> = {};
  for (let g = 0; g < groups; g++) {
    const first = slotList[g * n];
    kinds.push(first === undefined ? String(g) : lastSegment(first.name));
    for (let i = 0; i < n; i++) {
      const slot = slotList[g * n + i];
      const v = variables[i];
      if (slot === undefined || v === undefined) continue;
      slots[`${v.originalName}/${kinds[g]}`] = await fromTfjs(slot.tensor);
    }
  }
  const extra: Record<string, number> = {};
  const hidden = optimizer as unknown as WithHidden;
  for (const k of HIDDEN_SCALARS) {
    const v = hidden[k];
    if (v !== undefined && !v.isDisposed) extra[k] = Number((await v.data())[0]);
  }
  return {
    class_name: optimizer.getClassName(),
    config: optimizer.getConfig() as { [key: string]: JsonValue },
    iterations,
    variables: variables.map((v) => v.originalName),
    slot_kinds: kinds,
    slots,
    extra,
  };
}

/** Compares an optimizer state with the target's variables; returns the report and the positional list. */
export function planOptimizerLoad(optimizer: tf.Optimizer, variables: readonly tf.LayerVariable[], state: OptimizerState, keyPrefix = 'optimizer.'): { report: LoadReport; ordered: Tensor[] | undefined } {
  const notes: string[] = [];
  if (state.class_name !== optimizer.getClassName()) {
    notes.push(`optimizer: the checkpoint holds ${state.class_name} state, the model's optimizer is ${optimizer.getClassName()}`);
    return { report: { loaded: [], missing: [], unexpected: [], mismatched: [], notes }, ordered: undefined };
  }
  const loaded: string[] = [];
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const ordered: Tensor[] = [];
  const used = new Set<string>();
  for (const kind of state.slot_kinds) {
    for (const v of variables) {
      const name = `${v.originalName}/${kind}`;
      const t = Object.hasOwn(state.slots, name) ? state.slots[name] : undefined;
      if (!isTensor(t)) {
        missing.push(`${keyPrefix}${name}`);
        continue;
      }
      used.add(name);
      const dtype = ckptDType(v.dtype);
      const sameShape = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
      if (t.dtype !== dtype || !sameShape) {
        mismatched.push({ key: `${keyPrefix}${name}`, expected: describeSpec(dtype, v.shape as number[]), found: describeSpec(t.dtype, t.shape) });
        continue;
      }
      loaded.push(`${keyPrefix}${name}`);
      ordered.push(t);
    }
  }
  const unexpected = Object.keys(state.slots).filter((k) => !used.has(k)).map((k) => `${keyPrefix}${k}`);
  const complete = missing.length === 0 && mismatched.length === 0 && unexpected.length === 0;
  if (!complete && state.slot_kinds.length > 0) notes.push('optimizer: its slots do not fit the model, so none were loaded (positional setWeights needs all of them)');
  return { report: { loaded: complete ? loaded : [], missing, unexpected, mismatched, notes }, ordered: complete ? ordered : undefined };
}

/** Puts planned optimizer state into `optimizer` (iterations, slots in order, hidden scalars). */
export async function writeOptimizerState(optimizer: tf.Optimizer, state: OptimizerState, ordered: readonly Tensor[]): Promise<void> {
  let previous: NamedTensor[] = [];
  try {
    const current = await optimizer.getWeights();
    current[0]?.tensor.dispose();
    previous = current.slice(1);
  } catch (err) {
    throw unsupported(optimizer, err);
  }
  const values: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(state.iterations, 'int32') }];
  let k = 0;
  for (const kind of state.slot_kinds) {
    for (let i = 0; i < ordered.length / state.slot_kinds.length; i++) {
      const t = ordered[k++];
      if (t !== undefined) values.push({ name: `${state.variables[i] ?? i}/${kind}`, tensor: toTfjs(t) });
    }
  }
  await optimizer.setWeights(values);
  tf.dispose(values.map((v) => v.tensor));
  tf.dispose(previous.map((v) => v.tensor));
  const hidden = optimizer as unknown as WithHidden;
  for (const key of HIDDEN_SCALARS) {
    const value = state.extra[key];
    const v = hidden[key];
    if (value !== undefined && v !== undefined) tf.tidy(() => v.assign(tf.scalar(value, 'float32')));
  }
}

/** Creates an optimizer from its class name and config (as stored in {@link OptimizerState}). */
export function createOptimizer(className: string, config: { [key: string]: JsonValue }): tf.Optimizer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new CkptError('E_UNSUPPORTED', `unknown TF.js optimizer class ${JSON.stringify(className)}`, { details: { className } });
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config as tf.serialization.ConfigDict) as tf.Optimizer;
}
