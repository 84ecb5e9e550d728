/**
 * The `ckpt` command-line frame: parses argv, runs one command, maps errors to exit codes.
 * Takes argv and IO as parameters so tests run it in-process.
 *
 * @example
 * ```ts
 * import { runCli } from 'ckpt/dist/cli/main.js';
 * const code = await runCli(['inspect', 'model.safetensors', '--json']);
 * ```
 * @module
 */
import { Command, CommanderError } from 'commander';
import { CkptError } from '../errors.js';
import type { RunState } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CliContext, EXIT } from './context.js';
import { processIO, type CliIO } from './io.js';
import { packageVersion } from './version.js';

/** Builds the commander program with every command registered. */
export function buildProgram(ctx: CliContext, state: RunState): Command {
  const program = new Command('ckpt')
    .description('Crash-safe checkpoints for deep-learning training: save, keep, verify, inspect, convert and resume.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print machine-readable JSON on stdout')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride();
  program.configureHelp({ sortSubcommands: false, showGlobalOptions: true });
  for (const def of COMMANDS) def.register(program, ctx, state);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      outputError: (s, write) => write(s),
    });
  }
  return program;
}

/** Prints an error as one line (or a JSON object under `--json`) and returns the exit status. */
function reportError(ctx: CliContext, err: unknown): number {
  const known = err instanceof CkptError;
  const error = known ? err : new CkptError('E_INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ error: error.toJSON() })}\n`);
  ctx.io.stderr(`${ctx.style.red('ckpt: error')} ${error.code}: ${error.message}\n`);
  if (!known && ctx.io.env.CKPT_DEBUG !== undefined && err instanceof Error) ctx.io.stderr(`${err.stack ?? ''}\n`);
  if (!known && ctx.io.env.CKPT_DEBUG === undefined) ctx.io.stderr('(this is a bug in ckpt; set CKPT_DEBUG=1 for the stack trace)\n');
  return error.code === 'E_USAGE' || error.code === 'E_INVALID_ARGUMENT' ? EXIT.USAGE : EXIT.BAD;
}

/**
 * Runs `ckpt` with the given arguments (without `node` and the script path) and returns the
 * exit status: 0 success, 1 what was checked is bad, 2 usage error.
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const ctx = new CliContext(io);
  const state: RunState = { exitCode: EXIT.OK };
  const program = buildProgram(ctx, state);
  ctx.json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.OK;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    return reportError(ctx, err);
  }
}
