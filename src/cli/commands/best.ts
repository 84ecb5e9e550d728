/**
 * `ckpt best RUN`: prints the path of the best checkpoint by a metric (`--monitor`, else the one the
 * run records in `run.json`), and nothing else, for
 * `$(ckpt best runs/x)`. Like the manager's `restore('best')`, a best checkpoint whose files fail
 * verification is passed over (with a warning on stderr) for the next best.
 *
 * @module
 */
import { join } from 'node:path';
import { readCatalog } from '../../checkpoint/catalog.js';
import { CHECKPOINTS_DIR } from '../../checkpoint/layout.js';
import { rankByMetric } from '../../checkpoint/policies/order.js';
import { readRunInfo } from '../../checkpoint/run-info.js';
import { verifyCheckpoint } from '../../checkpoint/verify.js';
import { CkptError } from '../../errors.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { BestOutput } from '../json-schemas.js';
import { resolveRun } from '../run-path.js';
import { addMonitorOptions, metricNames, resolveMonitor, type MonitorFlags } from '../run-options.js';

/** Flags of `ckpt best`. */
export interface BestFlags extends MonitorFlags {
  /** Check the chosen checkpoint's files against its manifest. Default: true (`--no-verify` turns it off). */
  verify: boolean;
}

export const bestCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('best')
      .argument('<run>', 'a run directory')
      .description('print the path of the best checkpoint of a run by a metric')
      .option('--no-verify', 'do not check the checkpoint files against the manifest (faster on huge checkpoints)');
    addMonitorOptions(cmd, 'ranks the checkpoints')
      .addHelpText('after', examples([
        ['ckpt best runs/exp1', 'the best checkpoint by the metric the run was trained with (run.json)'],
        ['ckpt best runs/exp1 --monitor val_acc', 'the checkpoint with the highest val_acc (max: inferred from the name)'],
        ['ckpt best runs/exp1 --monitor val_loss --mode min', 'the checkpoint with the lowest val_loss'],
        ['ckpt inspect "$(ckpt best runs/exp1 --monitor val_acc)/model.safetensors"', 'use the path in a script'],
      ]));
    bindAction<BestFlags>(cmd, ctx, state, async (c, [run = ''], flags) => {
      const target = await resolveRun(c.path(run), run);
      const [{ checkpoints }, info] = await Promise.all([readCatalog(target.store), readRunInfo(target.store)]);
      if (checkpoints.length === 0) throw new CkptError('E_NOT_FOUND', `${run} has no checkpoints`, { details: { run } });
      const names = metricNames(checkpoints);
      const monitor = resolveMonitor(flags, checkpoints, info?.checkpointing);
      if (monitor === undefined) {
        throw new CkptError('E_USAGE', `${run} does not record which metric it monitors; pass --monitor (its metrics: ${names.length === 0 ? 'none' : names.join(', ')})`);
      }
      const ranked = rankByMetric(checkpoints, monitor.name, monitor.mode);
      if (ranked.length === 0) {
        throw new CkptError('E_NOT_FOUND', `no checkpoint of ${run} has a value of ${monitor.name} (${names.length === 0 ? 'they have no metrics' : `its metrics: ${names.join(', ')}`})`, {
          details: { run, monitor: monitor.name },
        });
      }
      const skipped: BestOutput['skipped'] = [];
      for (const { checkpoint, value } of ranked) {
        if (flags.verify) {
          const report = await verifyCheckpoint(target.store, checkpoint.name);
          if (!report.ok) {
            const reason = report.problems.filter((p) => p.kind !== 'extra').map((p) => p.message).join('; ');
            skipped.push({ name: checkpoint.name, reason });
            c.note(`ckpt: warning: passing over ${checkpoint.name}: ${reason}`);
            continue;
          }
        }
        const out: BestOutput = {
          run,
          path: join(run, CHECKPOINTS_DIR, checkpoint.name),
          name: checkpoint.name,
          epoch: checkpoint.epoch,
          step: checkpoint.step,
          monitor,
          value,
          verified: flags.verify,
          skipped,
        };
        c.result(out, () => c.print(out.path));
        return;
      }
      throw new CkptError('E_CORRUPT', `every checkpoint of ${run} with ${monitor.name} failed verification (ckpt verify ${run} for details)`, { details: { run } });
    });
  },
};
