/**
 * Streaming metrics whose state is a confusion matrix of integer counts: accuracy, balanced
 * accuracy, precision, recall, F-beta / F1, Matthews correlation, Cohen's kappa and the matrix itself.
 *
 * @example
 * ```ts
 * const f1 = new F1Score({ numClasses: 3, average: 'macro' });
 * f1.update({ yTrue: [0, 1, 2], yPred: [0, 2, 2] }).update({ yTrue: [1], yPred: [1] });
 * f1.compute();
 * ```
 * @module
 */
import { CkptError } from '../errors.js';
import { checkNumClasses, normalizeBatch, type ClassificationBatch } from './batch.js';
import {
  accumulateConfusion, accuracyFromConfusion, balancedAccuracyFromConfusion, cohenKappaFromConfusion, confusionMatrixFor,
  matthewsFromConfusion, presentLabels, totalCount, type ConfusionCounts,
} from './confusion.js';
import { checkSameOptions, checkState, type MetricJson, type Metric, type MetricState } from './metric.js';
import { averagedPrf, type Average, type ZeroDivision } from './prf.js';

/** Options of every confusion-matrix metric. */
export interface ConfusionMetricOptions {
  /** Number of classes `k`; labels are `0..k-1`. */
  numClasses: number;
  /** Scores passed as `yPred`/`scores` are logits (only matters for 1-d binary scores: threshold 0 instead of 0.5). Default: false. */
  logits?: boolean;
}

/** Options of precision, recall and F-scores. */
export interface AveragedMetricOptions extends ConfusionMetricOptions {
  /** How classes are combined. Default: `'binary'` (class 1) for 2 classes, else `'macro'`. */
  average?: Average;
  /** Classes averaged over. Default: those present in y_true or y_pred. */
  labels?: readonly number[];
  /** Value of 0/0 ratios. Default: `'warn'` (0; the warning is in {@link ConfusionMetric.warnings}). */
  zeroDivision?: ZeroDivision;
}

/** Options of {@link FBetaScore}. */
export interface FBetaOptions extends AveragedMetricOptions {
  /** Weight of recall: F-beta = (1 + beta²) P R / (beta² P + R). Required. */
  beta: number;
}

function jsonOptions(o: object): { [key: string]: MetricJson } {
  return JSON.parse(JSON.stringify(o)) as { [key: string]: MetricJson };
}

/** Base of the confusion-matrix metrics: holds the `k x k` counts. */
export abstract class ConfusionMetric<V> implements Metric<ClassificationBatch, V> {
  abstract readonly name: string;
  abstract readonly higherIsBetter: boolean | null;
  /** Warnings of the last `compute()` (scikit-learn's UndefinedMetricWarning cases). */
  warnings: string[] = [];
  protected readonly counts: ConfusionCounts;
  protected readonly options: Readonly<ConfusionMetricOptions>;

  constructor(options: ConfusionMetricOptions) {
    checkNumClasses(options.numClasses);
    this.options = { ...options };
    this.counts = { numClasses: options.numClasses, counts: new Float64Array(options.numClasses ** 2) };
  }

  /** The kind name used in states. */
  protected abstract get kind(): string;

  /** The value from the counts (at least one sample). */
  protected abstract fromCounts(c: ConfusionCounts, warnings: string[]): V;

  update(batch: ClassificationBatch): this {
    const b = normalizeBatch(batch, { numClasses: this.options.numClasses, logits: this.options.logits ?? false });
    accumulateConfusion(this.counts, b.yTrue, b.yPred);
    return this;
  }

  compute(): V {
    if (totalCount(this.counts) === 0) throw new CkptError('E_EMPTY_INPUT', `${this.name}: no samples yet`);
    const warnings: string[] = [];
    const v = this.fromCounts(this.counts, warnings);
    this.warnings = [...new Set(warnings)];
    return v;
  }

  reset(): this {
    this.counts.counts.fill(0);
    return this;
  }

  merge(other: this): this {
    return this.loadMerged(other.state());
  }

  /** The options recorded in the state (and compared by `merge`). */
  protected stateOptions(): object {
    return this.options;
  }

  state(): MetricState {
    return { kind: this.kind, version: 1, options: jsonOptions(this.stateOptions()), data: { counts: Array.from(this.counts.counts) }, reductions: { counts: 'sum' } };
  }

