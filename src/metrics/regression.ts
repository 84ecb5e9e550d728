/**
 * Regression metrics streamed over batches with exact sums: MSE, RMSE, MAE, R², explained
 * variance, MAPE, max error and median absolute error, as scikit-learn 1.2 defines them
 * (`force_finite=True`: a constant `y_true` gives R² = 1 when predictions are perfect, else 0).
 *
 * Sums of `d = y_true - y_pred`, `fl(d²)`, `d²`, `y`, `y²`, `|d|` and `|d| / max(|y|, eps)` are exact, so a
 * merged state is bit-for-bit the one-shot state, and variances are computed without
 * cancellation (`regression-sums.ts`: natively when the addon is built). The median needs every
 * `|d|` (a "cat" state); it is kept only when asked for.
 *
 * One deliberate difference: a constant `y_true` whose mean is not exact in float64 (e.g. three
 * times 0.1) has variance exactly 0 here, so R² follows scikit-learn's documented rule (0, or 1 if
 * perfect); scikit-learn's float mean is off by an ulp there and it returns about -1.7e31.
 *
 * @module
 */
import { z } from 'zod';
import { CkptError } from '../errors.js';
import { Float64Buffer } from './buffer.js';
import { ExactSum, ratioToNumber, UNIT_EXPONENT } from './exact-sum.js';
import { checkSameLength, toFloat64, type NumberVector } from './input.js';
import { addRegressionSums, nativeRegressionSums, SUM } from './regression-sums.js';
import { sortFloat64 } from './sort.js';

/** Names of the regression metrics (scikit-learn's, shortened as in the `ckpt metrics` JSON). */
export const REGRESSION_METRICS = ['mse', 'rmse', 'mae', 'r2', 'explained_variance', 'mape', 'max_error', 'median_absolute_error'] as const;

/** One regression metric name. */
export type RegressionMetricName = (typeof REGRESSION_METRICS)[number];

/** Every regression metric, keyed by name. NaN where scikit-learn returns nan (R² of one sample). */
export type RegressionResult = Record<RegressionMetricName, number> & { n_samples: number; warnings: string[] };

/** One batch of a regression problem. */
export interface RegressionBatch {
  /** True values (finite numbers). */
  yTrue: NumberVector;
  /** Predicted values (finite numbers). */
  yPred: NumberVector;
}

/** Options of {@link RegressionMetrics}. */
export interface RegressionOptions {
  /** The metrics to compute; state is kept only for these. Default: all of {@link REGRESSION_METRICS}. */
  metrics?: readonly RegressionMetricName[];
}

/** The JSON state of {@link RegressionMetrics}. */
export const regressionStateSchema = z.object({
  kind: z.literal('regression'),
  n: z.number().int().min(0),
  sumSq: z.string(),
  sumD: z.string(),
  sumD2: z.string(),
  sumY: z.string(),
  sumY2: z.string(),
  sumAbs: z.string(),
  sumApe: z.string(),
  maxAbs: z.number(),
  absErrors: z.array(z.number()).optional(),
});

/** The JSON state of {@link RegressionMetrics}. */
export type RegressionState = z.infer<typeof regressionStateSchema>;

/**
 * A sum for this class: the native kernel fills it with exact totals, so only the JavaScript path
 * needs its bins. (Asked at construction, so that importing ckpt does not load the addon.)
 */
function newSum(): ExactSum {
  return new ExactSum({ lazyBins: nativeRegressionSums() });
}

/** Regression metrics over batches. */
export class RegressionMetrics {
  private readonly wanted: ReadonlySet<RegressionMetricName>;
  private n = 0;
  /** Sum of the rounded squares fl(d²) (MSE, R² numerator, as scikit-learn sums them). */
  private readonly sumSq = newSum();
  private readonly sumD = newSum();
  private readonly sumD2 = newSum();
  private readonly sumY = newSum();
  private readonly sumY2 = newSum();
  private readonly sumAbs = newSum();
  private readonly sumApe = newSum();
  private maxAbs = 0;
  private readonly absErrors = new Float64Buffer();

  constructor(options: RegressionOptions = {}) {
    this.wanted = new Set(options.metrics ?? REGRESSION_METRICS);
  }

  private wants(...names: RegressionMetricName[]): boolean {
    return names.some((n) => this.wanted.has(n));
  }

