/**
 * How a manager's options become the `checkpointing` record of `run.json` (monitor, mode, policy
 * names), so that tools reading the run later (`ckpt ls`, `best`, `prune`) judge "best" as the
 * training did. Pure.
 *
 * When a later open of the run uses other options: an open without `monitor` judges nothing and
 * leaves the record alone (e.g. a script that only restores); an open with a `monitor` replaces the
 * record (it is how the run judges from now on), with a warning when the monitor or mode changes,
 * because earlier checkpoints were ranked differently.
 *
 * @module
 */
import type { ResolvedOptions } from './options.js';
import type { RunCheckpointing } from './run-info.js';

/** The record to write and the warning to give, or `undefined` when `run.json` stays as it is. */
export interface CheckpointingChange {
  readonly next: RunCheckpointing;
  readonly warning: string | undefined;
}

/** Compares the recorded judgment with the options of this open; see the module documentation. */
export function reconcileCheckpointing(
  recorded: RunCheckpointing | undefined,
  o: Pick<ResolvedOptions, 'monitor' | 'mode' | 'savePolicyNames' | 'retentionPolicies'>,
): CheckpointingChange | undefined {
  if (o.monitor === undefined) return undefined;
  const next: RunCheckpointing = {
    monitor: o.monitor,
    mode: o.mode,
    savePolicies: [...o.savePolicyNames],
    retentionPolicies: o.retentionPolicies.map((p) => p.name),
  };
  if (recorded !== undefined && sameRecord(recorded, next)) return undefined;
  const warning =
    recorded !== undefined && (recorded.monitor !== next.monitor || recorded.mode !== next.mode)
      ? `this run judged checkpoints by ${recorded.monitor} (${recorded.mode}); from now on by ${next.monitor} (${next.mode}), as recorded in run.json`
      : undefined;
  return { next, warning };
}

function sameRecord(a: RunCheckpointing, b: RunCheckpointing): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.monitor === b.monitor && a.mode === b.mode && same(a.savePolicies, b.savePolicies) && same(a.retentionPolicies, b.retentionPolicies);
}
