/**
 * Byte progress bars for long CLI operations (verifying large runs and files). Drawn with
 * cli-progress on stderr, and only when the output is a terminal; otherwise a no-op, so piped
 * and `--json` output stays clean and tests see nothing.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { CliContext } from './context.js';
import { formatBytes } from './table.js';

/** A progress indicator over a known number of bytes. */
export interface ByteProgress {
  /** Adds `n` processed bytes. */
  add(n: number): void;
  /** Removes the bar. Idempotent. */
  stop(): void;
}

/** The indicator that draws nothing. */
export const NO_PROGRESS: ByteProgress = { add: () => undefined, stop: () => undefined };

/** Smallest total worth a bar: below this the operation is over before a bar helps. */
export const MIN_PROGRESS_BYTES = 64 * 2 ** 20;

/**
 * A bar `label [=====   ] 1.2 GiB / 4.0 GiB` on stderr when stdout and stderr are terminals and
 * `total` is at least {@link MIN_PROGRESS_BYTES}; {@link NO_PROGRESS} otherwise.
 */
export function byteProgress(ctx: CliContext, label: string, total: number): ByteProgress {
  if (!ctx.io.isTTY || process.stderr.isTTY !== true || total < MIN_PROGRESS_BYTES) return NO_PROGRESS;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} {bar} {done} / {size} | ETA {eta}s`,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  });
  let done = 0;
  bar.start(total, 0, { done: formatBytes(0), size: formatBytes(total) });
  let stopped = false;
  return {
    add(n) {
      done += n;
      bar.update(Math.min(done, total), { done: formatBytes(done) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
