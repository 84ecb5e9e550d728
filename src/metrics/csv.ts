/**
 * Reading a predictions CSV (`y_true,y_pred[,score...]`): a small, bounded RFC 4180 reader
 * (quoted fields, `""` escapes, CRLF, a UTF-8 BOM) whose every error is an `E_CSV` naming the line.
 *
 * @module
 */
import { CkptError } from '../errors.js';

/** Hard limits of the reader. */
export const CSV_LIMITS = {
  /** Most columns a row may have. */
  maxColumns: 4096,
  /** Most characters a file may have (about 1 GiB of text). */
  maxChars: 2 ** 30,
} as const;

/** A parsed CSV: the header and the rows of fields, with each row's 1-based line number. */
export interface CsvTable {
  header: string[];
  rows: string[][];
  lines: number[];
}

function csvError(message: string, line: number): CkptError {
  return new CkptError('E_CSV', `line ${line}: ${message}`, { details: { line } });
}

/** Parses CSV text with a header row. Blank lines are skipped; every row must have the header's width. */
export function parseCsv(text: string): CsvTable {
  if (text.length > CSV_LIMITS.maxChars) throw new CkptError('E_LIMIT', `the CSV has ${text.length} characters; the limit is ${CSV_LIMITS.maxChars}`);
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (src[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw csvError('a quoted field is not closed', startLine);
          const ch = src[i] as string;
          if (ch === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') throw csvError('text after a closing quote', line);
      } else {
        const start = i;
        while (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          if (src[i] === '"') throw csvError('a quote inside an unquoted field', line);
          i++;
        }
        field = src.slice(start, i);
      }
      fields.push(field);
      field = '';
      if (fields.length > CSV_LIMITS.maxColumns) throw csvError(`more than ${CSV_LIMITS.maxColumns} columns`, startLine);
      if (i >= n) endOfRecord = true;
      else if (src[i] === ',') i++;
      else {
        if (src[i] === '\r') i++;
        if (src[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    if (fields.length === 1 && fields[0] === '') continue;
    records.push(fields);
    lines.push(startLine);
  }
  const header = records.shift();
  lines.shift();
  if (header === undefined) throw new CkptError('E_CSV', 'the CSV is empty: expected a header row such as y_true,y_pred');
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of names) {
    if (seen.has(h)) throw csvError(`the header names column ${JSON.stringify(h)} twice`, 1);
    seen.add(h);
  }
  records.forEach((r, j) => {
    if (r.length !== names.length) throw csvError(`${r.length} fields, but the header has ${names.length}`, lines[j] as number);
  });
  return { header: names, rows: records, lines };
}

/** The prediction columns of a CSV, as numbers. */
export interface PredictionColumns {
  yTrue: Float64Array;
  /** Absent when the CSV has scores but no `y_pred` column (predictions are then the argmax). */
  yPred?: Float64Array;
  /** Row-major scores with `cols` columns (`score` gives 1 column; `score_0..score_{k-1}` give k). */
  scores?: { data: Float64Array; cols: number };
}

function numberColumn(t: CsvTable, col: number): Float64Array {
  const out = new Float64Array(t.rows.length);
  const name = t.header[col] as string;
  t.rows.forEach((r, j) => {
    const raw = (r[col] as string).trim();
    const v = raw === '' ? NaN : Number(raw);
    if (raw === '' || (Number.isNaN(v) && !/^nan$/i.test(raw))) throw csvError(`${name} is ${JSON.stringify(raw)}, not a number`, t.lines[j] as number);
    out[j] = /^nan$/i.test(raw) ? NaN : v;
  });
  return out;
}

/**
 * Reads `y_true`, `y_pred` and the score columns. Throws `E_CSV` naming the missing column or
 * the line of a value that is not a number (NaN is passed through for the metrics to refuse).
 */
export function readPredictions(t: CsvTable, withScores: boolean): PredictionColumns {
  const col = (name: string) => t.header.indexOf(name);
  const need = (name: string) => {
    const c = col(name);
    if (c < 0) throw new CkptError('E_CSV', `the CSV has no ${name} column (its header: ${t.header.join(',')})`, { details: { missing: name } });
    return c;
  };
  const yTrue = numberColumn(t, need('y_true'));
  let scores: PredictionColumns['scores'];
  if (withScores) {
    const numbered = t.header.filter((h) => /^score_\d+$/.test(h)).map((h) => Number(h.slice(6))).sort((a, b) => a - b);
    if (col('score') >= 0 && numbered.length > 0) throw new CkptError('E_CSV', 'the CSV has both a score column and score_<i> columns; keep one kind');
    if (numbered.length > 0) {
      const k = numbered.length;
      numbered.forEach((v, i) => {
        if (v !== i) throw new CkptError('E_CSV', `score columns must be score_0..score_${k - 1}; score_${i} is missing`, { details: { missing: `score_${i}` } });
      });
      const columns = numbered.map((i) => numberColumn(t, need(`score_${i}`)));
      const data = new Float64Array(t.rows.length * k);
      for (let r = 0; r < t.rows.length; r++) for (let c = 0; c < k; c++) data[r * k + c] = (columns[c] as Float64Array)[r] as number;
      scores = { data, cols: k };
    } else if (col('score') >= 0) {
      scores = { data: numberColumn(t, col('score')), cols: 1 };
    }
  }
  if (col('y_pred') < 0 && scores !== undefined) return { yTrue, scores };
  const yPred = numberColumn(t, need('y_pred'));
  return scores === undefined ? { yTrue, yPred } : { yTrue, yPred, scores };
}
