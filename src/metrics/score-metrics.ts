/**
 * Streaming metrics of predicted probabilities: top-k accuracy and log loss (sum states), ROC AUC
 * and average precision (they keep every score: a "cat" state, merged by concatenation; the
 * result does not depend on the order because scores are sorted).
 *
 * @example
 * ```ts
 * const auc = new RocAuc({ numClasses: 2 });
 * auc.update({ yTrue: [0, 1, 1], scores: [0.2, 0.7, 0.4] });
 * auc.compute(); // 1
 * ```
 * @module
 */
import { CkptError } from '../errors.js';
import { checkNumClasses, normalizeBatch, type ClassificationBatch } from './batch.js';
import { Float64Buffer, Int32Buffer } from './buffer.js';
import { ExactSum } from './exact-sum.js';
import { checkSameOptions, checkState, type MetricJson, type Metric, type MetricState, type Reduction } from './metric.js';
import { forEachLogLoss, topKHits } from './probabilistic.js';
import { averagePrecisionRanked, ovrRanking, ovrRocAuc, rankScores, rocAucScores, type RankedScores } from './ranking.js';
import type { Scores } from './input.js';

/** Options of the score metrics. */
export interface ScoreMetricOptions {
  /** Number of classes `k`; scores have `k` columns (or 1 positive-class column when `k` is 2). */
  numClasses: number;
  /** Scores are logits; softmax (sigmoid for one column) is applied. Default: false. */
  logits?: boolean;
}

/** Options of {@link TopKAccuracy}. */
export interface TopKOptions extends ScoreMetricOptions {
  /** How many of the highest-scored classes may contain the true one. Default: 2. */
  k?: number;
}

/** Options of {@link RocAuc}. */
export interface RocAucOptions extends ScoreMetricOptions {
  /** Multiclass one-vs-rest average: `'macro'` or support-`'weighted'`. Ignored for 2 classes. Default: `'macro'`. */
  average?: 'macro' | 'weighted';
}

abstract class ScoreMetric<O extends ScoreMetricOptions> implements Metric<ClassificationBatch, number> {
  abstract readonly name: string;
  abstract readonly higherIsBetter: boolean;
  protected readonly options: Readonly<O>;
  protected n = 0;

  constructor(options: O) {
    checkNumClasses(options.numClasses);
    this.options = { ...options };
  }

  protected abstract get kind(): string;
  protected abstract add(yTrue: Int32Array, scores: Scores): void;
  protected abstract value(): number;
  protected abstract data(): { [key: string]: MetricJson };
  protected abstract reductions(): { [key: string]: Reduction };
  protected abstract addData(data: { [key: string]: MetricJson }): void;
  protected abstract clear(): void;

  update(batch: ClassificationBatch): this {
    const b = normalizeBatch(batch, { numClasses: this.options.numClasses, logits: this.options.logits ?? false, predictions: false });
    if (b.scores === undefined) throw new CkptError('E_INVALID_ARGUMENT', `${this.name} needs scores (probabilities or logits)`);
    this.add(b.yTrue, b.scores);
    this.n += b.yTrue.length;
    return this;
  }

  compute(): number {
    if (this.n === 0) throw new CkptError('E_EMPTY_INPUT', `${this.name}: no samples yet`);
    return this.value();
  }

  reset(): this {
    this.n = 0;
    this.clear();
    return this;
  }

  merge(other: this): this {
    return this.loadMerged(other.state());
  }

  state(): MetricState {
    return { kind: this.kind, version: 1, options: JSON.parse(JSON.stringify(this.options)) as MetricState['options'], data: { n: this.n, ...this.data() }, reductions: { n: 'sum', ...this.reductions() } };
  }

  /** Adds a state (from {@link state}) of a metric with the same kind and options. */
  loadMerged(state: unknown): this {
    const s = checkState(state, this.kind);
    checkSameOptions(this.state(), s);
    const n = s.data.n;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new CkptError('E_INVALID_ARGUMENT', `${this.kind} state: n must be a count`);
    this.addData(s.data);
    this.n += n;
    return this;
  }
}

function count(v: MetricJson | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new CkptError('E_INVALID_ARGUMENT', `state: ${what} must be a non-negative integer`);
  return v;
}

function numbers(v: MetricJson | undefined, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new CkptError('E_INVALID_ARGUMENT', `state: ${what} must be an array of numbers`);
  return v as number[];
}

/** `top_k_accuracy_score` (ties rank the higher class index first, as scikit-learn's stable argsort reversed). */
export class TopKAccuracy extends ScoreMetric<TopKOptions> {
  readonly higherIsBetter = true;
  private hits = 0;
  get name(): string { return `top_${this.options.k ?? 2}_accuracy`; }
  protected get kind(): string { return 'top_k_accuracy'; }
  protected add(yTrue: Int32Array, scores: Scores): void {
    if (scores.cols === 1) throw new CkptError('E_SHAPE', 'top-k accuracy needs one score column per class');
    this.hits += topKHits(yTrue, scores, this.options.k ?? 2);
  }
  protected value(): number { return this.hits / this.n; }
  protected data(): { [key: string]: MetricJson } { return { hits: this.hits }; }
  protected reductions(): { [key: string]: Reduction } { return { hits: 'sum' }; }
  protected addData(d: { [key: string]: MetricJson }): void { this.hits += count(d.hits, 'hits'); }
  protected clear(): void { this.hits = 0; }
}

