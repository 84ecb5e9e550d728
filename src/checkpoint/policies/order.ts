/**
 * Ordering of checkpoints in time, and the two lookups the manager and the CLI share:
 * the latest checkpoint and the best one by a metric.
 *
 * @module
 */
import { compareMetric, metricOf } from './metric.js';
import type { MetricMode } from './metric.js';
import type { CheckpointRecord } from './types.js';

/** Oldest first: by step, then time, then name (so the order is total and deterministic). */
export function compareOldestFirst(a: CheckpointRecord, b: CheckpointRecord): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.time !== b.time) return a.time - b.time;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A copy of `checkpoints` sorted oldest first (see {@link compareOldestFirst}). */
export function oldestFirst(checkpoints: readonly CheckpointRecord[]): CheckpointRecord[] {
  return [...checkpoints].sort(compareOldestFirst);
}

/** The latest checkpoint: highest step, then latest time, then greatest name. `undefined` when empty. */
export function latestCheckpoint(checkpoints: readonly CheckpointRecord[]): CheckpointRecord | undefined {
  let latest: CheckpointRecord | undefined;
  for (const c of checkpoints) if (latest === undefined || compareOldestFirst(c, latest) > 0) latest = c;
  return latest;
}

/**
 * Checkpoints that have a non-NaN value of `monitor`, best first. Ties keep the older checkpoint
 * first, as Lightning (a newer checkpoint must be strictly better to displace an older one).
 */
export function rankByMetric(
  checkpoints: readonly CheckpointRecord[],
  monitor: string,
  mode: MetricMode,
): { checkpoint: CheckpointRecord; value: number }[] {
  const cmp = compareMetric(mode);
  const ranked: { checkpoint: CheckpointRecord; value: number }[] = [];
  for (const checkpoint of checkpoints) {
    const value = metricOf(checkpoint, monitor);
    if (value !== undefined && !Number.isNaN(value)) ranked.push({ checkpoint, value });
  }
  return ranked.sort((a, b) => cmp(a.value, b.value) || compareOldestFirst(a.checkpoint, b.checkpoint));
}

/**
 * The best checkpoint by `monitor` in direction `mode`, ignoring checkpoints where it is NaN or
 * missing; on a tie the older one. `undefined` when no checkpoint has a usable value.
 */
export function bestCheckpoint(
  checkpoints: readonly CheckpointRecord[],
  monitor: string,
  mode: MetricMode,
): CheckpointRecord | undefined {
  const cmp = compareMetric(mode);
  let best: CheckpointRecord | undefined;
  let bestValue = Number.NaN;
  for (const c of checkpoints) {
    const value = metricOf(c, monitor);
    if (value === undefined || Number.isNaN(value)) continue;
    const order = best === undefined ? -1 : cmp(value, bestValue) || compareOldestFirst(c, best);
    if (order < 0) {
      best = c;
      bestValue = value;
    }
  }
  return best;
}
