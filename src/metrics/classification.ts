/**
 * Every classification metric at once, streamed over batches: the state is a confusion matrix
 * (integer counts), the top-k hit count, the exact sum of log losses, and the labels and scores
 * kept for ROC AUC / average precision. States merge exactly, and serialise to JSON.
 *
 * @example
 * ```ts
 * const m = new ClassificationMetrics({ numClasses: 3 });
 * for (const b of batches) m.update({ yTrue: b.labels, scores: b.probabilities });
 * m.compute().f1_macro;
 * ```
 * @module
 */
import { z } from 'zod';
import { CkptError } from '../errors.js';
import { checkNumClasses, normalizeBatch, type ClassificationBatch } from './batch.js';
import { Float64Buffer, Int32Buffer } from './buffer.js';
import {
  accumulateConfusion, accuracyFromConfusion, balancedAccuracyFromConfusion, cohenKappaFromConfusion, confusionMatrixFor,
  matthewsFromConfusion, presentLabels, totalCount, type ConfusionCounts,
} from './confusion.js';
import { ExactSum } from './exact-sum.js';
import { forEachLogLoss, topKHits } from './probabilistic.js';
import { averagedPrf, perClassPrf, type ZeroDivision } from './prf.js';
import { averagePrecisionRanked, ovrRanking, rankScores, rocAucRanked } from './ranking.js';

/** Options of {@link ClassificationMetrics}. */
export interface ClassificationOptions {
  /** Number of classes `k`; labels are `0..k-1`. Required for streaming (the one-shot API infers it). */
  numClasses: number;
  /** `'binary'` adds the positive-class `precision`, `recall`, `f1` and a single `roc_auc`. Default: `'binary'` when `numClasses` is 2, else `'multiclass'`. */
  task?: 'binary' | 'multiclass';
  /** Classes to report and average over. Default: those present in y_true or y_pred (scikit-learn's default). */
  labels?: readonly number[];
  /** Value of 0/0 ratios in precision/recall/F1. Default: `'warn'` (0, with a warning). */
  zeroDivision?: ZeroDivision;
  /** `k` of top-k accuracy (multiclass with scores). Default: 2. */
  topK?: number;
  /** Scores are logits (softmax/sigmoid is applied). Default: false. */
  logits?: boolean;
}

/** Precision, recall, F1 and support of one class (the keys of scikit-learn's report dict). */
export interface ClassScores {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** Every classification metric, keyed by scikit-learn's names. NaN where scikit-learn raises or returns nan (see `warnings`). */
export interface ClassificationResult {
  n_samples: number;
  labels: number[];
  accuracy: number;
  balanced_accuracy: number;
  /** Positive-class (label 1) scores; binary task only. */
  precision?: number;
  recall?: number;
  f1?: number;
  precision_micro: number;
  precision_macro: number;
  precision_weighted: number;
  recall_micro: number;
  recall_macro: number;
  recall_weighted: number;
  f1_micro: number;
  f1_macro: number;
  f1_weighted: number;
  confusion_matrix: number[][];
  matthews_corrcoef: number;
  cohen_kappa: number;
  /** With scores, multiclass only. */
  top_k_accuracy?: number;
  /** With scores. */
  log_loss?: number;
  /** With scores, binary task. */
  roc_auc?: number;
  /** With scores, multiclass task: one-vs-rest AUC, macro and support-weighted. */
  roc_auc_ovr_macro?: number;
  roc_auc_ovr_weighted?: number;
  /** With scores: binary AP, or the macro mean of one-vs-rest APs for multiclass. */
  average_precision?: number;
  per_class: Record<string, ClassScores>;
  /** Why a value is 0 by convention or NaN (scikit-learn's warnings). */
  warnings: string[];
}

/** The JSON state of {@link ClassificationMetrics}. */
export const classificationStateSchema = z.object({
  kind: z.literal('classification'),
  numClasses: z.number().int().min(2),
  counts: z.array(z.number().int().min(0)),
  topKHits: z.number().int().min(0),
  logLoss: z.string(),
  hasScores: z.boolean(),
  labels: z.array(z.number().int().min(0)),
  scores: z.array(z.number()),
});

/** The JSON state of {@link ClassificationMetrics}. */
export type ClassificationState = z.infer<typeof classificationStateSchema>;

/** All classification metrics, streamed over batches. */
export class ClassificationMetrics {
  readonly options: Readonly<ClassificationOptions>;
  private readonly confusion: ConfusionCounts;
  private hits = 0;
  private readonly logLoss = new ExactSum();
  private hasScores: boolean | undefined;
  private readonly labels = new Int32Buffer();
  private readonly scores = new Float64Buffer();

