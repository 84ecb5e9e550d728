/**
 * Golden tests: ckpt's metrics against values scikit-learn 1.2.1 computed on the same data
 * (test/metrics/golden/generate.py wrote sklearn-expected.json), to 1e-12 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  argmaxRows, classificationMetrics, classificationReport, classificationReportDict, regressionMetrics, toScores,
} from '../../src/metrics/index.js';
import { compareResult, expectClose, type ClassificationCase, type RegressionCase } from './helpers.js';

interface Golden {
  sklearn: string;
  classification: ClassificationCase[];
  regression: RegressionCase[];
}

const golden = JSON.parse(readFileSync(new URL('./golden/sklearn-expected.json', import.meta.url), 'utf8')) as Golden;
describe(`classification metrics equal scikit-learn ${golden.sklearn}`, () => {
  it('has the edge cases the issue names', () => {
    const names = golden.classification.map((c) => c.name);
    for (const needle of ['never_predicted', 'absent_from_y_true', 'one_class_only', 'ties', 'single_sample']) {
      expect(names.some((n) => n.includes(needle))).toBe(true);
    }
  });

  for (const c of golden.classification) {
    it(`${c.name}: every metric from labels and scores`, () => {
      const options = { numClasses: c.num_classes, task: c.task, zeroDivision: c.zero_division };
      const got = classificationMetrics(c.y_true, c.y_pred, c.scores === undefined ? options : { ...options, scores: c.scores });
      compareResult(c, got, c.name);
    });

    it(`${c.name}: classification report text and dict`, () => {
      const options = { numClasses: c.num_classes, zeroDivision: c.zero_division };
      expect(classificationReport(c.y_true, c.y_pred, options)).toBe(c.expected.report_text);
      expect(classificationReport(c.y_true, c.y_pred, { ...options, digits: 4 })).toBe(c.expected.report_text_4);
      const dict = classificationReportDict(c.y_true, c.y_pred, options);
      const want = c.expected.report_dict as Record<string, number | Record<string, number>>;
      expect(Object.keys(dict)).toEqual(Object.keys(want));
      for (const [key, value] of Object.entries(want)) {
        if (typeof value === 'number') expectClose(dict[key] as number, value, `${c.name}: report ${key}`);
        else for (const [k, v] of Object.entries(value)) expectClose((dict[key] as unknown as Record<string, number>)[k], v, `${c.name}: report ${key}.${k}`);
      }
    });

    const scores = c.scores;
    if (scores !== undefined && argmaxRows(toScores(scores, 'scores')).every((p, i) => p === c.y_pred[i])) {
      it(`${c.name}: predictions taken as the argmax of the scores`, () => {
        const got = classificationMetrics(c.y_true, undefined, { numClasses: c.num_classes, task: c.task, zeroDivision: c.zero_division, scores });
        compareResult(c, got, `${c.name} (argmax)`);
      });
    }
    const logits = c.logits;
    if (logits !== undefined) {
      it(`${c.name}: scores given as logits`, () => {
        const got = classificationMetrics(c.y_true, logits, { numClasses: c.num_classes, zeroDivision: c.zero_division, logits: true });
        compareResult(c, got, `${c.name} (logits)`);
      });
    }
  }
});

describe(`regression metrics equal scikit-learn ${golden.sklearn}`, () => {
  it('has the edge cases the issue names', () => {
    const names = golden.regression.map((c) => c.name);
    expect(names).toContain('constant_y_true_imperfect');
    expect(names).toContain('constant_y_true_perfect');
    expect(names).toContain('single_sample');
  });

  for (const c of golden.regression) {
    it(c.name, () => {
      const got = regressionMetrics(c.y_true, c.y_pred) as unknown as Record<string, number>;
      for (const [key, want] of Object.entries(c.expected)) expectClose(got[key], want, `${c.name}: ${key}`);
    });
  }
});
