/**
 * `ckpt demo`: train, evaluate and checkpoint a model on a bundled data set (the main job).
 * TF.js is loaded only when the command runs, so other commands start fast.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import type { DemoResult } from '../../demo/run-demo.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';

/** Exit status of an interrupted run (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

interface DemoFlags {
  run: string;
  epochs?: number;
  seed: number;
  resume?: boolean;
  dataset: 'digits' | 'fashion-mnist';
}

/** Parses a non-negative integer flag value (commander reports the error, exit 2). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer.');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('too large.');
  return n;
}

/** Quotes a path for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function resumeCommand(runDir: string, flags: DemoFlags, epochs: number | undefined): string {
  const parts = ['ckpt', 'demo', '--run', shellQuote(runDir), '--resume'];
  if (epochs !== undefined) parts.push('--epochs', String(epochs));
  parts.push('--seed', String(flags.seed));
  if (flags.dataset !== 'digits') parts.push('--dataset', flags.dataset);
  return parts.join(' ');
}

/** Aborts `controller` on the first SIGINT/SIGTERM; a second one exits at once. Returns the remover. */
function onInterrupt(ctx: CliContext, controller: AbortController): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    ctx.note(`${sig}: stopping after the current batch and saving a checkpoint (${sig} again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}

async function run(ctx: CliContext, flags: DemoFlags): Promise<number> {
  const { runDemo } = await import('../../demo/run-demo.js');
  const { formatFinalReport } = await import('../../demo/report.js');
  const runDir = ctx.path(flags.run);
  const controller = new AbortController();
  const removeHandlers = onInterrupt(ctx, controller);
  const line = (s: string): void => (ctx.json ? ctx.note(s) : ctx.print(s));
  let result: DemoResult;
  try {
    result = await runDemo({
      runDir,
      dataset: flags.dataset,
      seed: flags.seed,
      resume: flags.resume === true,
      signal: controller.signal,
      resumeCommand: resumeCommand(runDir, flags, flags.epochs),
      ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
      output: {
        line,
        note: (s) => ctx.note(s),
        ...(ctx.io.isTTY && process.stderr.isTTY && !ctx.json ? { progressStream: process.stderr } : {}),
      },
    });
  } finally {
    removeHandlers();
  }
  const { summary } = result;
  ctx.result(summary, () => {
    if (result.status === 'completed') for (const l of formatFinalReport(summary)) ctx.print(l);
  });
  return result.status === 'completed' ? 0 : EXIT_INTERRUPTED;
}

export const demoCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('demo')
      .description('train, evaluate and checkpoint a model on a bundled data set: the main job, end to end')
      .option('--run <dir>', 'run directory (checkpoints, run.json, metrics.jsonl, TensorBoard events)', 'runs/demo')
      .option('--epochs <n>', 'epochs in total (default: 20 for digits, 2 for fashion-mnist)', parseCount)
      .option('--seed <s>', 'seed of the weights and the data order', parseCount, 0)
      .option('--resume', 'continue from the latest checkpoint of the run')
      .addOption(new Option('--dataset <name>', 'data set').choices(['digits', 'fashion-mnist']).default('digits'))
      .addHelpText('after', examples([
        ['ckpt demo', 'train an MLP on the bundled UCI digits into runs/demo (well under a minute)'],
        ['ckpt demo --run runs/a --resume', 'continue run runs/a from its latest checkpoint (also after Ctrl-C)'],
        ['ckpt demo --json | jq .test_metrics.accuracy', 'the best checkpoint\'s test accuracy, for scripts'],
        ['ckpt demo --dataset fashion-mnist', 'a small convnet on Fashion-MNIST (apt-get install dataset-fashion-mnist)'],
      ]));
    bindAction<DemoFlags>(cmd, ctx, state, (c, _args, flags) => run(c, flags));
  },
};
