/**
 * A whole TF.js training setup as one state tree: topology, weights, loss and optimizer. The tree
 * alone is enough to rebuild the model ({@link rebuildModel}), so `ckpt eval` needs nothing else.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import { isTensor, type StateValue, type Tensor } from '../../tensor/index.js';
import { archMismatchError, isCleanLoad, mergeReports, type LoadReport } from './load-report.js';
import { getModelWeights, planModelLoad, writeWeights } from './model-state.js';
import {
  createOptimizer, getOptimizerState, planOptimizerLoad, trainedVariables, writeOptimizerState,
  type JsonValue, type OptimizerState,
} from './optimizer-state.js';

/** The format tag of {@link TfjsState}; bumped on incompatible changes. */
export const TFJS_STATE_FORMAT = 'ckpt.tfjs/1';

/** A TF.js model and its optimizer, as a state tree. */
export type TfjsState = {
  /** Always {@link TFJS_STATE_FORMAT}. */
  format: string;
  /** What wrote it: `{ name: "tfjs", version: "4.22.0", backend: "wasm" }`. */
  framework: { name: string; version: string; backend: string };
  /** `model.toJSON()`: the Keras-style topology `tf.models.modelFromJSON` rebuilds the model from. */
  topology: JsonValue;
  /** The loss the model was compiled with, when it is a named loss; else `null`. */
  loss: JsonValue;
  /** Every weight by `LayerVariable.originalName`. */
  model: { [name: string]: Tensor };
  /** The optimizer's state; `null` when the model is not compiled. */
  optimizer: OptimizerState | null;
};

/** Options of {@link captureState}. */
export interface CaptureOptions {
  /** Optimizer to save instead of the compiled one. Default: `model.optimizer`, if compiled. */
  optimizer?: tf.Optimizer;
  /** Leave the optimizer out. Default: `false`. */
  weightsOnly?: boolean;
}

/** Options of {@link restoreState} and {@link rebuildModel}. */
export interface RestoreOptions {
  /**
   * Fail with one `E_ARCH_MISMATCH` listing every missing, unexpected and mismatched key (model and
   * optimizer), changing nothing. When false, load what matches and return the rest in the report.
   * Default: `true`.
   */
  strict?: boolean;
  /** Optimizer to load into instead of the compiled one. Default: `model.optimizer`. */
  optimizer?: tf.Optimizer;
  /** Skip the optimizer state (e.g. to fine-tune with a fresh optimizer). Default: `false`. */
  weightsOnly?: boolean;
}

/** Options of {@link rebuildModel}. */
export interface RebuildOptions {
  /** Compile with the stored loss and optimizer and load the optimizer state. Default: `true` (when the state has them). */
  compile?: boolean;
}

/** Copies a model's topology, weights and optimizer state out of TF.js into a state tree. */
export async function captureState(model: tf.LayersModel, options: CaptureOptions = {}): Promise<TfjsState> {
  const optimizer = options.weightsOnly === true ? undefined : (options.optimizer ?? compiledOptimizer(model));
  const loss = (model as unknown as { loss?: unknown }).loss;
  return {
    format: TFJS_STATE_FORMAT,
    framework: { name: 'tfjs', version: tf.version.tfjs, backend: tf.getBackend() },
    topology: model.toJSON(null, false) as JsonValue,
    loss: typeof loss === 'string' || (Array.isArray(loss) && loss.every((l) => typeof l === 'string')) ? (loss as JsonValue) : null,
    model: await getModelWeights(model),
    optimizer: optimizer === undefined ? null : await getOptimizerState(optimizer, trainedVariables(model)),
  };
}

function compiledOptimizer(model: tf.LayersModel): tf.Optimizer | undefined {
  return (model as unknown as { optimizer_?: tf.Optimizer }).optimizer_ ?? undefined;
}

/**
 * Loads a state into an existing model (and its optimizer), by name. Strict by default: every
 * missing, unexpected or mismatched key, in the model weights and in the optimizer slots, is
 * listed in one `E_ARCH_MISMATCH` error and nothing is changed.
 */
