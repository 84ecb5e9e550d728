/**
 * Runs `ckpt` in-process for CLI tests: injected argv, captured streams, no sockets or children.
 */
import { captureIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

/** What one `ckpt` invocation did. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `ckpt ...argv` with `cwd` as the working directory (default: the process's). */
export async function runCkpt(cwd: string = process.cwd(), ...argv: string[]): Promise<CliRun> {
  const io = captureIO({ cwd });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Matches stderr that is exactly one `ckpt: error CODE: message` line. */
export function oneLineError(code: string): RegExp {
  return new RegExp(`^ckpt: error ${code}: [^\\n]+\\n$`);
}
