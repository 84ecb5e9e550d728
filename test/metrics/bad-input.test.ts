/**
 * One bad input per error code: the metrics refuse it with a CkptError whose code says what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { isCkptError, type CkptErrorCode } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  Accuracy, ClassificationMetrics, R2Score, RocAuc, classificationMetrics, metricFromState, regressionMetrics,
} from '../../src/metrics/index.js';

function codeOf(fn: () => unknown): CkptErrorCode | 'no error' | 'not a CkptError' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return isCkptError(err) ? err.code : 'not a CkptError';
  }
}

describe('bad inputs raise CkptError with the code that says what is wrong', () => {
  it('E_LENGTH_MISMATCH: y_true and y_pred of different lengths', () => {
    expect(codeOf(() => classificationMetrics([0, 1, 1], [0, 1]))).toBe('E_LENGTH_MISMATCH');
    expect(codeOf(() => regressionMetrics([1, 2], [1, 2, 3]))).toBe('E_LENGTH_MISMATCH');
    expect(codeOf(() => classificationMetrics([0, 1], [0, 1], { scores: [0.3, 0.6, 0.9] }))).toBe('E_LENGTH_MISMATCH');
  });

  it('E_NAN_INPUT: NaN or infinity in y_true, y_pred or scores', () => {
    expect(codeOf(() => classificationMetrics([0, NaN, 1], [0, 1, 1]))).toBe('E_NAN_INPUT');
    expect(codeOf(() => regressionMetrics([1, NaN], [1, 2]))).toBe('E_NAN_INPUT');
    expect(codeOf(() => regressionMetrics([1, 2], [Infinity, 2]))).toBe('E_NAN_INPUT');
    expect(codeOf(() => classificationMetrics([0, 1], [0, 1], { scores: [0.2, NaN] }))).toBe('E_NAN_INPUT');
  });

  it('E_LABEL_RANGE: labels negative, fractional or not below numClasses', () => {
    expect(codeOf(() => classificationMetrics([0, 3], [0, 1], { numClasses: 3 }))).toBe('E_LABEL_RANGE');
    expect(codeOf(() => classificationMetrics([0, -1], [0, 1]))).toBe('E_LABEL_RANGE');
    expect(codeOf(() => classificationMetrics([0, 1.5], [0, 1]))).toBe('E_LABEL_RANGE');
    expect(codeOf(() => new Accuracy({ numClasses: 2 }).update({ yTrue: [0, 1], yPred: [2, 0] }))).toBe('E_LABEL_RANGE');
  });

  it('E_EMPTY_INPUT: no samples', () => {
    expect(codeOf(() => classificationMetrics([], []))).toBe('E_EMPTY_INPUT');
    expect(codeOf(() => regressionMetrics([], []))).toBe('E_EMPTY_INPUT');
    expect(codeOf(() => new Accuracy({ numClasses: 2 }).compute())).toBe('E_EMPTY_INPUT');
    expect(codeOf(() => new R2Score().update({ yTrue: [], yPred: [] }).compute())).toBe('E_EMPTY_INPUT');
  });

  it('E_SHAPE: scores with the wrong number of columns', () => {
    expect(codeOf(() => classificationMetrics([0, 1, 2], [0, 1, 2], { scores: [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], numClasses: 3 }))).toBe('E_SHAPE');
    expect(codeOf(() => classificationMetrics([0, 1], Tensor.from('F32', [2, 2, 1], [1, 0, 0, 1])))).toBe('E_SHAPE');
  });

  it('E_INVALID_ARGUMENT: bad options, a score metric without scores, states that do not fit', () => {
    expect(codeOf(() => new ClassificationMetrics({ numClasses: 1 }))).toBe('E_INVALID_ARGUMENT');
    expect(codeOf(() => new RocAuc({ numClasses: 2 }).update({ yTrue: [0, 1], yPred: [0, 1] }))).toBe('E_INVALID_ARGUMENT');
    const three = new Accuracy({ numClasses: 3 }).update({ yTrue: [0], yPred: [0] });
    expect(codeOf(() => new Accuracy({ numClasses: 2 }).loadMerged(three.state()))).toBe('E_INVALID_ARGUMENT');
    expect(codeOf(() => metricFromState({ kind: 'no-such-metric', version: 1, options: {}, data: {} }))).toBe('E_INVALID_ARGUMENT');
    expect(codeOf(() => new R2Score().loadMerged({ kind: 'accuracy', version: 1, options: {}, data: {} }))).toBe('E_INVALID_ARGUMENT');
  });

  it('E_LIMIT: more classes than a confusion matrix should hold', () => {
    expect(codeOf(() => classificationMetrics([0, 1e9], [0, 1]))).toBe('E_LIMIT');
    expect(codeOf(() => new ClassificationMetrics({ numClasses: 1e6 }))).toBe('E_LIMIT');
  });

  it('a failed update leaves the state unchanged', () => {
    const m = new Accuracy({ numClasses: 2 }).update({ yTrue: [0, 1], yPred: [0, 0] });
    expect(codeOf(() => m.update({ yTrue: [0, 1, 5], yPred: [0, 1, 1] }))).toBe('E_LABEL_RANGE');
    expect(m.compute()).toBe(0.5);
  });
});
