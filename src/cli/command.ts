/**
 * How a command plugs into the `ckpt` frame.
 *
 * @module
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** A command's handler: resolves to an exit status (default 0). Throws `CkptError` on failure. */
export type CommandHandler<O> = (ctx: CliContext, args: string[], options: O) => Promise<number | void> | number | void;

/** One `ckpt` subcommand. */
export interface CommandDefinition {
  /** Adds the subcommand to `program`; bind its action with {@link bindAction}. */
  register: (program: Command, ctx: CliContext, state: RunState) => void;
}

/** Per-invocation state shared between the frame and the command that runs. */
export interface RunState {
  exitCode: number;
}

/**
 * Wires a handler as a commander action: reads `--json`, passes positional arguments and
 * options, and records the exit status.
 */
export function bindAction<O extends object>(cmd: Command, ctx: CliContext, state: RunState, handler: CommandHandler<O>): Command {
  return cmd.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const options = self.optsWithGlobals<O & { json?: boolean }>();
    ctx.json = options.json === true;
    const args = received.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const code = await handler(ctx, args, options);
    state.exitCode = typeof code === 'number' ? code : 0;
  });
}

/** Formats a list of usage examples for `addHelpText('after', ...)`. */
export function examples(lines: readonly [command: string, what: string][]): string {
  return `\nExamples:\n${lines.map(([c, w]) => `  $ ${c}\n      ${w}`).join('\n')}\n`;
}
