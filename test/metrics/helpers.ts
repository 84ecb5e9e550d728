/**
 * Comparison helpers for metric tests: relative closeness with NaN standing for scikit-learn's
 * "undefined" (null in the golden JSON).
 */
import { expect } from 'vitest';

/** Relative tolerance required against scikit-learn. */
export const REL_TOL = 1e-12;

/** True when `actual` matches `expected` to `tol` relative (`null` expects NaN). */
export function closeTo(actual: number | undefined, expected: number | null, tol = REL_TOL): boolean {
  if (actual === undefined) return false;
  if (expected === null) return Number.isNaN(actual);
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tol * Math.max(Math.abs(actual), Math.abs(expected));
}

/** Asserts closeness with a message naming the case and key. */
export function expectClose(actual: number | undefined, expected: number | null, what: string, tol = REL_TOL): void {
  if (!closeTo(actual, expected, tol)) {
    expect.fail(`${what}: got ${actual}, scikit-learn says ${expected} (relative tolerance ${tol})`);
  }
}
