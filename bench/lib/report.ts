/**
 * Shared helpers for benchmarks: timing, external commands, and the side-by-side table with ratios.
 * Benchmarks run with `npx tsx bench/<name>.ts`; they print, they never assert.
 */
import { spawnSync } from 'node:child_process';

/** One measured contender. */
export interface BenchRow {
  /** What was measured, e.g. `ckpt save (fsync)`. */
  name: string;
  /** Seconds per run (best of the repeats). */
  seconds: number;
  /** Bytes or items processed per run, for the rate column. */
  amount: number;
  /** Unit of `amount`: `GiB` turns bytes into GiB/s; anything else prints amount/s with that unit. */
  unit: 'GiB' | string;
}

/** Runs `fn` `repeat` times (default 3) and returns the best wall time in seconds. */
export async function bestOf(fn: () => unknown, repeat = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < best) best = s;
  }
  return best;
}

/** Runs an external command and returns its wall time in seconds; throws on failure. */
export function timeCommand(cmd: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): { seconds: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: options.input, env: options.env ?? process.env, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

function rate(row: BenchRow): string {
  const perSecond = row.amount / row.seconds;
  if (row.unit === 'GiB') return `${(perSecond / 2 ** 30).toFixed(2)} GiB/s`;
  return `${perSecond.toExponential(3)} ${row.unit}/s`;
}

/** Prints rows as a table; each ratio is the row's speed relative to the row named `baseline`. */
export function printTable(title: string, rows: readonly BenchRow[], baseline?: string): void {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  const lines = rows.map((r) => [r.name, `${r.seconds.toFixed(4)} s`, rate(r), base ? `${(base.seconds / r.seconds).toFixed(2)}x` : '']);
  const header = ['contender', 'time', 'rate', base ? `vs ${base.name}` : ''];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