  constructor(options: ClassificationOptions) {
    checkNumClasses(options.numClasses);
    if (options.task === 'binary' && options.numClasses !== 2) throw new CkptError('E_INVALID_ARGUMENT', `a binary task has 2 classes, not ${options.numClasses}`);
    this.options = { ...options };
    this.confusion = { numClasses: options.numClasses, counts: new Float64Array(options.numClasses ** 2) };
  }

  private get task(): 'binary' | 'multiclass' {
    return this.options.task ?? (this.options.numClasses === 2 ? 'binary' : 'multiclass');
  }

  /** Adds one batch. Every batch must bring scores, or none may. Returns `this`. */
  update(batch: ClassificationBatch): this {
    const b = normalizeBatch(batch, { numClasses: this.options.numClasses, logits: this.options.logits ?? false });
    const withScores = b.scores !== undefined;
    if (this.hasScores !== undefined && this.hasScores !== withScores && b.yTrue.length > 0) {
      throw new CkptError('E_INVALID_ARGUMENT', 'some batches have scores and some do not; give scores with every batch or with none');
    }
    if (b.yTrue.length === 0) return this;
    this.hasScores = withScores;
    accumulateConfusion(this.confusion, b.yTrue, b.yPred);
    if (b.scores !== undefined) {
      const s = b.scores;
      if (s.cols > 1) this.hits += topKHits(b.yTrue, s, this.options.topK ?? 2);
      const sum = this.logLoss;
      const losses = new Float64Array(b.yTrue.length);
      let j = 0;
      forEachLogLoss(b.yTrue, s, (x) => {
        losses[j++] = x;
      });
      sum.addAll(losses);
      this.labels.push(b.yTrue);
      this.scores.push(this.task === 'binary' && s.cols === 2 ? positiveColumn(s.data) : s.data);
    }
    return this;
  }

  /** Number of samples seen. */
  get count(): number {
    return totalCount(this.confusion);
  }

  /** Every metric; throws `E_EMPTY_INPUT` before the first sample. */
  compute(): ClassificationResult {
    const n = this.count;
    if (n === 0) throw new CkptError('E_EMPTY_INPUT', 'no samples were given to the classification metrics');
    const c = this.confusion;
    const warnings: string[] = [];
    const labels = this.options.labels ? [...this.options.labels] : presentLabels(c);
    const zd = this.options.zeroDivision ?? 'warn';
    const avg = (a: 'micro' | 'macro' | 'weighted') => averagedPrf(c, labels, a, { zeroDivision: zd }, warnings);
    const micro = avg('micro');
    const macro = avg('macro');
    const weighted = avg('weighted');
    const per = perClassPrf(c, labels, { zeroDivision: zd }, []);
    const perClass: Record<string, ClassScores> = {};
    per.labels.forEach((l, i) => {
      perClass[String(l)] = { precision: per.precision[i] as number, recall: per.recall[i] as number, 'f1-score': per.fscore[i] as number, support: per.support[i] as number };
    });
    const binary = this.task === 'binary' ? averagedPrf(c, labels, 'binary', { zeroDivision: zd }, warnings) : undefined;
    const result: ClassificationResult = {
      n_samples: n,
      labels,
      accuracy: accuracyFromConfusion(c),
      balanced_accuracy: balancedAccuracyFromConfusion(c, warnings),
      ...(binary ? { precision: binary.precision, recall: binary.recall, f1: binary.fscore } : {}),
      precision_micro: micro.precision,
      precision_macro: macro.precision,
      precision_weighted: weighted.precision,
      recall_micro: micro.recall,
      recall_macro: macro.recall,
      recall_weighted: weighted.recall,
      f1_micro: micro.fscore,
      f1_macro: macro.fscore,
      f1_weighted: weighted.fscore,
      confusion_matrix: confusionMatrixFor(c, labels),
      matthews_corrcoef: matthewsFromConfusion(c),
      cohen_kappa: cohenKappaFromConfusion(c),
      per_class: perClass,
      warnings,
    };
    if (this.hasScores === true) this.addScoreMetrics(result, n, warnings);
    result.warnings = [...new Set(warnings)];
    return result;
  }

