/**
 * `ckpt prune RUN`: applies retention to a run with the manager's policies (`keepTopK`,
 * `keepLastN`, `planRetention`), shows what goes and which rule keeps each survivor, and never
 * removes the latest, the best (by `--monitor`, else as `run.json` records) or the checkpoint the run
 * resumed from. Deleting takes the run lock (`E_LOCKED` while a
 * manager is writing the run) and removes each manifest first. `--dry-run` only plans, lock-free.
 *
 * @module
 */
import { deleteCheckpoint, readCatalog, type CheckpointInfo } from '../../checkpoint/catalog.js';
import { acquireRunLock } from '../../checkpoint/lock.js';
import { inferMode } from '../../checkpoint/options.js';
import { bestCheckpoint, latestCheckpoint } from '../../checkpoint/policies/order.js';
import { planRetention } from '../../checkpoint/policies/plan-retention.js';
import { keepLastN, keepTopK } from '../../checkpoint/policies/retention-policies.js';
import { readRunInfo } from '../../checkpoint/run-info.js';
import type { RetentionPlan, RetentionPolicy } from '../../checkpoint/policies/types.js';
import { CkptError, isCkptError } from '../../errors.js';
import type { Store } from '../../storage/store.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';
import type { PruneOutput } from '../json-schemas.js';
import { resolveRun } from '../run-path.js';
import { addMonitorOptions, metricNames, parseCount, resolveMonitor, type Monitor, type MonitorFlags } from '../run-options.js';

/** Flags of `ckpt prune`. */
export interface PruneFlags extends MonitorFlags {
  /** Keep the K best by the monitored metric. Default: no top-K rule. */
  keepTop?: number;
  /** Keep the N latest. Default: no last-N rule. */
  keepLast?: number;
  /** Only show the plan. Default: false. */
  dryRun?: boolean;
}

/**
 * The checkpoints never removed: the latest, the best by `monitor` (without one, e.g. an old run
 * whose `run.json` does not record it, the best by every metric the run has, so no plausible best
 * is lost), and the checkpoint the run resumed from (`run.json`'s `resumedFrom`), while it exists.
 */
export function protectedCheckpoints(checkpoints: readonly CheckpointInfo[], monitor: Monitor | undefined, resumedFrom?: string): Map<string, string> {
  const keep = new Map<string, string>();
  const add = (name: string | undefined, reason: string): void => {
    if (name === undefined) return;
    const prev = keep.get(name);
    keep.set(name, prev === undefined ? reason : `${prev}, ${reason}`);
  };
  add(latestCheckpoint(checkpoints)?.name, 'latest');
  if (monitor !== undefined) add(bestCheckpoint(checkpoints, monitor.name, monitor.mode)?.name, 'best');
  else for (const m of metricNames(checkpoints)) add(bestCheckpoint(checkpoints, m, inferMode(m))?.name, `best ${m} (${inferMode(m)})`);
  if (resumedFrom !== undefined && checkpoints.some((c) => c.name === resumedFrom)) add(resumedFrom, 'resumed-from');
  return keep;
}

/** The retention policies the flags ask for; `E_USAGE` when there is none or top-K lacks a metric. */
export function prunePolicies(flags: PruneFlags, monitor: Monitor | undefined, names: readonly string[]): RetentionPolicy[] {
  if (flags.keepTop === undefined && flags.keepLast === undefined) {
    throw new CkptError('E_USAGE', 'say what to keep: --keep-top K (with --monitor) and/or --keep-last N');
  }
  const policies: RetentionPolicy[] = [];
  if (flags.keepTop !== undefined) {
    if (monitor === undefined) throw new CkptError('E_USAGE', `--keep-top needs --monitor: the run does not record its metric (its metrics: ${names.join(', ') || 'none'})`);
    policies.push(keepTopK({ k: flags.keepTop, monitor: monitor.name, mode: monitor.mode }));
  }
  if (flags.keepLast !== undefined) policies.push(keepLastN(flags.keepLast));
  return policies;
}

