/**
 * `ckpt metrics` in-process: --json documents validated by their zod schemas and equal to the
 * library's one-shot results on the same data, human output, pinned help, and one error per
 * kind of bad CSV (one line on stderr, exit status by code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationOutputSchema, regressionOutputSchema } from '../../../src/cli/commands/metrics.js';
import { runCkpt } from '../../helpers/cli.js';
import { classificationMetrics, classificationReport, regressionMetrics } from '../../../src/metrics/index.js';
import { useTempDirs } from '../../helpers/tmp.js';

const run = runCkpt;

const yTrue = [0, 1, 2, 2, 1, 0, 2, 1];
const yPred = [0, 2, 2, 2, 1, 0, 1, 1];
const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.1, 0.8, 0.1]];
const multiclassCsv = ['y_true,y_pred,score_0,score_1,score_2', ...yTrue.map((y, i) => [y, yPred[i], ...(probs[i] as number[])].join(','))].join('\n');

describe('ckpt metrics', () => {
  const tempDir = useTempDirs();
  const csv = (text: string) => {
    const dir = tempDir('ckpt-metrics-cli');
    writeFileSync(join(dir, 'preds.csv'), text);
    return dir;
  };

  it('has pinned help with examples', async () => {
    const { code, out } = await run(tempDir(), 'metrics', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt metrics [options] <file>

      compute scikit-learn's metrics of a predictions CSV

      Arguments:
        file                     a CSV with a header: y_true,y_pred[,score |
                                 score_0..score_{k-1}]

      Options:
        --task <task>            the kind of problem (choices: "binary", "multiclass",
                                 "regression")
        --top-k <k>              k of top-k accuracy (multiclass with scores)
                                 (default: "2")
        --zero-division <value>  value of 0/0 precision or recall (choices: "warn",
                                 "0", "1", default: "warn")
        --digits <n>             digits of the classification report (default: "2")
        -h, --help               display help for command

      Global Options:
        -V, --version            print the version
        --json                   print machine-readable JSON on stdout

      Examples:
        $ ckpt metrics --task multiclass preds.csv
            classification report and confusion matrix
        $ ckpt metrics --task binary preds.csv --json | jq .roc_auc
            one metric, for scripts (scikit-learn names)
        $ ckpt metrics --task regression preds.csv
            MSE, RMSE, MAE, R², explained variance, MAPE, max and median error

      "
    `);
  });

  it('multiclass --json: every key, valid against the schema, equal to classificationMetrics', async () => {
    const { code, out, err } = await run(csv(multiclassCsv), 'metrics', '--task', 'multiclass', 'preds.csv', '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = classificationOutputSchema.parse(JSON.parse(out));
    const want = classificationMetrics(yTrue, yPred, { scores: probs, task: 'multiclass' });
    expect(doc).toEqual({ task: 'multiclass', file: 'preds.csv', ...want });
    for (const key of ['accuracy', 'balanced_accuracy', 'top_k_accuracy', 'f1_macro', 'log_loss', 'roc_auc_ovr_macro', 'roc_auc_ovr_weighted', 'average_precision', 'matthews_corrcoef', 'cohen_kappa']) {
      expect(doc).toHaveProperty(key);
    }
  });

  it('multiclass human output: the classification report, the confusion matrix and the other metrics', async () => {
    const { code, out } = await run(csv(multiclassCsv), 'metrics', '--task', 'multiclass', 'preds.csv');
    expect(code).toBe(0);
    expect(out).toContain(classificationReport(yTrue, yPred).trimEnd());
    expect(out).toMatch(/confusion matrix[^\n]*\n\s+0\s+1\s+2\n0\s+2\s+0\s+0\n1\s+0\s+2\s+1\n2\s+0\s+1\s+2\n/);
    expect(out).toMatch(/roc_auc_ovr_macro\s+0\.\d+/);
  });

  it('binary with a score column and no y_pred: predictions are score > 0.5; roc_auc and average_precision', async () => {
    const scores = [0.9, 0.2, 0.6, 0.4, 0.8, 0.1];
    const labels = [1, 0, 0, 1, 1, 0];
    const { code, out } = await run(csv(`y_true,score\n${labels.map((y, i) => `${y},${scores[i]}`).join('\n')}\n`), 'metrics', '--task', 'binary', 'preds.csv', '--json');
    expect(code).toBe(0);
    const doc = classificationOutputSchema.parse(JSON.parse(out));
    const want = classificationMetrics(labels, undefined, { scores, numClasses: 2 });
    expect(doc).toEqual({ task: 'binary', file: 'preds.csv', ...want });
    expect(doc.roc_auc).toBe(want.roc_auc);
    expect(doc.confusion_matrix).toEqual([[2, 1], [1, 2]]);
  });

  it('regression --json and table', async () => {
    const t = [3, -0.5, 2, 7, 4.25];
    const p = [2.5, 0, 2, 8, 4];
    const dir = csv(`y_true,y_pred\n${t.map((y, i) => `${y},${p[i]}`).join('\r\n')}\r\n`);
    const json = await run(dir, 'metrics', '--task', 'regression', 'preds.csv', '--json');
    expect(json.code).toBe(0);
    expect(regressionOutputSchema.parse(JSON.parse(json.out))).toEqual({ task: 'regression', file: 'preds.csv', ...regressionMetrics(t, p) });
    const human = await run(dir, 'metrics', '--task', 'regression', 'preds.csv');
    expect(human.out).toMatch(/^metric\s+value\nmse\s+[\d.]+\n/);
  });

  it('undefined metrics are "NaN" in JSON, with the reason on stderr', async () => {
    const { code, out, err } = await run(csv('y_true,y_pred,score\n1,1,0.8\n1,1,0.9\n'), 'metrics', '--task', 'binary', 'preds.csv', '--json');
    expect(code).toBe(0);
    expect(classificationOutputSchema.parse(JSON.parse(out)).roc_auc).toBe('NaN');
    expect(err).toContain('ckpt: warning: roc_auc: only one class present in y_true');
  });

  describe('bad input: one-line error, exit status by code', () => {
    const cases: [string, string, string[], string, number][] = [
      ['a missing column', 'y_true,prediction\n0,1\n', ['--task', 'binary'], 'E_CSV', 1],
      ['a missing score column', 'y_true,y_pred,score_0,score_2\n0,1,0.5,0.5\n', ['--task', 'multiclass'], 'E_CSV', 1],
      ['a ragged row (line number)', 'y_true,y_pred\n0,1\n1\n', ['--task', 'binary'], 'E_CSV', 1],
      ['a value that is not a number', 'y_true,y_pred\n0,1\nx,1\n', ['--task', 'binary'], 'E_CSV', 1],
      ['NaN in y_true', 'y_true,y_pred\n0,1\nNaN,1\n', ['--task', 'regression'], 'E_NAN_INPUT', 1],
      ['a label out of range', 'y_true,y_pred\n0,1\n2,1\n', ['--task', 'binary'], 'E_LABEL_RANGE', 1],
      ['no rows', 'y_true,y_pred\n', ['--task', 'binary'], 'E_EMPTY_INPUT', 1],
      ['an empty file', '', ['--task', 'binary'], 'E_CSV', 1],
      ['a bad --top-k', 'y_true,y_pred\n0,1\n', ['--task', 'multiclass', '--top-k', '0'], 'E_INVALID_ARGUMENT', 2],
    ];
    it.each(cases)('%s', async (_what, text, flags, code, exit) => {
      const r = await run(csv(text), 'metrics', ...flags, 'preds.csv');
      expect(r.code).toBe(exit);
      expect(r.out).toBe('');
      expect(r.err).toMatch(new RegExp(`^ckpt: error ${code}: [^\\n]+\\n$`));
    });

    it('the line number of a ragged row', async () => {
      const r = await run(csv('y_true,y_pred\n0,1\n\n1,0\n1\n'), 'metrics', '--task', 'binary', 'preds.csv');
      expect(r.err).toContain('line 5: 1 fields, but the header has 2');
    });

    it('a missing file', async () => {
      const r = await run(tempDir(), 'metrics', '--task', 'binary', 'nope.csv');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^ckpt: error E_NOT_FOUND: [^\n]*nope\.csv[^\n]*\n$/);
    });

    it('--json errors are one JSON object on stdout', async () => {
      const r = await run(csv('y_true\n0\n'), 'metrics', '--task', 'binary', 'preds.csv', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({ error: { code: 'E_CSV', details: { missing: 'y_pred' } } });
    });

    it.each([[[]], [['--task', 'ranking']]])('usage errors exit 2 (%j)', async (flags) => {
      const r = await run(csv(multiclassCsv), 'metrics', ...flags, 'preds.csv');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--task/);
    });
  });
});
