/**
 * `ckpt ls RUN`: the checkpoints of a run, from their manifests: name, epoch, step, every metric,
 * size and age, with the best (by `--monitor`, else as `run.json` records) and the latest marked;
 * folders without a valid manifest last.
 * Read-only and lock-free, so it works on a run that is training.
 *
 * @module
 */
import { join } from 'node:path';
import { readCatalog, type Catalog } from '../../checkpoint/catalog.js';
import { CHECKPOINTS_DIR } from '../../checkpoint/layout.js';
import { inferMode } from '../../checkpoint/options.js';
import { formatMetricValue } from '../../checkpoint/policies/metric.js';
import { bestCheckpoint, latestCheckpoint, rankByMetric } from '../../checkpoint/policies/order.js';
import { formatDuration } from '../../checkpoint/policies/retention-policies.js';
import { readRunInfo, type RunCheckpointing } from '../../checkpoint/run-info.js';
import { CkptError } from '../../errors.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { LsOutput } from '../json-schemas.js';
import { resolveRun } from '../run-path.js';
import { addMonitorOptions, metricNames, resolveMonitor, type MonitorFlags } from '../run-options.js';
import { formatBytes, renderTable, type Align } from '../table.js';

/** Flags of `ckpt ls`. */
export interface LsFlags extends MonitorFlags {
  /** Sort best first by this metric. Default: oldest first (step, then time). */
  sort?: string;
}

/**
 * Builds the `ls` result from a catalog. `run` is the run path as shown to the user; `recorded` is
 * how the run judges "best" (`run.json`), used when neither `--monitor` nor `--sort` is given.
 */
export function listRun(catalog: Catalog, run: string, flags: LsFlags, recorded?: RunCheckpointing): LsOutput {
  const all = catalog.checkpoints;
  const monitor = resolveMonitor(flags.monitor === undefined && flags.sort !== undefined ? { ...flags, monitor: flags.sort } : flags, all, recorded) ?? null;
  const best = monitor === null ? undefined : bestCheckpoint(all, monitor.name, monitor.mode)?.name;
  const latest = latestCheckpoint(all)?.name;
  let ordered = all;
  if (flags.sort !== undefined) {
    const names = metricNames(all);
    if (!names.includes(flags.sort)) {
      throw new CkptError('E_INVALID_ARGUMENT', `--sort ${flags.sort}: no checkpoint has that metric (${names.length === 0 ? 'they have no metrics' : `available: ${names.join(', ')}`})`);
    }
    const mode = monitor?.name === flags.sort ? monitor.mode : (flags.mode ?? inferMode(flags.sort));
    const ranked = rankByMetric(all, flags.sort, mode).map((r) => r.checkpoint.name);
    const rank = new Map(ranked.map((n, i) => [n, i]));
    ordered = [...all].sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
  }
  const folder = join(run, CHECKPOINTS_DIR); // ends with a separator; names are single path segments
  return {
    run,
    monitor,
    sort: flags.sort ?? null,
    checkpoints: ordered.map((c) => ({
      name: c.name,
      path: folder + c.name,
      epoch: c.epoch,
      step: c.step,
      metrics: { ...c.metrics },
      bytes: c.bytes,
      time: c.time,
      created: c.manifest.created,
      best: c.name === best,
      latest: c.name === latest,
    })),
    incomplete: [...catalog.incomplete].map(([name, reason]) => ({ name, reason })),
  };
}

function metricCell(v: number | string | undefined): string {
  return v === undefined ? '-' : formatMetricValue(typeof v === 'number' ? v : Number(v));
}

/** The human table of an `ls` result; `now` (ms since the epoch) is what ages are measured from. Pure. */
export function renderLs(out: LsOutput, now: number): string {
  const lines: string[] = [];
  if (out.checkpoints.length === 0) lines.push(`${out.run}: no checkpoints`);
  else {
    const metrics = metricNames(out.checkpoints);
    const header = ['', 'name', 'epoch', 'step', ...metrics, 'size', 'age'];
    const align: Align[] = ['left', 'left', 'right', 'right', ...metrics.map((): Align => 'right'), 'right', 'right'];
    const rows = out.checkpoints.map((c) => [
      [c.best ? 'best' : '', c.latest ? 'latest' : ''].filter((m) => m !== '').join(','),
      c.name,
      String(c.epoch),
      String(c.step),
      ...metrics.map((m) => metricCell(c.metrics[m])),
      formatBytes(c.bytes),
      `${formatDuration(Math.max(0, now - c.time))} ago`,
    ]);
    lines.push(renderTable(header, rows, align));
    const by = out.monitor === null ? 'best: pass --monitor to mark it' : `best by ${out.monitor.name} (${out.monitor.mode})`;
    lines.push('', `${out.checkpoints.length} checkpoint${out.checkpoints.length === 1 ? '' : 's'}; ${by}`);
  }
  if (out.incomplete.length > 0) {
    lines.push('', `incomplete (not checkpoints; ckpt verify ${out.run} for details):`);
    for (const i of out.incomplete) lines.push(`  ${i.name}: ${i.reason}`);
  }
  return lines.join('\n');
}

export const lsCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('ls')
      .argument('<run>', 'a run directory (the one that holds checkpoints/)')
      .description('list the checkpoints of a run: epoch, step, metrics, size, age, best and latest')
      .option('--sort <metric>', 'sort best first by this metric (default: oldest first)');
    addMonitorOptions(cmd, 'marks the best checkpoint')
      .addHelpText('after', examples([
        ['ckpt ls runs/exp1', 'every checkpoint of the run, oldest first'],
        ['ckpt ls runs/exp1 --sort val_acc', 'best first by val_acc (higher is better: inferred from the name)'],
        ['ckpt ls runs/exp1 --monitor val_loss --mode min', 'mark the checkpoint with the lowest val_loss as best'],
        ['ckpt ls runs/exp1 --json | jq -r ".checkpoints[].path"', 'checkpoint paths for a script'],
      ]));
    bindAction<LsFlags>(cmd, ctx, state, async (c, [run = ''], flags) => {
      const target = await resolveRun(c.path(run), run);
      const [catalog, info] = await Promise.all([readCatalog(target.store), readRunInfo(target.store)]);
      const out = listRun(catalog, run, flags, info?.checkpointing);
      c.result(out, () => c.print(renderLs(out, Date.now())));
    });
  },
};
