/**
 * Every save policy: when a step becomes a checkpoint. All pure functions of a
 * `SaveDecisionContext`; combine them with {@link anyOf}.
 *
 * @module
 */
export { everyNEpochs, everyNSteps, everyNSeconds, specificSteps, specificEpochs, onTrigger, ALL_TRIGGERS } from './save-schedule.js';
export { onImprovement } from './save-improvement.js';
export type { OnImprovementOptions } from './save-improvement.js';
export { slidingWindow } from './save-sliding-window.js';
export type { SlidingWindowOptions } from './save-sliding-window.js';
export { anyOf, decideSave } from './save-combine.js';
