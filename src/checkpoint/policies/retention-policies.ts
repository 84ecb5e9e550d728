/**
 * Retention policies: which checkpoints to keep. Each is a pure function of the committed
 * checkpoints and a `RetentionContext` (`now`, protected names); combine them with
 * {@link planRetention}, which keeps the union.
 *
 * @module
 */
import { formatMetricValue } from './metric.js';
import type { MetricMode } from './metric.js';
import { oldestFirst, rankByMetric } from './order.js';
import { checkInteger, checkMode, checkMonitor, checkNonNegative } from './validate.js';
import type { RetentionPolicy } from './types.js';

/** Options of {@link keepTopK}. */
export interface KeepTopKOptions {
  /** How many of the best to keep (integer >= 0; 0 keeps none by this policy). Required. */
  readonly k: number;
  /** The metric that ranks checkpoints, e.g. `val_acc`. Required. */
  readonly monitor: string;
  /** `min` when smaller is better, `max` when larger is better. Required. */
  readonly mode: MetricMode;
}

/**
 * Keeps the `k` best checkpoints by `monitor`. Checkpoints whose value is NaN or missing are never
 * among them. Ties keep the older checkpoint (lower step, then earlier time), as Lightning, where a
 * newer checkpoint must be strictly better than the k-th best to enter the top k.
 * Reasons read `top 2/3 by val_acc=0.9722`.
 */
export function keepTopK(options: KeepTopKOptions): RetentionPolicy {
  const where = 'keepTopK';
  const k = checkInteger(where, 'k', options.k, 0);
  const monitor = checkMonitor(where, options.monitor);
  const mode = checkMode(where, options.mode);
  return {
    name: `top ${k} by ${monitor} (${mode})`,
    keep: (checkpoints) => {
      const kept = new Map<string, string>();
      rankByMetric(checkpoints, monitor, mode)
        .slice(0, k)
        .forEach(({ checkpoint, value }, i) => kept.set(checkpoint.name, `top ${i + 1}/${k} by ${monitor}=${formatMetricValue(value)}`));
      return kept;
    },
  };
}

/** Keeps the `n` latest checkpoints (highest step, then time), as Orbax's `LatestN`. Reasons read `last 1/2`. */
export function keepLastN(n: number): RetentionPolicy {
  checkInteger('keepLastN', 'n', n, 0);
  return {
    name: `last ${n}`,
    keep: (checkpoints) => {
      const kept = new Map<string, string>();
      oldestFirst(checkpoints)
        .reverse()
        .slice(0, n)
        .forEach((c, i) => kept.set(c.name, `last ${i + 1}/${n}`));
      return kept;
    },
  };
}

/**
 * Keeps one checkpoint per `n` epochs, like Orbax's `EveryNSteps`/`EveryNSeconds` preservation:
 * walking oldest first, it keeps the oldest checkpoint, then each first checkpoint whose epoch is
 * at least `n` past the previous kept one. Gaps in the saved epochs do not make it keep nothing,
 * and its choice never changes as other checkpoints come and go (only kept ones steer it).
 * Reasons read `every 5 epochs (epoch 10)`.
 */
export function keepEveryNEpochs(n: number): RetentionPolicy {
  checkInteger('keepEveryNEpochs', 'n', n);
  return {
    name: `every ${n} epochs`,
    keep: (checkpoints) => {
      const kept = new Map<string, string>();
      let lastEpoch: number | undefined;
      for (const c of oldestFirst(checkpoints)) {
        if (lastEpoch !== undefined && c.epoch < lastEpoch + n) continue;
        kept.set(c.name, `every ${n} epochs (epoch ${c.epoch})`);
        lastEpoch = c.epoch;
      }
      return kept;
    },
  };
}

/**
 * Keeps every checkpoint saved at most `durationMs` before `ctx.now` (and any timed after it).
 * Reasons read `within 1h (saved 12m ago)`.
 */
export function keepWithin(durationMs: number): RetentionPolicy {
  checkNonNegative('keepWithin', 'durationMs', durationMs);
  const span = formatDuration(durationMs);
  return {
    name: `within ${span}`,
    keep: (checkpoints, ctx) => {
      const kept = new Map<string, string>();
      for (const c of checkpoints) {
        const age = ctx.now - c.time;
        if (age <= durationMs) kept.set(c.name, `within ${span} (saved ${formatDuration(Math.max(0, age))} ago)`);
      }
      return kept;
    },
  };
}

/** A duration for people: `250ms`, `42s`, `12m`, `3h`, `2d`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: readonly [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  let rest = Math.round(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.join('');
}
