/**
 * Tensors, dtypes and state trees.
 *
 * @module
 */
export * from './dtype.js';
export * from './half.js';
export * from './tensor.js';
export * from './state-tree.js';
export * from './values.js';
export * from './stats.js';
export * from './compare.js';
