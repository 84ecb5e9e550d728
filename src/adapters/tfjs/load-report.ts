/**
 * What loading a checkpoint into a model did, in the terms of torch's `load_state_dict`: keys the
 * model has and the checkpoint lacks (missing), keys the checkpoint has and the model lacks
 * (unexpected), and keys whose shape or dtype differ (mismatched).
 *
 * @module
 */
import { CkptError } from '../../errors.js';

/** One tensor whose dtype or shape in the checkpoint differs from the model's. */
export interface Mismatch {
  /** Key, e.g. `model.dense_1/kernel` or `optimizer.dense_1/kernel/m`. */
  readonly key: string;
  /** What the model expects, e.g. `F32[64,32]`. */
  readonly expected: string;
  /** What the checkpoint holds, e.g. `F32[64,64]`. */
  readonly found: string;
}

/** The outcome of a load. In strict mode a load with any problem throws instead of returning. */
export interface LoadReport {
  /** Keys loaded into the model or optimizer. */
  readonly loaded: readonly string[];
  /** Keys the model or optimizer needs that the checkpoint does not have (left as they were). */
  readonly missing: readonly string[];
  /** Keys of the checkpoint the model or optimizer does not have (ignored). */
  readonly unexpected: readonly string[];
  /** Keys present on both sides with a different dtype or shape (left as they were). */
  readonly mismatched: readonly Mismatch[];
  /** Other things that were not loaded, in words (e.g. an optimizer of another class). */
  readonly notes: readonly string[];
}

/** True when nothing was missing, unexpected or mismatched. */
export function isCleanLoad(report: LoadReport): boolean {
  return report.missing.length === 0 && report.unexpected.length === 0 && report.mismatched.length === 0 && report.notes.length === 0;
}

/** Joins several reports (model, optimizer) into one. */
export function mergeReports(...reports: LoadReport[]): LoadReport {
  return {
    loaded: reports.flatMap((r) => r.loaded),
    missing: reports.flatMap((r) => r.missing),
    unexpected: reports.flatMap((r) => r.unexpected),
    mismatched: reports.flatMap((r) => r.mismatched),
    notes: reports.flatMap((r) => r.notes),
  };
}

function list(label: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, 20).join(', ');
  return [`${label} (${items.length}): ${shown}${items.length > 20 ? ', ...' : ''}`];
}

/** The one `E_ARCH_MISMATCH` error that lists every problem of a report, in its message and details. */
export function archMismatchError(report: LoadReport, what = 'the checkpoint does not fit the model'): CkptError {
  const mismatched = report.mismatched.map((m) => `${m.key}: checkpoint ${m.found}, model ${m.expected}`);
  const lines = [
    ...list('missing keys', report.missing),
    ...list('unexpected keys', report.unexpected),
    ...list('shape/dtype mismatches', mismatched),
    ...report.notes,
  ];
  return new CkptError('E_ARCH_MISMATCH', `${what}:\n  ${lines.join('\n  ')}\n(load with { strict: false } to load the tensors that match)`, {
    details: { missing: report.missing, unexpected: report.unexpected, mismatched, notes: report.notes },
  });
}