  /** Adds one batch; throws `E_LENGTH_MISMATCH` or `E_NAN_INPUT` (and adds nothing). Returns `this`. */
  update(batch: RegressionBatch): this {
    const y = toFloat64(batch.yTrue, 'y_true');
    const p = toFloat64(batch.yPred, 'y_pred');
    checkSameLength(y.length, p.length, 'y_true', 'y_pred');
    let mask = 0;
    if (this.wants('mse', 'rmse', 'r2')) mask |= SUM.sq;
    if (this.wants('r2', 'explained_variance')) mask |= SUM.y | SUM.y2;
    if (this.wants('explained_variance')) mask |= SUM.d | SUM.d2;
    if (this.wants('mae')) mask |= SUM.abs;
    if (this.wants('mape')) mask |= SUM.ape;
    if (this.wants('max_error')) mask |= SUM.max;
    const targets = [this.sumSq, this.sumY, this.sumY2, this.sumD, this.sumD2, this.sumAbs, this.sumApe] as const;
    this.maxAbs = addRegressionSums(y, p, mask, targets, this.maxAbs);
    if (this.wants('median_absolute_error')) {
      const absErrors = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) absErrors[i] = Math.abs((y[i] as number) - (p[i] as number));
      this.absErrors.push(absErrors);
    }
    this.n += y.length;
    return this;
  }

  /** Number of samples seen. */
  get count(): number {
    return this.n;
  }

  /** The metrics asked for (all by default); throws `E_EMPTY_INPUT` before the first sample. */
  compute(): RegressionResult {
    const n = this.n;
    if (n === 0) throw new CkptError('E_EMPTY_INPUT', 'no samples were given to the regression metrics');
    const warnings: string[] = [];
    const mse = this.sumSq.mean(n);
    const result = { n_samples: n, warnings } as RegressionResult;
    const set = (name: RegressionMetricName, f: () => number) => {
      if (this.wanted.has(name)) result[name] = f();
    };
    set('mse', () => mse);
    set('rmse', () => Math.sqrt(mse));
    set('mae', () => this.sumAbs.mean(n));
    set('mape', () => this.sumApe.mean(n));
    set('max_error', () => this.maxAbs);
    set('median_absolute_error', () => median(this.absErrors.view()));
    set('r2', () => {
      if (n < 2) {
        warnings.push('r2: R^2 score is not well-defined with less than two samples');
        return NaN;
      }
      return assemble(this.sumSq.value(), this.centeredSquares(this.sumY, this.sumY2, 0));
    });
    set('explained_variance', () => assemble(this.centeredSquares(this.sumD, this.sumD2, 1), this.centeredSquares(this.sumY, this.sumY2, 1)));
    return result;
  }

  /** `sum((x - mean(x))^2) / n^power`, exactly rounded, from exact sums of x and x². */
  private centeredSquares(sum: ExactSum, sumSquares: ExactSum, power: 0 | 1): number {
    const s1 = sum.exact();
    const s2 = sumSquares.exact();
    if (s1 === undefined || s2 === undefined) return NaN;
    const n = BigInt(this.n);
    // (n*S2 - S1^2) / n^(1+power), with S = units * 2^-1074.
    const num = n * s2 * (1n << BigInt(-UNIT_EXPONENT)) - s1 * s1;
    return ratioToNumber(num, n ** BigInt(1 + power), 2 * UNIT_EXPONENT);
  }

  /** Adds the state of another instance (same metrics). */
  merge(other: RegressionMetrics): this {
    return this.loadMerged(other.state());
  }

  /** Forgets every sample. */
  reset(): this {
    this.n = 0;
    for (const s of [this.sumSq, this.sumD, this.sumD2, this.sumY, this.sumY2, this.sumAbs, this.sumApe]) s.reset();
    this.maxAbs = 0;
    this.absErrors.clear();
    return this;
  }

  /** The JSON state. `absErrors` is present only when the median is computed. */
  state(): RegressionState {
    const s: RegressionState = {
      kind: 'regression',
      n: this.n,
      sumSq: this.sumSq.state(),
      sumD: this.sumD.state(),
      sumD2: this.sumD2.state(),
      sumY: this.sumY.state(),
      sumY2: this.sumY2.state(),
      sumAbs: this.sumAbs.state(),
      sumApe: this.sumApe.state(),
      maxAbs: this.maxAbs,
    };
    if (this.wanted.has('median_absolute_error')) s.absErrors = Array.from(this.absErrors.view());
    return s;
  }

  /** Adds a JSON state (from {@link state}) into this one. */
  loadMerged(state: unknown): this {
    const parsed = regressionStateSchema.safeParse(state);
    if (!parsed.success) throw new CkptError('E_INVALID_ARGUMENT', `not a regression metrics state: ${parsed.error.issues[0]?.message ?? ''}`);
    const s = parsed.data;
    if (this.wanted.has('median_absolute_error') && s.absErrors === undefined && s.n > 0) {
      throw new CkptError('E_INVALID_ARGUMENT', 'the state has no absolute errors, so the median absolute error cannot be merged');
    }
    this.n += s.n;
    this.sumSq.merge(ExactSum.fromState(s.sumSq));
    this.sumD.merge(ExactSum.fromState(s.sumD));
    this.sumD2.merge(ExactSum.fromState(s.sumD2));
    this.sumY.merge(ExactSum.fromState(s.sumY));
    this.sumY2.merge(ExactSum.fromState(s.sumY2));
    this.sumAbs.merge(ExactSum.fromState(s.sumAbs));
    this.sumApe.merge(ExactSum.fromState(s.sumApe));
    this.maxAbs = Math.max(this.maxAbs, s.maxAbs);
    if (s.absErrors) this.absErrors.push(s.absErrors);
    return this;
  }

  /** A new instance holding a JSON state. */
  static fromState(state: unknown, options: RegressionOptions = {}): RegressionMetrics {
    return new RegressionMetrics(options).loadMerged(state);
  }
}

/** scikit-learn's `_assemble_r2_explained_variance` with `force_finite=True`. */
function assemble(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/** `np.median`: the middle value, or the mean of the two middle values. */
function median(values: Float64Array): number {
  const sorted = sortFloat64(values.slice());
  const n = sorted.length;
  const mid = n >>> 1;
  if (n % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
