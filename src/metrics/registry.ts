/**
 * Metrics by name: rebuilding a metric from its JSON state, and the optimisation direction of a
 * logged metric name (`val_acc` -> `max`, `val_loss` -> `min`), which the CheckpointManager uses
 * as the default `mode` of a monitored metric.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import type { ClassificationBatch } from './batch.js';
import {
  Accuracy, BalancedAccuracy, CohenKappa, ConfusionMatrix, F1Score, FBetaScore, MatthewsCorrCoef, Precision, Recall,
  type AveragedMetricOptions, type ConfusionMetricOptions, type FBetaOptions,
} from './confusion-metrics.js';
import type { Metric, MetricState } from './metric.js';
import type { RegressionBatch } from './regression.js';
import {
  ExplainedVariance, MaxError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MedianAbsoluteError, R2Score,
  RootMeanSquaredError,
} from './regression-metrics.js';
import { AveragePrecision, LogLoss, RocAuc, TopKAccuracy, type RocAucOptions, type ScoreMetricOptions, type TopKOptions } from './score-metrics.js';

/** Any metric ckpt provides. */
export type AnyMetric = Metric<ClassificationBatch, number> | Metric<ClassificationBatch, number[][]> | Metric<RegressionBatch, number>;

interface Loadable {
  loadMerged(state: unknown): unknown;
}

type Factory = (options: never) => AnyMetric & Loadable;

const FACTORIES: Readonly<Record<string, Factory>> = {
  accuracy: (o: ConfusionMetricOptions) => new Accuracy(o),
  balanced_accuracy: (o: ConfusionMetricOptions) => new BalancedAccuracy(o),
  matthews_corrcoef: (o: ConfusionMetricOptions) => new MatthewsCorrCoef(o),
  cohen_kappa: (o: ConfusionMetricOptions) => new CohenKappa(o),
  confusion_matrix: (o: ConfusionMetricOptions) => new ConfusionMatrix(o),
  precision: (o: AveragedMetricOptions) => new Precision(o),
  recall: (o: AveragedMetricOptions) => new Recall(o),
  f1: (o: AveragedMetricOptions) => new F1Score(o),
  fbeta: (o: FBetaOptions) => new FBetaScore(o),
  top_k_accuracy: (o: TopKOptions) => new TopKAccuracy(o),
  log_loss: (o: ScoreMetricOptions) => new LogLoss(o),
  roc_auc: (o: RocAucOptions) => new RocAuc(o),
  average_precision: (o: ScoreMetricOptions) => new AveragePrecision(o),
  mse: () => new MeanSquaredError(),
  rmse: () => new RootMeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  r2: () => new R2Score(),
  explained_variance: () => new ExplainedVariance(),
  mape: () => new MeanAbsolutePercentageError(),
  max_error: () => new MaxError(),
  median_absolute_error: () => new MedianAbsoluteError(),
};

/** Rebuilds a metric from `metric.state()` (e.g. read back from a checkpoint). Throws `E_INVALID_ARGUMENT` for an unknown or malformed state. */
export function metricFromState(state: unknown): AnyMetric {
  const kind = typeof state === 'object' && state !== null && 'kind' in state ? String((state as MetricState).kind) : '';
  const factory = FACTORIES[kind];
  if (factory === undefined) throw new CkptError('E_INVALID_ARGUMENT', `unknown metric state kind ${JSON.stringify(kind)}; known: ${Object.keys(FACTORIES).join(', ')}`);
  const metric = factory((state as MetricState).options as never);
  metric.loadMerged(state);
  return metric;
}

const HIGHER = [
  /^(top_?\d*_?)?acc(uracy)?(_top_?\d+)?$/, /^top_?(\d+|k)_?acc(uracy)?$/, /^top\d+$/, /^balanced_acc(uracy)?$/,
  /^(f\d*|fbeta|f_beta|f1_score)(_(micro|macro|weighted|binary|samples))?$/, /^(precision|recall|sensitivity|specificity)(_\w+)?$/,
  /^(roc_)?auc(_\w+)?$/, /^(average_precision|ap|map)(_\w+)?$/, /^(mcc|matthews(_corrcoef)?)$/, /^(cohen_)?kappa$/,
  /^(r2|r2_score|explained_variance)$/, /^(iou|miou|dice|jaccard|bleu|rouge\w*|psnr|ssim)$/,
];
const LOWER = [
  /(^|_)loss$/, /^(nll|ce|bce|cross_entropy|log_loss|perplexity|ppl)$/,
  /^(mse|rmse|mae|mape|smape|msle|rmsle|max_error|median_absolute_error|mean_\w+_error)$/, /(^|_)err(or)?$/, /^(wer|cer)$/,
];
const PREFIX = /^(best|val|valid|validation|eval|test|train|training)[_/\-.]/;

/**
 * Whether a logged metric should be maximised or minimised, from its name: `accuracy`, `val_acc`,
 * `f1_macro`, `roc_auc`, `r2` -> `'max'`; `loss`, `val_loss`, `mse`, `mae`, `log_loss` -> `'min'`;
 * `undefined` when the name says nothing (the caller must then ask for an explicit mode).
 */
export function metricDirection(name: string): 'max' | 'min' | undefined {
  let n = name.trim().toLowerCase().replace(/[-/.\s]+/g, '_');
  while (PREFIX.test(n)) n = n.replace(PREFIX, '');
  n = n.replace(/_(epoch|step)$/, '');
  if (LOWER.some((r) => r.test(n))) return 'min';
  if (HIGHER.some((r) => r.test(n))) return 'max';
  return undefined;
}
