/**
 * scikit-learn's `classification_report`: the same text, character for character, and the same
 * dictionary as `output_dict=True`.
 *
 * @module
 */
import type { ConfusionCounts } from './confusion.js';
import { presentLabels } from './confusion.js';
import { averagedPrf, perClassPrf, type ZeroDivision } from './prf.js';

/** Options of {@link classificationReportFromConfusion}. */
export interface ReportOptions {
  /** Classes to list. Default: those present in y_true or y_pred. */
  labels?: readonly number[];
  /** Display names of the classes, in the order of `labels`. Default: the labels as strings. */
  targetNames?: readonly string[];
  /** Digits after the decimal point in the text. Default: 2. */
  digits?: number;
  /** Value of 0/0 ratios. Default: `'warn'` (0). */
  zeroDivision?: ZeroDivision;
}

/** One row of the report. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** The report as `output_dict=True` returns it: a row per class, `accuracy` (or `micro avg`), `macro avg`, `weighted avg`. */
export type ReportDict = Record<string, ReportRow | number>;

/**
 * Formats `x` with `digits` decimals like Python's `format(x, '.{digits}f')`: the exact binary
 * value rounded half to even (JavaScript's `toFixed` rounds exact ties up).
 */
export function formatFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  if (!Number.isFinite(x)) return String(x).replace('Infinity', 'inf').replace('NaN', 'nan');
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (!/^50*$/.test(tail)) return s;
  // An exact tie: toFixed went away from zero; go to the even neighbour instead.
  const down = (Math.sign(x) * Math.floor(Math.abs(x) * 10 ** digits)) / 10 ** digits;
  const lastDigit = Number(down.toFixed(digits).slice(-1));
  return lastDigit % 2 === 0 ? down.toFixed(digits) : s;
}

interface ReportParts {
  /** scikit-learn's supports are floats (printed `3.0`) when no sample at all is predicted right. */
  floatSupport: boolean;
  names: string[];
  rows: ReportRow[];
  averages: [string, ReportRow][];
}

function reportParts(c: ConfusionCounts, options: ReportOptions): ReportParts {
  const present = presentLabels(c);
  const labels = options.labels ? [...options.labels] : present;
  const labelsGiven = options.labels !== undefined;
  const microIsAccuracy = !labelsGiven || (new Set(labels).size === present.length && present.every((l) => labels.includes(l)));
  const zd = options.zeroDivision ?? 'warn';
  const per = perClassPrf(c, labels, { zeroDivision: zd });
  const names = options.targetNames ? [...options.targetNames] : labels.map(String);
  const rows = labels.map((_, i) => ({
    precision: per.precision[i] as number,
    recall: per.recall[i] as number,
    'f1-score': per.fscore[i] as number,
    support: per.support[i] as number,
  }));
  const total = per.support.reduce((a, b) => a + b, 0);
  const averages = (['micro', 'macro', 'weighted'] as const).map((average): [string, ReportRow] => {
    const a = averagedPrf(c, labels, average, { zeroDivision: zd });
    const heading = average === 'micro' && microIsAccuracy ? 'accuracy' : `${average} avg`;
    return [heading, { precision: a.precision, recall: a.recall, 'f1-score': a.fscore, support: total }];
  });
  const k = c.numClasses;
  let correct = 0;
  for (let i = 0; i < k; i++) correct += c.counts[i * k + i] as number;
  return { floatSupport: correct === 0, names, rows, averages };
}

/** The report's text, identical to scikit-learn 1.2's `classification_report(y_true, y_pred)`. */
export function classificationReportFromConfusion(c: ConfusionCounts, options: ReportOptions = {}): string {
  const digits = options.digits ?? 2;
  const { floatSupport, names, rows, averages } = reportParts(c, options);
  const support = (n: number) => (floatSupport ? n.toFixed(1) : String(n));
  const width = Math.max(...names.map((n) => n.length), 'weighted avg'.length, digits);
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const cell = (s: string) => ` ${s.padStart(9)}`;
  const line = (name: string, r: ReportRow) =>
    `${name.padStart(width)} ${cell(formatFixed(r.precision, digits))}${cell(formatFixed(r.recall, digits))}${cell(formatFixed(r['f1-score'], digits))}${cell(support(r.support))}\n`;
  let report = `${''.padStart(width)} ${headers.map(cell).join('')}\n\n`;
  rows.forEach((r, i) => {
    report += line(names[i] as string, r);
  });
  report += '\n';
  for (const [heading, r] of averages) {
    if (heading === 'accuracy') report += `${heading.padStart(width)} ${cell('')}${cell('')}${cell(formatFixed(r['f1-score'], digits))}${cell(support(r.support))}\n`;
    else report += line(heading, r);
  }
  return report;
}

/** The report as a dictionary, like `classification_report(..., output_dict=True)`. */
export function classificationReportDictFromConfusion(c: ConfusionCounts, options: ReportOptions = {}): ReportDict {
  const { names, rows, averages } = reportParts(c, options);
  const out: ReportDict = {};
  rows.forEach((r, i) => {
    out[names[i] as string] = r;
  });
  for (const [heading, r] of averages) out[heading] = heading === 'accuracy' ? r.precision : r;
  return out;
}
