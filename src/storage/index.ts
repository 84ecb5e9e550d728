/**
 * Storage backends behind one small interface.
 *
 * @module
 */
export * from './store.js';
export { FsStore } from './fs-store.js';
export { MemoryStore } from './memory-store.js';
export { FaultyStore, type FaultPlan } from './faulty-store.js';
