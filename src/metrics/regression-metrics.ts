/**
 * One streaming metric per regression score, each a {@link Metric} with a direction, backed by
 * {@link RegressionMetrics} restricted to what that score needs.
 *
 * @example
 * ```ts
 * const r2 = new R2Score();
 * r2.update({ yTrue: [3, -0.5], yPred: [2.5, 0] }).update({ yTrue: [2, 7], yPred: [2, 8] });
 * r2.compute(); // 0.9486081370449679
 * ```
 * @module
 */
import { checkState, type MetricJson, type Metric, type MetricState, type Reduction } from './metric.js';
import { RegressionMetrics, type RegressionBatch, type RegressionMetricName } from './regression.js';

/** How the fields of a regression state merge. */
const REGRESSION_REDUCTIONS: { [key: string]: Reduction } = {
  kind: 'same', n: 'sum', sumSq: 'exact-sum', sumD: 'exact-sum', sumD2: 'exact-sum', sumY: 'exact-sum', sumY2: 'exact-sum',
  sumAbs: 'exact-sum', sumApe: 'exact-sum', maxAbs: 'max', absErrors: 'cat',
};

/** Base of the single regression metrics. */
export abstract class RegressionMetric implements Metric<RegressionBatch, number> {
  abstract readonly name: RegressionMetricName;
  abstract readonly higherIsBetter: boolean;
  private inner: RegressionMetrics | undefined;

  private get metrics(): RegressionMetrics {
    this.inner ??= new RegressionMetrics({ metrics: [this.name] });
    return this.inner;
  }

  update(batch: RegressionBatch): this {
    this.metrics.update(batch);
    return this;
  }

  compute(): number {
    return this.metrics.compute()[this.name];
  }

  reset(): this {
    this.metrics.reset();
    return this;
  }

  merge(other: this): this {
    return this.loadMerged(other.state());
  }

  state(): MetricState {
    return { kind: this.name, version: 1, options: {}, data: this.metrics.state() as unknown as { [key: string]: MetricJson }, reductions: REGRESSION_REDUCTIONS };
  }

  /** Adds a state (from {@link state}) of the same metric. */
  loadMerged(state: unknown): this {
    this.metrics.loadMerged(checkState(state, this.name).data);
    return this;
  }
}

/** `mean_squared_error`. */
export class MeanSquaredError extends RegressionMetric {
  readonly name = 'mse';
  readonly higherIsBetter = false;
}

/** `mean_squared_error(squared=False)`. */
export class RootMeanSquaredError extends RegressionMetric {
  readonly name = 'rmse';
  readonly higherIsBetter = false;
}

/** `mean_absolute_error`. */
export class MeanAbsoluteError extends RegressionMetric {
  readonly name = 'mae';
  readonly higherIsBetter = false;
}

/** `r2_score` (force_finite: constant y_true gives 1 if perfect else 0; NaN for one sample). */
export class R2Score extends RegressionMetric {
  readonly name = 'r2';
  readonly higherIsBetter = true;
}

/** `explained_variance_score` (force_finite). */
export class ExplainedVariance extends RegressionMetric {
  readonly name = 'explained_variance';
  readonly higherIsBetter = true;
}

/** `mean_absolute_percentage_error` (a fraction, not a percent; |y_true| below 2^-52 counts as 2^-52). */
export class MeanAbsolutePercentageError extends RegressionMetric {
  readonly name = 'mape';
  readonly higherIsBetter = false;
}

/** `max_error`. */
export class MaxError extends RegressionMetric {
  readonly name = 'max_error';
  readonly higherIsBetter = false;
}

/** `median_absolute_error` (keeps every absolute error: memory grows with the samples). */
export class MedianAbsoluteError extends RegressionMetric {
  readonly name = 'median_absolute_error';
  readonly higherIsBetter = false;
}
