/**
 * Turning what users pass to metrics (plain arrays, typed arrays, tensors, rows of scores) into
 * validated flat arrays, with one `CkptError` code per kind of bad input.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { toFloat64Array } from '../tensor/values.js';

/** A 1-d sequence of numbers: a plain array, a numeric typed array, or a 1-d (or `[n, 1]`) `Tensor`. */
export type NumberVector = ArrayLike<number> | Tensor;

/**
 * A 2-d block of scores, one row per sample: rows of numbers, a 2-d `Tensor` `[n, k]`, or a flat
 * row-major array with its column count.
 */
export type ScoreMatrix = Tensor | readonly ArrayLike<number>[] | { readonly data: ArrayLike<number>; readonly cols: number };

/** Scores as a validated row-major matrix. `cols === 1` means a binary problem's positive-class score. */
export interface Scores {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Smallest and largest value of `data`, when known (found while validating). */
  readonly min?: number;
  readonly max?: number;
}

function isMatrixObject(v: unknown): v is { readonly data: ArrayLike<number>; readonly cols: number } {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof Tensor) && 'data' in v && 'cols' in v;
}

/** True when `v` is given as a 2-d matrix (rows, a rank-2 tensor with more than one column, or `{data, cols}`). */
export function isScoreMatrix(v: NumberVector | ScoreMatrix): v is ScoreMatrix {
  if (v instanceof Tensor) return v.shape.length === 2 && (v.shape[1] ?? 1) > 1;
  if (isMatrixObject(v)) return true;
  return Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null;
}

function tensorNumbers(t: Tensor, what: string): Float64Array {
  const values = toFloat64Array(t);
  if (values === undefined) throw new CkptError('E_DTYPE', `${what}: a ${t.dtype} tensor cannot be read as numbers`);
  return values;
}

/** Reads a vector as float64 values (no copy for a Float64Array). Checks nothing about the values. */
export function toFloat64(v: NumberVector, what: string): Float64Array {
  if (v instanceof Tensor) {
    if (v.shape.length > 2 || (v.shape.length === 2 && v.shape[1] !== 1)) {
      throw new CkptError('E_SHAPE', `${what}: expected a 1-d tensor, got shape [${v.shape.join(', ')}]`);
    }
    return tensorNumbers(v, what);
  }
  if (v instanceof Float64Array) return v;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
  return out;
}

/** Throws `E_NAN_INPUT` naming the first NaN or infinite value of `values`. */
export function checkFinite(values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (x - x !== 0) {
      throw new CkptError('E_NAN_INPUT', `${what}[${i}] is ${x}; metrics need finite numbers`, { details: { index: i, input: what } });
    }
  }
}

/** {@link checkFinite} that also returns `[min, max]` of the values (in the same pass). */
export function finiteRange(values: Float64Array, what: string): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    bad += x - x; // 0 for a finite x, NaN (for good) after a NaN or an infinity
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (bad !== 0) checkFinite(values, what);
  return [min, max];
}

/** Throws `E_EMPTY_INPUT` when `n` is 0. */
export function checkNotEmpty(n: number, what: string): void {
  if (n === 0) throw new CkptError('E_EMPTY_INPUT', `${what} is empty; metrics need at least one sample`);
}

/** Throws `E_LENGTH_MISMATCH` when two inputs have different sample counts. */
export function checkSameLength(a: number, b: number, whatA: string, whatB: string): void {
  if (a !== b) {
    throw new CkptError('E_LENGTH_MISMATCH', `${whatA} has ${a} samples but ${whatB} has ${b}`, { details: { [whatA]: a, [whatB]: b } });
  }
}

/**
 * Reads class labels: integers in `[0, numClasses)` (any upper bound when `numClasses` is
 * undefined). Throws `E_NAN_INPUT` for NaN/infinite values and `E_LABEL_RANGE` for negative,
 * fractional or too-large labels.
 */
