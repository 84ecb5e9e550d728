/**
 * The predictions CSV reader: RFC 4180 quoting, CRLF, BOM, blank lines, and an E_CSV with the
 * line number for every malformed input.
 */
import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../src/errors.js';
import { parseCsv, readPredictions } from '../../src/metrics/csv.js';

function csvError(text: string): string {
  try {
    parseCsv(text);
  } catch (err) {
    if (isCkptError(err, 'E_CSV')) return err.message;
    throw err;
  }
  return 'no error';
}

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, CRLF, a BOM and blank lines', () => {
    const t = parseCsv('\ufeffy_true,"y_pred",note\r\n1,0,"a, ""quoted""\nvalue"\r\n\r\n0,1,plain\n');
    expect(t.header).toEqual(['y_true', 'y_pred', 'note']);
    expect(t.rows).toEqual([['1', '0', 'a, "quoted"\nvalue'], ['0', '1', 'plain']]);
    expect(t.lines).toEqual([2, 5]);
  });

  it.each([
    ['y_true,y_pred\n1,"0\n', 'line 2: a quoted field is not closed'],
    ['y_true,y_pred\n1,"0"x\n', 'line 2: text after a closing quote'],
    ['y_true,y_pred\n1,0"\n', 'line 2: a quote inside an unquoted field'],
    ['y_true,y_pred\n1,0\n1,0,2\n', 'line 3: 3 fields, but the header has 2'],
    ['y_true,y_true\n1,0\n', 'line 1: the header names column "y_true" twice'],
    ['', 'the CSV is empty: expected a header row such as y_true,y_pred'],
  ])('%j -> %s', (text, message) => {
    expect(csvError(text)).toBe(message);
  });
});

describe('readPredictions', () => {
  it('orders score_<i> columns by index and ignores extra columns', () => {
    const p = readPredictions(parseCsv('id,score_1,y_true,score_0,y_pred\na,0.25,1,0.75,0\nb,0.5,0,0.5,1\n'), true);
    expect(Array.from(p.yTrue)).toEqual([1, 0]);
    expect(Array.from(p.yPred ?? [])).toEqual([0, 1]);
    expect(p.scores).toEqual({ data: Float64Array.from([0.75, 0.25, 0.5, 0.5]), cols: 2 });
  });

  it('names the line of a value that is not a number, and passes NaN through', () => {
    expect(() => readPredictions(parseCsv('y_true,y_pred\n1,0\n1,zero\n'), false)).toThrow('line 3: y_pred is "zero", not a number');
    expect(Number.isNaN(readPredictions(parseCsv('y_true,y_pred\nnan,0\n'), false).yTrue[0])).toBe(true);
  });
});