/** `log_loss` with `eps='auto'` for float64: probabilities clipped to [2^-52, 1 - 2^-52], rows renormalised. */
export class LogLoss extends ScoreMetric<ScoreMetricOptions> {
  readonly name = 'log_loss';
  readonly higherIsBetter = false;
  private sum = new ExactSum();
  protected get kind(): string { return 'log_loss'; }
  protected add(yTrue: Int32Array, scores: Scores): void {
    const sum = this.sum;
    const losses = new Float64Array(yTrue.length);
    let j = 0;
    forEachLogLoss(yTrue, scores, (x) => {
      losses[j++] = x;
    });
    sum.addAll(losses);
  }
  protected value(): number { return this.sum.mean(this.n); }
  protected data(): { [key: string]: MetricJson } { return { sum: this.sum.state() }; }
  protected reductions(): { [key: string]: Reduction } { return { sum: 'exact-sum' }; }
  protected addData(d: { [key: string]: MetricJson }): void {
    if (typeof d.sum !== 'string') throw new CkptError('E_INVALID_ARGUMENT', 'log_loss state: sum must be a string');
    this.sum.merge(ExactSum.fromState(d.sum));
  }
  protected clear(): void { this.sum = new ExactSum(); }
}

abstract class RankingMetric<O extends ScoreMetricOptions> extends ScoreMetric<O> {
  readonly higherIsBetter = true;
  protected readonly labels = new Int32Buffer();
  protected readonly scores = new Float64Buffer();
  /** Smallest and largest binary score kept, when every batch reported them (saves a pass in compute). */
  protected range: [number, number] | undefined = [Infinity, -Infinity];
  protected add(yTrue: Int32Array, scores: Scores): void {
    this.labels.push(yTrue);
    if (this.options.numClasses > 2 || scores.cols === 1) this.scores.push(scores.data);
    else this.scores.push(scores.data.filter((_, i) => i % 2 === 1));
    if (this.range !== undefined && this.options.numClasses === 2 && scores.cols === 1 && scores.min !== undefined && scores.max !== undefined) {
      this.range = [Math.min(this.range[0], scores.min), Math.max(this.range[1], scores.max)];
    } else if (scores.rows > 0) {
      this.range = undefined;
    }
  }
  protected binary(): RankedScores {
    const y = this.labels.view();
    return rankScores(this.scores.view(), 1, 0, (i) => y[i] === 1);
  }
  protected data(): { [key: string]: MetricJson } {
    return { labels: Array.from(this.labels.view()), scores: Array.from(this.scores.view()) };
  }
  protected reductions(): { [key: string]: Reduction } {
    return { labels: 'cat', scores: 'cat' };
  }
  protected addData(d: { [key: string]: MetricJson }): void {
    const labels = numbers(d.labels, 'labels');
    const scores = numbers(d.scores, 'scores');
    const cols = this.options.numClasses > 2 ? this.options.numClasses : 1;
    if (scores.length !== labels.length * cols) throw new CkptError('E_INVALID_ARGUMENT', 'state: scores do not match labels');
    this.labels.push(labels);
    this.scores.push(scores);
    if (labels.length > 0) this.range = undefined;
  }
  protected clear(): void {
    this.labels.clear();
    this.scores.clear();
    this.range = [Infinity, -Infinity];
  }
}

/** `roc_auc_score`: binary, or multiclass one-vs-rest (NaN where scikit-learn raises: one class only, a class absent, rows not summing to 1). */
export class RocAuc extends RankingMetric<RocAucOptions> {
  get name(): string { return this.options.numClasses === 2 ? 'roc_auc' : `roc_auc_ovr_${this.options.average ?? 'macro'}`; }
  protected get kind(): string { return 'roc_auc'; }
  protected value(): number {
    const k = this.options.numClasses;
    // Straight from the kept scores: counting pairs needs no full sort (same values as rocAucRanked).
    if (k === 2) return rocAucScores(this.scores.view(), 1, 0, this.labels.view(), 1, this.range);
    const ovr = ovrRocAuc(this.labels.view(), this.scores.view(), k);
    return this.options.average === 'weighted' ? ovr.aucWeighted : ovr.aucMacro;
  }
}

/** `average_precision_score`: binary, or the macro mean of one-vs-rest APs for multiclass. */
export class AveragePrecision extends RankingMetric<ScoreMetricOptions> {
  readonly name = 'average_precision';
  protected get kind(): string { return 'average_precision'; }
  protected value(): number {
    const k = this.options.numClasses;
    if (k === 2) return averagePrecisionRanked(this.binary());
    return ovrRanking(this.labels.view(), this.scores.view(), k).apMacro;
  }
}