export function toLabels(v: NumberVector, what: string, numClasses?: number): Int32Array {
  if (v instanceof Int32Array) {
    // Already integers: only the range needs checking (negative values wrap to >= 2^31 unsigned).
    const limit = numClasses ?? 2 ** 31 - 1;
    for (let i = 0; i < v.length; i++) {
      if (((v[i] as number) >>> 0) >= limit) return toLabelsChecked(v, what, numClasses);
    }
    return v;
  }
  return toLabelsChecked(v, what, numClasses);
}

function toLabelsChecked(v: NumberVector, what: string, numClasses?: number): Int32Array {
  const values = v instanceof Int32Array ? v : toFloat64(v, what);
  const out = values instanceof Int32Array ? values : new Int32Array(values.length);
  const limit = numClasses ?? 2 ** 31 - 1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (x - x !== 0) throw new CkptError('E_NAN_INPUT', `${what}[${i}] is ${x}; labels must be integers`, { details: { index: i, input: what } });
    if (!Number.isInteger(x) || x < 0 || x >= limit) {
      const range = numClasses === undefined ? 'non-negative integers' : `integers in [0, ${numClasses - 1}]`;
      throw new CkptError('E_LABEL_RANGE', `${what}[${i}] is ${x}; labels must be ${range}`, { details: { index: i, input: what, value: x } });
    }
    out[i] = x;
  }
  return out;
}

/** Reads a score matrix (rows, a 2-d tensor, `{data, cols}`, or a 1-d vector of positive-class scores). */
export function toScores(v: NumberVector | ScoreMatrix, what: string): Scores {
  if (v instanceof Tensor) {
    const cols = v.shape.length === 2 ? (v.shape[1] as number) : 1;
    if (v.shape.length > 2 || v.shape.length === 0) throw new CkptError('E_SHAPE', `${what}: expected [n] or [n, k] scores, got shape [${v.shape.join(', ')}]`);
    const data = tensorNumbers(v, what);
    return checkedScores(data, cols, what);
  }
  if (isMatrixObject(v)) {
    if (!Number.isInteger(v.cols) || v.cols < 1 || v.data.length % v.cols !== 0) {
      throw new CkptError('E_SHAPE', `${what}: ${v.data.length} values do not make rows of ${v.cols} columns`);
    }
    return checkedScores(toFloat64(v.data, what), v.cols, what);
  }
  if (isScoreMatrix(v)) {
    const rows = v as readonly ArrayLike<number>[];
    const cols = (rows[0] as ArrayLike<number>).length;
    if (cols < 1) throw new CkptError('E_SHAPE', `${what}: rows of scores must not be empty`);
    const data = new Float64Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (row.length !== cols) throw new CkptError('E_SHAPE', `${what}: row ${i} has ${row.length} scores, row 0 has ${cols}`);
      for (let j = 0; j < cols; j++) data[i * cols + j] = Number(row[j]);
    });
    return checkedScores(data, cols, what);
  }
  return checkedScores(toFloat64(v, what), 1, what);
}

function checkedScores(data: Float64Array, cols: number, what: string): Scores {
  if (data.length === 0) return { data, rows: 0, cols };
  const [min, max] = finiteRange(data, what);
  return { data, rows: data.length / cols, cols, min, max };
}

/** The index of the largest score of each row (the first one on ties, like `numpy.argmax`). */
export function argmaxRows(scores: Scores): Int32Array {
  const { data, rows, cols } = scores;
  const out = new Int32Array(rows);
  if (cols === 1) {
    for (let i = 0; i < rows; i++) out[i] = (data[i] as number) > 0.5 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestValue = data[i * cols] as number;
    for (let j = 1; j < cols; j++) {
      const x = data[i * cols + j] as number;
      if (x > bestValue) {
        bestValue = x;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Softmax of each row (sigmoid for a single column), for scores given as logits. */
export function softmaxRows(scores: Scores): Scores {
  const { data, rows, cols } = scores;
  const out = new Float64Array(data.length);
  if (cols === 1) {
    for (let i = 0; i < rows; i++) out[i] = 1 / (1 + Math.exp(-(data[i] as number)));
    return { data: out, rows, cols };
  }
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, data[i * cols + j] as number);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp((data[i * cols + j] as number) - max);
      out[i * cols + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) out[i * cols + j] = (out[i * cols + j] as number) / sum;
  }
  return { data: out, rows, cols };
}
