/**
 * An in-memory classification data set: a float32 feature matrix and integer labels.
 *
 * @module
 */

/** Examples as rows of `features` numbers, with one label each. */
export interface Dataset {
  /** Row-major features, `n * features` values. */
  readonly x: Float32Array;
  /** Labels, `0..numClasses-1`. */
  readonly y: Int32Array;
  /** Number of examples. */
  readonly n: number;
  /** Shape of one example, e.g. `[64]` or `[28, 28, 1]`. */
  readonly exampleShape: readonly number[];
  /** Number of classes. */
  readonly numClasses: number;
  /** Class names for reports, e.g. `["0", ..., "9"]` or `["T-shirt/top", ...]`. */
  readonly classNames: readonly string[];
}

/** Numbers per example. */
export function featureCount(d: Pick<Dataset, 'exampleShape'>): number {
  return d.exampleShape.reduce((a, b) => a * b, 1);
}

/** The examples at `indices`, in that order. */
export function subset(d: Dataset, indices: ArrayLike<number>): Dataset {
  const f = featureCount(d);
  const x = new Float32Array(indices.length * f);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i] ?? 0;
    x.set(d.x.subarray(j * f, (j + 1) * f), i * f);
    y[i] = d.y[j] ?? 0;
  }
  return { ...d, x, y, n: indices.length };
}

/** Train, validation and test parts of a data set. */
export interface Splits {
  readonly train: Dataset;
  readonly val: Dataset;
  readonly test: Dataset;
}
