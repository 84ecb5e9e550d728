/**
 * Reads a feature CSV: numeric feature columns and a label column, with or without a header.
 * With a header the label is the column named `label`; without one it is the last column
 * (the layout of the bundled digits file).
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import type { Dataset } from './dataset.js';

/** Options of {@link parseFeatureCsv}. */
export interface FeatureCsvOptions {
  /** Number of classes; labels must be below it. Default: the largest label + 1. */
  numClasses?: number;
  /** Name used in error messages. Default: `CSV`. */
  source?: string;
}

function isNumberField(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** Parses CSV text into a {@link Dataset}; throws `E_CSV` naming the line of the first bad field. */
export function parseFeatureCsv(text: string, options: FeatureCsvOptions = {}): Dataset {
  const source = options.source ?? 'CSV';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0]?.split(',');
  if (first === undefined) throw new CkptError('E_EMPTY_INPUT', `${source} is empty`);
  const hasHeader = !first.every(isNumberField);
  let labelCol = first.length - 1;
  if (hasHeader) {
    labelCol = first.findIndex((h) => h.trim().replace(/^"|"$/g, '') === 'label');
    if (labelCol < 0) throw new CkptError('E_CSV', `${source} has a header without a "label" column (columns: ${first.slice(0, 8).join(', ')}${first.length > 8 ? ', ...' : ''})`);
  }
  const cols = first.length;
  if (cols < 2) throw new CkptError('E_CSV', `${source} needs at least one feature column and a label column`);
  const rows = hasHeader ? lines.slice(1) : lines;
  const features = cols - 1;
  const x = new Float32Array(rows.length * features);
  const y = new Int32Array(rows.length);
  let maxLabel = 0;
  rows.forEach((line, r) => {
    const fields = line.split(',');
    const lineNo = r + (hasHeader ? 2 : 1);
    if (fields.length !== cols) throw new CkptError('E_CSV', `${source} line ${lineNo} has ${fields.length} fields, expected ${cols}`, { details: { line: lineNo } });
    let k = 0;
    fields.forEach((f, c) => {
      const v = Number(f);
      if (!isNumberField(f)) throw new CkptError('E_CSV', `${source} line ${lineNo} column ${c + 1}: ${JSON.stringify(f)} is not a number`, { details: { line: lineNo, column: c + 1 } });
      if (c === labelCol) {
        if (!Number.isInteger(v) || v < 0) throw new CkptError('E_LABEL_RANGE', `${source} line ${lineNo}: label ${f} is not a non-negative integer`, { details: { line: lineNo } });
        y[r] = v;
        maxLabel = Math.max(maxLabel, v);
      } else {
        x[r * features + k++] = v;
      }
    });
  });
  if (rows.length === 0) throw new CkptError('E_EMPTY_INPUT', `${source} has a header but no rows`);
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (maxLabel >= numClasses) throw new CkptError('E_LABEL_RANGE', `${source} has label ${maxLabel}, but the model has ${numClasses} classes`);
  return { x, y, n: rows.length, exampleShape: [features], numClasses, classNames: Array.from({ length: numClasses }, (_, i) => String(i)) };
}
