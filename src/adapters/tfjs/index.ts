/**
 * `ckpt/tfjs`: TensorFlow.js models and optimizers as checkpoint state, strict loading, a seeded
 * resumable training loop, a `model.fit()` checkpoint callback, and backend setup. Importing
 * `ckpt` itself never loads TF.js; only this entry point does.
 *
 * @example
 * ```ts
 * import { captureState, restoreState, rebuildModel, setupBackend } from 'ckpt/tfjs';
 * await setupBackend();                          // wasm, or cpu with a note
 * const state = await captureState(model);       // topology + weights + optimizer slots
 * await restoreState(otherModel, state);         // strict: E_ARCH_MISMATCH lists every difference
 * const copy = await rebuildModel(state);        // the model from the state alone, compiled
 * ```
 * @module
 */
export { setupBackend, wasmDirectory, type BackendOptions } from './backend.js';
export { ckptDType, fromTfjs, toTfjs, tfjsDType } from './tensors.js';
export { archMismatchError, isCleanLoad, mergeReports, type LoadReport, type Mismatch } from './load-report.js';
export { getModelWeights, loadModelWeights, type LoadWeightsOptions } from './model-state.js';
export {
  createOptimizer, getOptimizerState, trainedVariables, type JsonValue, type OptimizerState,
} from './optimizer-state.js';
export {
  TFJS_STATE_FORMAT, captureState, parseTfjsState, rebuildModel, restoreState,
  type CaptureOptions, type RebuildOptions, type RestoreOptions, type TfjsState,
} from './model-checkpoint-state.js';
export { CheckpointCallback, resumeFit, type CheckpointCallbackOptions } from './checkpoint-callback.js';
export { evaluateClassifier, validationMetrics, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { Rng, type RngState } from './rng.js';
export {
  initialLoopState, parseLoopState, trainLoop,
  type BatchInfo, type EpochInfo, type LoopState, type TrainLoopOptions, type TrainLoopResult,
} from './train-loop.js';
