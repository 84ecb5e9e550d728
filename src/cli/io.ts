/**
 * What a CLI command may touch of the outside world, injected so tests run commands in-process.
 *
 * @module
 */

/** The streams and environment a command runs with. */
export interface CliIO {
  /** Writes to standard output. Default: `process.stdout.write`. */
  stdout: (text: string) => void;
  /** Writes to standard error. Default: `process.stderr.write`. */
  stderr: (text: string) => void;
  /** True when standard output is a terminal (enables colour and progress bars). Default: `process.stdout.isTTY`. */
  isTTY: boolean;
  /** Environment variables. Default: `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory relative paths resolve against. Default: `process.cwd()`. */
  cwd: string;
}

let pipeGuardInstalled = false;

/**
 * Makes a closed stdout (`ckpt ls | head`) end the process quietly with status 0 instead of an
 * EPIPE stack trace, as Unix tools do. Installed once.
 */
function guardClosedPipe(): void {
  if (pipeGuardInstalled) return;
  pipeGuardInstalled = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** The real process's streams and environment. */
export function processIO(): CliIO {
  guardClosedPipe();
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** An IO that records everything written, for tests. */
export interface CapturedIO extends CliIO {
  /** Everything written to stdout so far. */
  readonly out: () => string;
  /** Everything written to stderr so far. */
  readonly err: () => string;
}

/** An in-memory IO for tests; `overrides` replace the defaults (not a TTY, empty env, `process.cwd()`). */
export function captureIO(overrides: Partial<CliIO> = {}): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    isTTY: false,
    env: {},
    cwd: process.cwd(),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
