/**
 * `ckpt eval CHECKPOINT --data FILE.csv`: rebuild the model stored in a checkpoint and print its
 * metrics on a CSV (features, then a `label` column). TF.js is loaded only when it runs.
 *
 * @module
 */
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';

async function run(ctx: CliContext, checkpoint: string, data: string): Promise<number> {
  const { evaluateCheckpoint } = await import('../../demo/eval-checkpoint.js');
  const { formatConfusionMatrix } = await import('../../demo/report.js');
  const r = await evaluateCheckpoint(ctx.path(checkpoint), ctx.path(data), (s) => ctx.note(s));
  ctx.result(r, () => {
    const m = r.metrics;
    ctx.print(`${ctx.style.bold(r.record.name)} (epoch ${r.record.epoch + 1}, step ${r.record.step}) on ${data}: ${m.n_samples} examples`);
    ctx.print(`accuracy ${m.accuracy.toFixed(4)}  f1_macro ${m.f1_macro.toFixed(4)}  balanced_accuracy ${m.balanced_accuracy.toFixed(4)}  log_loss ${(m.log_loss ?? NaN).toFixed(4)}`);
    ctx.print('');
    ctx.print(r.report.replace(/\n+$/, ''));
    ctx.print('');
    ctx.print('confusion matrix (rows: true class, columns: predicted class):');
    ctx.print(formatConfusionMatrix(m.confusion_matrix, m.labels.map(String)));
  });
  return 0;
}

export const evalCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('eval')
      .argument('<checkpoint>', 'a checkpoint folder, e.g. runs/demo/checkpoints/epoch=0019-step=740-val_acc=0.9777')
      .requiredOption('--data <file>', 'CSV (or .csv.gz): feature columns, then a "label" column; header optional')
      .description('rebuild the model stored in a checkpoint and print its metrics on a CSV')
      .addHelpText('after', examples([
        ['ckpt eval runs/demo/checkpoints/<name> --data data/digits.csv.gz', 'score a demo checkpoint on the whole digits set'],
        ['ckpt eval CKPT --data test.csv --json | jq .metrics.f1_macro', 'one metric, for scripts (scikit-learn names)'],
      ]));
    bindAction(cmd, ctx, state, async (c, [checkpoint = ''], opts: { data: string }) => run(c, checkpoint, opts.data));
  },
};
