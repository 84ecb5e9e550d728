/**
 * Options the run-management commands share: `--monitor` / `--mode`, and how the monitored metric
 * is chosen when `--monitor` is not given (the one `run.json` records, else the run's only metric);
 * parsers for counts and tolerances.
 *
 * @module
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { inferMode } from '../checkpoint/options.js';
import type { MetricMode } from '../checkpoint/policies/metric.js';
import type { CheckpointRecord } from '../checkpoint/policies/types.js';
import type { RunCheckpointing } from '../checkpoint/run-info.js';

/** The `--monitor` / `--mode` flags as parsed. */
export interface MonitorFlags {
  /** Metric that ranks checkpoints. Default: the one the run records in `run.json`, else the run's only metric, if it has exactly one. */
  monitor?: string;
  /** `min` or `max`. Default: the recorded mode of the recorded metric, else inferred from the metric name (`max` for accuracy-like names). */
  mode?: MetricMode;
}

/** A monitored metric and where it came from. */
export interface Monitor {
  readonly name: string;
  readonly mode: MetricMode;
  /** `option`: `--monitor`; `run`: recorded in the run's `run.json`; `only-metric`: the one metric every checkpoint of the run has. */
  readonly source: 'option' | 'run' | 'only-metric';
}

/** Adds `--monitor M` and `--mode min|max` to `cmd`. */
export function addMonitorOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--monitor <metric>', `metric that ${what} (default: the one the run recorded, else the run's only metric)`)
    .addOption(new Option('--mode <mode>', 'min when smaller is better, max when larger is (default: from the metric name)').choices(['min', 'max']));
}

/** Names of every metric some checkpoint has, sorted. */
export function metricNames(checkpoints: readonly { readonly metrics: Readonly<Record<string, unknown>> }[]): string[] {
  const names = new Set<string>();
  for (const c of checkpoints) for (const k of Object.keys(c.metrics)) names.add(k);
  return [...names].sort();
}

/**
 * The metric to rank by: `--monitor` when given, else the one `recorded` in the run's `run.json`
 * (by the manager that trained it), else the run's only metric, else `undefined`. `--mode` always wins.
 */
export function resolveMonitor(flags: MonitorFlags, checkpoints: readonly CheckpointRecord[], recorded?: RunCheckpointing): Monitor | undefined {
  if (flags.monitor !== undefined) return { name: flags.monitor, mode: flags.mode ?? inferMode(flags.monitor), source: 'option' };
  if (recorded !== undefined) return { name: recorded.monitor, mode: flags.mode ?? recorded.mode, source: 'run' };
  const names = metricNames(checkpoints);
  if (names.length !== 1 || names[0] === undefined) return undefined;
  return { name: names[0], mode: flags.mode ?? inferMode(names[0]), source: 'only-metric' };
}

/** Parses a non-negative integer option value (commander reports the error, exit 2). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer.');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('too large.');
  return n;
}

/** Parses a finite non-negative number option value, e.g. `1e-5`. */
export function parseTolerance(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a finite number >= 0.');
  return n;
}