export async function restoreState(model: tf.LayersModel, state: StateValue, options: RestoreOptions = {}): Promise<LoadReport> {
  const parsed = parseTfjsState(state);
  const strict = options.strict ?? true;
  const modelPlan = planModelLoad(model, parsed.model, 'model.');
  const optimizer = options.weightsOnly === true ? undefined : (options.optimizer ?? compiledOptimizer(model));
  let optPlan: ReturnType<typeof planOptimizerLoad> | undefined;
  const notes: string[] = [];
  if (optimizer !== undefined && parsed.optimizer !== null) optPlan = planOptimizerLoad(optimizer, trainedVariables(model), parsed.optimizer);
  else if (optimizer !== undefined) notes.push('optimizer: the checkpoint has no optimizer state (restore with { weightsOnly: true } to load the weights alone)');
  const report = mergeReports(modelPlan.report, optPlan?.report ?? { loaded: [], missing: [], unexpected: [], mismatched: [], notes });
  if (strict && !isCleanLoad(report)) throw archMismatchError(report);
  writeWeights(modelPlan.pairs);
  if (optimizer !== undefined && parsed.optimizer !== null && optPlan?.ordered !== undefined) {
    await writeOptimizerState(optimizer, parsed.optimizer, optPlan.ordered);
  }
  return report;
}

/**
 * Builds the model a state describes, loads its weights, and, when the state has them (and
 * `options.compile` is not false), compiles
 * it with the stored loss and an optimizer of the stored class and config carrying the stored
 * slots, so training can continue exactly where it stopped.
 */
export async function rebuildModel(state: StateValue, options: RebuildOptions = {}): Promise<tf.LayersModel> {
  const parsed = parseTfjsState(state);
  const model = await tf.models.modelFromJSON({ modelTopology: parsed.topology as tf.io.ModelJSON['modelTopology'] });
  const opt = parsed.optimizer;
  const compile = (options.compile ?? true) && opt !== null && parsed.loss !== null;
  if (compile) model.compile({ optimizer: createOptimizer(opt.class_name, opt.config), loss: parsed.loss as string | string[] });
  await restoreState(model, parsed, { strict: true, weightsOnly: !compile });
  return model;
}

function bad(what: string): CkptError {
  return new CkptError('E_WRONG_KIND', `not a TF.js checkpoint state: ${what}`, { details: { expected: TFJS_STATE_FORMAT } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTensor(v) && !(v instanceof Map) && !ArrayBuffer.isView(v);
}

function tensorRecord(v: unknown, where: string): Record<string, Tensor> {
  if (!isObject(v)) throw bad(`${where} is not an object of tensors`);
  for (const [k, t] of Object.entries(v)) if (!isTensor(t)) throw bad(`${where}.${k} is not a tensor`);
  return v as Record<string, Tensor>;
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw bad(`${where} is not a list of strings`);
  return v as string[];
}

/** Checks that a state tree (e.g. from `CheckpointManager.restore`) is a {@link TfjsState}; throws `E_WRONG_KIND` if not. */
export function parseTfjsState(state: StateValue): TfjsState {
  if (!isObject(state)) throw bad('the state is not an object');
  if (state.format !== TFJS_STATE_FORMAT) throw bad(`format is ${JSON.stringify(state.format)}`);
  const fw = state.framework;
  if (!isObject(fw) || typeof fw.version !== 'string') throw bad('framework is missing');
  if (!isObject(state.topology)) throw bad('topology is missing');
  const model = tensorRecord(state.model, 'model');
  let optimizer: OptimizerState | null = null;
  const o = state.optimizer;
  if (o !== null && o !== undefined) {
    if (!isObject(o) || typeof o.class_name !== 'string' || !isObject(o.config) || typeof o.iterations !== 'number' || !isObject(o.extra)) throw bad('optimizer is malformed');
    if (!Object.values(o.extra).every((x) => typeof x === 'number')) throw bad('optimizer.extra is malformed');
    optimizer = {
      class_name: o.class_name,
      config: o.config as { [key: string]: JsonValue },
      iterations: o.iterations,
      variables: stringList(o.variables, 'optimizer.variables'),
      slot_kinds: stringList(o.slot_kinds, 'optimizer.slot_kinds'),
      slots: tensorRecord(o.slots, 'optimizer.slots'),
      extra: o.extra as { [key: string]: number },
    };
  }
  return {
    format: TFJS_STATE_FORMAT,
    framework: { name: String(fw.name), version: fw.version, backend: String(fw.backend) },
    topology: state.topology as JsonValue,
    loss: (state.loss ?? null) as JsonValue,
    model,
    optimizer,
  };
}