/** Deletes the planned checkpoints, manifest first; returns the removed names. */
async function remove(store: Store, names: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const name of names) {
    try {
      await deleteCheckpoint(store, name);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CkptError(isCkptError(err) ? err.code : 'E_IO', `removed ${removed.length} of ${names.length} checkpoints, then failed on ${name}: ${why}`, { cause: err });
    }
    removed.push(name);
  }
  return removed;
}

function printPlan(ctx: CliContext, out: PruneOutput, plan: RetentionPlan, order: readonly string[]): void {
  const { dim, red, green } = ctx.style;
  const width = Math.max(0, ...order.map((n) => n.length));
  for (const name of order) {
    const reasons = plan.keep.get(name);
    if (reasons === undefined) ctx.print(`${red('remove')}  ${name}`);
    else ctx.print(`${green('keep  ')}  ${name.padEnd(width)}  ${dim(reasons.join(', '))}`);
  }
  const total = order.length;
  if (out.dryRun) ctx.print(`\ndry run: would remove ${out.remove.length} of ${total} checkpoint${total === 1 ? '' : 's'}; nothing was deleted`);
  else ctx.print(`\nremoved ${out.removed.length} of ${total} checkpoint${total === 1 ? '' : 's'}`);
  for (const i of out.incomplete) ctx.print(dim(`left alone (no valid manifest): ${i.name}`));
}

async function prune(ctx: CliContext, run: string, flags: PruneFlags): Promise<void> {
  const target = await resolveRun(ctx.path(run), run);
  const lock = flags.dryRun === true ? undefined : await acquireRunLock(target.store, { onWarning: (m) => ctx.note(`ckpt: warning: ${m}`) });
  try {
    const [{ checkpoints, incomplete }, info] = await Promise.all([readCatalog(target.store), readRunInfo(target.store)]);
    const names = metricNames(checkpoints);
    const monitor = resolveMonitor(flags, checkpoints, info?.checkpointing);
    const policies = prunePolicies(flags, monitor, names);
    if (monitor === undefined && names.length > 0) ctx.note(`ckpt: note: no --monitor: keeping the best checkpoint by each metric (${names.join(', ')})`);
    const plan = planRetention(checkpoints, policies, { now: Date.now(), protected: protectedCheckpoints(checkpoints, monitor, info?.resumedFrom) });
    const removed = flags.dryRun === true ? [] : await remove(target.store, plan.remove);
    const out: PruneOutput = {
      run,
      dryRun: flags.dryRun === true,
      policies: policies.map((p) => p.name),
      keep: [...plan.keep].map(([name, reasons]) => ({ name, reasons: [...reasons] })),
      remove: [...plan.remove],
      removed,
      incomplete: [...incomplete].map(([name, reason]) => ({ name, reason })),
    };
    ctx.result(out, () => printPlan(ctx, out, plan, checkpoints.map((c) => c.name)));
  } finally {
    await lock?.release();
  }
}

export const pruneCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('prune')
      .argument('<run>', 'a run directory')
      .description('delete the checkpoints retention rules do not keep; never the best, the latest or the resumed-from')
      .option('--keep-top <k>', 'keep the K best by --monitor', parseCount)
      .option('--keep-last <n>', 'keep the N latest', parseCount)
      .option('--dry-run', 'show the plan, delete nothing');
    addMonitorOptions(cmd, 'ranks checkpoints for --keep-top and marks the best')
      .addHelpText('after', examples([
        ['ckpt prune runs/exp1 --keep-top 3 --monitor val_acc --dry-run', 'show what keeping the 3 best by val_acc would delete'],
        ['ckpt prune runs/exp1 --keep-top 3 --keep-last 2 --monitor val_loss', 'keep the 3 lowest val_loss and the 2 latest; delete the rest'],
        ['ckpt prune runs/exp1 --keep-last 1 --json', 'keep the latest (and the best by each metric); the plan as JSON'],
      ]));
    bindAction<PruneFlags>(cmd, ctx, state, (c, [run = ''], flags) => prune(c, run, flags));
  },
};