  private addScoreMetrics(result: ClassificationResult, n: number, warnings: string[]): void {
    const k = this.options.numClasses;
    const y = this.labels.view();
    const s = this.scores.view();
    result.log_loss = this.logLoss.mean(n);
    if (this.task === 'binary') {
      const ranked = rankScores(s, 1, 0, (i) => y[i] === 1);
      result.roc_auc = rocAucRanked(ranked);
      if (Number.isNaN(result.roc_auc)) warnings.push('roc_auc: only one class present in y_true; ROC AUC is not defined');
      result.average_precision = averagePrecisionRanked(ranked);
      if (ranked.positives === 0) warnings.push('average_precision: no positive class found in y_true');
      return;
    }
    result.top_k_accuracy = this.hits / n;
    const ovr = ovrRanking(y, s, k);
    if (ovr.support.some((x) => x === 0)) {
      warnings.push('roc_auc_ovr: a class is absent from y_true; one-vs-rest ROC AUC is not defined');
      warnings.push('average_precision: a class has no positive sample in y_true; its AP is 0');
    }
    if (!ovr.probabilities) warnings.push('roc_auc_ovr: scores are not probabilities summing to 1 over classes (pass logits: true for logits); not defined');
    result.roc_auc_ovr_macro = ovr.aucMacro;
    result.roc_auc_ovr_weighted = ovr.aucWeighted;
    result.average_precision = ovr.apMacro;
  }

  /** Adds the state of another instance with the same options. */
  merge(other: ClassificationMetrics): this {
    return this.loadMerged(other.state());
  }

  /** Forgets every sample. */
  reset(): this {
    this.confusion.counts.fill(0);
    this.hits = 0;
    this.logLoss.reset();
    this.hasScores = undefined;
    this.labels.clear();
    this.scores.clear();
    return this;
  }

  /** The JSON state (counts, sums, kept scores). */
  state(): ClassificationState {
    return {
      kind: 'classification',
      numClasses: this.options.numClasses,
      counts: Array.from(this.confusion.counts),
      topKHits: this.hits,
      logLoss: this.logLoss.state(),
      hasScores: this.hasScores === true,
      labels: Array.from(this.labels.view()),
      scores: Array.from(this.scores.view()),
    };
  }

  /** Adds a JSON state (from {@link state}) into this one; throws `E_INVALID_ARGUMENT` when it does not fit. */
  loadMerged(state: unknown): this {
    const parsed = classificationStateSchema.safeParse(state);
    if (!parsed.success) throw new CkptError('E_INVALID_ARGUMENT', `not a classification metrics state: ${parsed.error.issues[0]?.message ?? ''}`);
    const s = parsed.data;
    const k = this.options.numClasses;
    if (s.numClasses !== k || s.counts.length !== k * k) throw new CkptError('E_INVALID_ARGUMENT', `state has ${s.numClasses} classes, these metrics have ${k}`);
    const other = totalCount({ numClasses: k, counts: Float64Array.from(s.counts) });
    if (other === 0) return this;
    if (this.count > 0 && this.hasScores !== s.hasScores) throw new CkptError('E_INVALID_ARGUMENT', 'cannot merge a state with scores into one without (or the reverse)');
    s.counts.forEach((x, i) => {
      this.confusion.counts[i] = (this.confusion.counts[i] as number) + x;
    });
    this.hits += s.topKHits;
    this.logLoss.merge(ExactSum.fromState(s.logLoss));
    this.hasScores = s.hasScores;
    this.labels.push(s.labels);
    this.scores.push(s.scores);
    return this;
  }

  /** A new instance holding a JSON state. */
  static fromState(state: unknown, options: Omit<ClassificationOptions, 'numClasses'> = {}): ClassificationMetrics {
    const parsed = classificationStateSchema.safeParse(state);
    if (!parsed.success) throw new CkptError('E_INVALID_ARGUMENT', `not a classification metrics state: ${parsed.error.issues[0]?.message ?? ''}`);
    return new ClassificationMetrics({ ...options, numClasses: parsed.data.numClasses }).loadMerged(parsed.data);
  }
}

function positiveColumn(data: Float64Array): Float64Array {
  const out = new Float64Array(data.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = data[2 * i + 1] as number;
  return out;
}
