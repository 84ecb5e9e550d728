/**
 * Argument checks shared by the policy factories: each throws E_INVALID_ARGUMENT naming the
 * factory and the option, so a bad configuration fails when the policy is built, not mid-run.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import type { MetricMode } from './metric.js';

function invalid(where: string, what: string, value: unknown): CkptError {
  return new CkptError('E_INVALID_ARGUMENT', `${where}: ${what}, got ${JSON.stringify(value) ?? String(value)}`, {
    details: { where, value: String(value) },
  });
}

/** `value` as an integer >= `min` (1 unless given). */
export function checkInteger(where: string, name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalid(where, `${name} must be an integer >= ${min}`, value);
  return value;
}

/** `value` as a finite number > 0. */
export function checkPositive(where: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw invalid(where, `${name} must be a finite number > 0`, value);
  return value;
}

/** `value` as a finite number >= 0. */
export function checkNonNegative(where: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw invalid(where, `${name} must be a finite number >= 0`, value);
  return value;
}

/** `value` as a non-empty metric name. */
export function checkMonitor(where: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(where, 'monitor must be a non-empty metric name', value);
  return value;
}

/** `value` as `min` or `max`. */
export function checkMode(where: string, value: MetricMode): MetricMode {
  if (value !== 'min' && value !== 'max') throw invalid(where, 'mode must be "min" or "max"', value);
  return value;
}

/** Every element of `values` as a safe integer >= 0, deduplicated. */
export function checkIntegerSet(where: string, name: string, values: readonly number[]): ReadonlySet<number> {
  for (const v of values) checkInteger(where, name, v, 0);
  return new Set(values);
}

/** `value` as one of `allowed`. */
export function checkOneOf<T extends string>(where: string, name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw invalid(where, `${name} must be one of ${allowed.join(', ')}`, value);
  return value;
}
