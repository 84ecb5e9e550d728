/**
 * The context every command gets: output helpers that honour `--json` and the TTY, and paths.
 *
 * @module
 */
import { resolve } from 'node:path';
import type { CliIO } from './io.js';

/** Exit statuses of every ckpt command. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** What was checked is bad (corruption found, a comparison failed, an error reading input). */
  BAD: 1,
  /** The command line was wrong. */
  USAGE: 2,
} as const;

/** Minimal ANSI styling, applied only when colour is on. */
export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** What a command handler receives besides its parsed options. */
export class CliContext {
  readonly io: CliIO;
  /** True when `--json` was given: print one JSON document and nothing else on stdout. */
  json = false;
  /** Colour helpers; identity functions unless stdout is a TTY and NO_COLOR is unset. */
  readonly style: Style;

  constructor(io: CliIO) {
    this.io = io;
    const colour = io.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
    this.style = makeStyle(colour);
  }

  /** Resolves a user-given path against the working directory. */
  path(p: string): string {
    return resolve(this.io.cwd, p);
  }

  /** Prints a line of human output (suppressed under `--json`). */
  print(line = ''): void {
    if (!this.json) this.io.stdout(`${line}\n`);
  }

  /** Prints a warning or progress note on stderr (always; stderr is never parsed). */
  note(line: string): void {
    this.io.stderr(`${line}\n`);
  }

  /** Prints `value` as the JSON result when `--json` is on; `human` prints it otherwise. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.io.stdout(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    else human();
  }
}

/** JSON.stringify replacer that writes bigints as strings and non-finite numbers as strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