  /** Adds a state (from {@link state}) of a metric with the same kind and options. */
  loadMerged(state: unknown): this {
    const s = checkState(state, this.kind);
    checkSameOptions(this.state(), s);
    const counts = s.data.counts;
    const k2 = this.counts.counts.length;
    if (!Array.isArray(counts) || counts.length !== k2 || !counts.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) {
      throw new CkptError('E_INVALID_ARGUMENT', `${this.kind} state: counts must be ${k2} non-negative integers`);
    }
    counts.forEach((x, i) => {
      this.counts.counts[i] = (this.counts.counts[i] as number) + (x as number);
    });
    return this;
  }
}

/** `accuracy_score`. */
export class Accuracy extends ConfusionMetric<number> {
  readonly name = 'accuracy';
  readonly higherIsBetter = true;
  protected get kind(): string { return 'accuracy'; }
  protected fromCounts(c: ConfusionCounts): number { return accuracyFromConfusion(c); }
}

/** `balanced_accuracy_score` (mean recall over the classes present in y_true). */
export class BalancedAccuracy extends ConfusionMetric<number> {
  readonly name = 'balanced_accuracy';
  readonly higherIsBetter = true;
  protected get kind(): string { return 'balanced_accuracy'; }
  protected fromCounts(c: ConfusionCounts, w: string[]): number { return balancedAccuracyFromConfusion(c, w); }
}

/** `matthews_corrcoef`. */
export class MatthewsCorrCoef extends ConfusionMetric<number> {
  readonly name = 'matthews_corrcoef';
  readonly higherIsBetter = true;
  protected get kind(): string { return 'matthews_corrcoef'; }
  protected fromCounts(c: ConfusionCounts): number { return matthewsFromConfusion(c); }
}

/** `cohen_kappa_score` (unweighted; NaN when a single class occurs). */
export class CohenKappa extends ConfusionMetric<number> {
  readonly name = 'cohen_kappa';
  readonly higherIsBetter = true;
  protected get kind(): string { return 'cohen_kappa'; }
  protected fromCounts(c: ConfusionCounts): number { return cohenKappaFromConfusion(c); }
}

/** The full `k x k` confusion matrix (every class, unlike scikit-learn's present-labels default). */
export class ConfusionMatrix extends ConfusionMetric<number[][]> {
  readonly name = 'confusion_matrix';
  readonly higherIsBetter = null;
  protected get kind(): string { return 'confusion_matrix'; }
  protected fromCounts(c: ConfusionCounts): number[][] {
    return confusionMatrixFor(c, Array.from({ length: c.numClasses }, (_, i) => i));
  }
}

type PrfPart = 'precision' | 'recall' | 'fscore';

abstract class AveragedMetric extends ConfusionMetric<number> {
  readonly higherIsBetter = true;
  protected abstract readonly part: PrfPart;
  protected readonly averaged: Readonly<AveragedMetricOptions> & { beta?: number };

  constructor(options: AveragedMetricOptions & { beta?: number }) {
    super(options);
    this.averaged = { ...options, average: options.average ?? (options.numClasses === 2 ? 'binary' : 'macro') };
  }

  protected override stateOptions(): object {
    return this.averaged;
  }

  /** The average used (resolved default). */
  get average(): Average {
    return this.averaged.average ?? 'macro';
  }

  protected fromCounts(c: ConfusionCounts, warnings: string[]): number {
    const o = this.averaged;
    const labels = o.labels ? [...o.labels] : presentLabels(c);
    const prf = { zeroDivision: o.zeroDivision ?? 'warn', beta: o.beta ?? 1 } as const;
    return averagedPrf(c, labels, this.average, prf, warnings)[this.part];
  }
}

function suffix(average: Average): string {
  return average === 'binary' ? '' : `_${average}`;
}

/** `precision_score`. */
export class Precision extends AveragedMetric {
  protected readonly part = 'precision';
  get name(): string { return `precision${suffix(this.average)}`; }
  protected get kind(): string { return 'precision'; }
}

/** `recall_score`. */
export class Recall extends AveragedMetric {
  protected readonly part = 'recall';
  get name(): string { return `recall${suffix(this.average)}`; }
  protected get kind(): string { return 'recall'; }
}

/** `fbeta_score`. */
export class FBetaScore extends AveragedMetric {
  protected readonly part = 'fscore';
  constructor(options: FBetaOptions) {
    if (!(options.beta >= 0)) throw new CkptError('E_INVALID_ARGUMENT', `beta must be >= 0, got ${options.beta}`);
    super(options);
  }
  get name(): string { return `fbeta${suffix(this.average)}`; }
  protected get kind(): string { return 'fbeta'; }
}

/** `f1_score` (F-beta with beta = 1). */
export class F1Score extends AveragedMetric {
  protected readonly part = 'fscore';
  get name(): string { return `f1${suffix(this.average)}`; }
  protected get kind(): string { return 'f1'; }
}
