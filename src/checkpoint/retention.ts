/**
 * Applying retention to a run: which checkpoints are protected (latest, best, resumed-from), the
 * plan from the pure policies, and the deletes (manifest first). Shared by the manager (after each
 * save) and {@link pruneRun} (the `ckpt prune` command).
 *
 * @module
 */
import type { Store } from '../storage/store.js';
import { acquireRunLock } from './lock.js';
import { deleteCheckpoint, readCatalog, runStore } from './catalog.js';
import { inferMode } from './options.js';
import type { MetricMode } from './policies/metric.js';
import { bestCheckpoint, latestCheckpoint } from './policies/order.js';
import { planRetention } from './policies/plan-retention.js';
import { readRunInfo } from './run-info.js';
import type { CheckpointRecord, RetentionPlan, RetentionPolicy } from './policies/types.js';

/** What retention never deletes: the latest, the best by `monitor`, and the checkpoint the run resumed from. */
export function protectedCheckpoints(
  checkpoints: readonly CheckpointRecord[],
  monitor: { readonly name: string; readonly mode: MetricMode } | undefined,
  resumedFrom: string | undefined,
): Map<string, string> {
  const protect = new Map<string, string>();
  const latest = latestCheckpoint(checkpoints);
  if (latest !== undefined) protect.set(latest.name, 'latest');
  if (monitor !== undefined) {
    const best = bestCheckpoint(checkpoints, monitor.name, monitor.mode);
    if (best !== undefined) protect.set(best.name, 'best');
  }
  if (resumedFrom !== undefined && checkpoints.some((c) => c.name === resumedFrom)) protect.set(resumedFrom, 'resumed-from');
  return protect;
}

/** Deletes the checkpoints of `plan.remove`; a failed delete is reported and skipped. Returns what was removed. */
export async function executeRetention(store: Store, plan: RetentionPlan, onError: (name: string, err: unknown) => void): Promise<string[]> {
  const removed: string[] = [];
  for (const name of plan.remove) {
    try {
      await deleteCheckpoint(store, name);
      removed.push(name);
    } catch (err) {
      onError(name, err);
    }
  }
  return removed;
}

/** Options of {@link pruneRun}. */
export interface PruneOptions {
  /** Retention policies (e.g. `keepTopK`, `keepLastN`); the union is kept. Required. */
  policies: readonly RetentionPolicy[];
  /** Metric whose best checkpoint is protected. Default: the one `run.json` records, else none (then only the latest and the resumed-from are protected). */
  monitor?: string;
  /** Mode of `monitor`. Default: the recorded mode for the recorded monitor, else inferred from its name (see `inferMode`). */
  mode?: MetricMode;
  /** Only plan, delete nothing, take no lock. Default: false. */
  dryRun?: boolean;
  /** Clock for time-based policies, ms since the Unix epoch. Default: `Date.now`. */
  now?: () => number;
}

/** What {@link pruneRun} decided and did. */
export interface PruneResult {
  /** Every survivor with its reasons, and what goes. */
  readonly plan: RetentionPlan;
  /** What was deleted (empty for a dry run). */
  readonly removed: readonly string[];
  /** Deletes that failed, with why. */
  readonly failed: ReadonlyMap<string, string>;
}

/**
 * Applies retention policies to a run outside training. Takes the run lock unless `dryRun`
 * (`E_LOCKED` while a trainer writes the run). The latest, the best and the checkpoint the run
 * resumed from (`run.json`) are never removed.
 */
export async function pruneRun(run: string | Store, options: PruneOptions): Promise<PruneResult> {
  const store = runStore(run);
  const now = options.now ?? Date.now;
  const plan = async (): Promise<RetentionPlan> => {
    const [{ checkpoints }, info] = await Promise.all([readCatalog(store), readRunInfo(store)]);
    const recorded = info?.checkpointing;
    const monitor =
      options.monitor !== undefined
        ? { name: options.monitor, mode: options.mode ?? inferMode(options.monitor) }
        : recorded === undefined ? undefined : { name: recorded.monitor, mode: options.mode ?? recorded.mode };
    return planRetention(checkpoints, options.policies, { now: now(), protected: protectedCheckpoints(checkpoints, monitor, info?.resumedFrom) });
  };
  if (options.dryRun === true) return { plan: await plan(), removed: [], failed: new Map() };
  const lock = await acquireRunLock(store, { now });
  try {
    const p = await plan();
    const failed = new Map<string, string>();
    const removed = await executeRetention(store, p, (name, err) => failed.set(name, err instanceof Error ? err.message : String(err)));
    return { plan: p, removed, failed };
  } finally {
    await lock.release();
  }
}
