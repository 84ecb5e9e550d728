/**
 * Comparison helpers for metric tests: relative closeness with NaN standing for scikit-learn's
 * "undefined" (null in the golden JSON).
 */
import { expect } from 'vitest';
import type { ClassificationResult, ZeroDivision } from '../../src/metrics/index.js';

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

/** A classification case as generate.py writes it. */
export interface ClassificationCase {
  name: string;
  task: 'binary' | 'multiclass';
  num_classes: number;
  zero_division: ZeroDivision;
  y_true: number[];
  y_pred: number[];
  scores?: number[] | number[][];
  logits?: number[][];
  expected: Record<string, unknown>;
}

/** A regression case as generate.py writes it. */
export interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  expected: Record<string, number | null>;
}

const NOT_METRICS = new Set(['per_class', 'report_dict', 'report_text', 'report_text_4', 'confusion_matrix']);

/** Asserts that every metric scikit-learn computed for the case matches `got`. */
export function compareResult(c: ClassificationCase, got: ClassificationResult, label: string): void {
  const gotRecord = got as unknown as Record<string, unknown>;
  for (const [key, want] of Object.entries(c.expected)) {
    if (NOT_METRICS.has(key)) continue;
    const have = gotRecord[key];
    expect(typeof have, `${label}: ${key} is missing`).toBe('number');
    expectClose(have as number, want as number | null, `${label}: ${key}`);
  }
  expect(got.confusion_matrix).toEqual(c.expected.confusion_matrix);
  const perClass = c.expected.per_class as Record<string, Record<string, number>>;
  expect(Object.keys(got.per_class)).toEqual(Object.keys(perClass));
  for (const [cls, row] of Object.entries(perClass)) {
    for (const [k, v] of Object.entries(row)) expectClose(got.per_class[cls]?.[k as 'precision'], v, `${label}: per_class[${cls}].${k}`);
  }
}

