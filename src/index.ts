/**
 * ckpt: crash-safe checkpoints for deep-learning training.
 *
 * @example
 * ```ts
 * import { Tensor, flattenState } from 'ckpt';
 * const { tensors, skeleton } = flattenState({ epoch: 3, w: Tensor.from('F32', [2], [1, 2]) });
 * ```
 * @module
 */
export * from './errors.js';
export * from './tensor/index.js';
export * from './metrics/index.js';
export * from './formats/safetensors/index.js';
export * from './formats/pytorch/index.js';
export * from './interop/index.js';
export * from './tracking/index.js';
export * from './storage/index.js';
export * from './checkpoint/index.js';
/** Whether ckpt's native addon (memory-mapped loads, parallel snapshot copies) is built and loaded here, and if not, why. */
export { nativeSupport } from './util/native.js';
