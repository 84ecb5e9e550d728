/**
 * `ckpt metrics --task binary|multiclass|regression FILE.csv`: scikit-learn's metrics of a
 * predictions CSV (`y_true,y_pred`, plus `score` or `score_0..score_{k-1}` for classification).
 * Human output is the classification report and the confusion matrix (or a table of regression
 * metrics); `--json` prints every metric under scikit-learn's names.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { Option } from 'commander';
import { z } from 'zod';
import { CkptError, fromSystemError } from '../../errors.js';
import { CSV_LIMITS, parseCsv, readPredictions } from '../../metrics/csv.js';
import { classificationMetrics, classificationReport, regressionMetrics, type ClassificationResult, type RegressionResult } from '../../metrics/index.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';
import { jsonNumber } from '../json-schemas.js';
import { renderTable } from '../table.js';

/** Flags of `ckpt metrics`. */
export interface MetricsFlags {
  /** The kind of problem. Required. */
  task: 'binary' | 'multiclass' | 'regression';
  /** `k` of top-k accuracy. Default: 2. */
  topK: string;
  /** Value of 0/0 precision/recall: `warn` (0, with a note on stderr), `0` or `1`. Default: `warn`. */
  zeroDivision: 'warn' | '0' | '1';
  /** Digits of the classification report. Default: 2. */
  digits: string;
}

const perClass = z.record(z.string(), z.object({ precision: jsonNumber, recall: jsonNumber, 'f1-score': jsonNumber, support: z.number().int() }));

/** `ckpt metrics --task binary|multiclass --json`. Score-based keys appear when the CSV has scores. */
export const classificationOutputSchema = z.object({
  task: z.enum(['binary', 'multiclass']),
  file: z.string(),
  n_samples: z.number().int().positive(),
  labels: z.array(z.number().int()),
  accuracy: jsonNumber,
  balanced_accuracy: jsonNumber,
  precision: jsonNumber.optional(),
  recall: jsonNumber.optional(),
  f1: jsonNumber.optional(),
  top_k_accuracy: jsonNumber.optional(),
  ...Object.fromEntries(['precision', 'recall', 'f1'].flatMap((m) => ['micro', 'macro', 'weighted'].map((a) => [`${m}_${a}`, jsonNumber]))),
  confusion_matrix: z.array(z.array(z.number().int())),
  log_loss: jsonNumber.optional(),
  roc_auc: jsonNumber.optional(),
  roc_auc_ovr_macro: jsonNumber.optional(),
  roc_auc_ovr_weighted: jsonNumber.optional(),
  average_precision: jsonNumber.optional(),
  matthews_corrcoef: jsonNumber,
  cohen_kappa: jsonNumber,
  per_class: perClass,
  warnings: z.array(z.string()),
}).strict();

/** `ckpt metrics --task regression --json`. */
export const regressionOutputSchema = z.object({
  task: z.literal('regression'),
  file: z.string(),
  n_samples: z.number().int().positive(),
  mse: jsonNumber,
  rmse: jsonNumber,
  mae: jsonNumber,
  r2: jsonNumber,
  explained_variance: jsonNumber,
  mape: jsonNumber,
  max_error: jsonNumber,
  median_absolute_error: jsonNumber,
  warnings: z.array(z.string()),
}).strict();

function positiveInt(raw: string, flag: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new CkptError('E_INVALID_ARGUMENT', `${flag} must be a positive integer, got ${JSON.stringify(raw)}`);
  return v;
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    const info = await stat(path);
    if (info.size > CSV_LIMITS.maxChars) throw new CkptError('E_LIMIT', `${shown} is ${info.size} bytes; the CSV limit is ${CSV_LIMITS.maxChars}`);
    return await readFile(path, 'utf8');
  } catch (err) {
    throw fromSystemError(err, 'read predictions', shown);
  }
}

const fmt = (x: number) => String(Number(x.toPrecision(6)));

function printClassification(c: CliContext, r: ClassificationResult, report: string): void {
  c.print(report.trimEnd());
  c.print();
  c.print(c.style.bold('confusion matrix') + c.style.dim(' (rows: true class, columns: predicted)'));
  c.print(renderTable(['', ...r.labels.map(String)], r.confusion_matrix.map((row, i) => [String(r.labels[i]), ...row.map(String)]), ['left', ...r.labels.map(() => 'right' as const)]));
  c.print();
  const keys = ['balanced_accuracy', 'matthews_corrcoef', 'cohen_kappa', 'top_k_accuracy', 'log_loss', 'roc_auc', 'roc_auc_ovr_macro', 'roc_auc_ovr_weighted', 'average_precision'] as const;
  const rows = keys.filter((k) => r[k] !== undefined).map((k) => [k, fmt(r[k] as number)]);
  c.print(renderTable(['metric', 'value'], rows, ['left', 'right']));
}

function printRegression(c: CliContext, r: RegressionResult): void {
  const keys = ['mse', 'rmse', 'mae', 'r2', 'explained_variance', 'mape', 'max_error', 'median_absolute_error'] as const;
  c.print(renderTable(['metric', 'value'], [...keys.map((k) => [k, fmt(r[k])]), ['n_samples', String(r.n_samples)]], ['left', 'right']));
}

export const metricsCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('metrics')
      .argument('<file>', 'a CSV with a header: y_true,y_pred[,score | score_0..score_{k-1}]')
      .description("compute scikit-learn's metrics of a predictions CSV")
      .addOption(new Option('--task <task>', 'the kind of problem').choices(['binary', 'multiclass', 'regression']).makeOptionMandatory())
      .option('--top-k <k>', 'k of top-k accuracy (multiclass with scores)', '2')
      .addOption(new Option('--zero-division <value>', 'value of 0/0 precision or recall').choices(['warn', '0', '1']).default('warn'))
      .option('--digits <n>', 'digits of the classification report', '2')
      .addHelpText('after', examples([
        ['ckpt metrics --task multiclass preds.csv', 'classification report and confusion matrix'],
        ['ckpt metrics --task binary preds.csv --json | jq .roc_auc', 'one metric, for scripts (scikit-learn names)'],
        ['ckpt metrics --task regression preds.csv', 'MSE, RMSE, MAE, R², explained variance, MAPE, max and median error'],
      ]));
    bindAction<MetricsFlags>(cmd, ctx, state, async (c, [file = ''], flags) => {
      const table = parseCsv(await readText(c.path(file), file));
      if (table.rows.length === 0) throw new CkptError('E_EMPTY_INPUT', `${file} has a header but no rows`);
      const warn = (warnings: string[]) => {
        for (const w of warnings) c.note(`ckpt: warning: ${w}`);
      };
      if (flags.task === 'regression') {
        const cols = readPredictions(table, false);
        const r = regressionMetrics(cols.yTrue, cols.yPred ?? new Float64Array(0));
        warn(r.warnings);
        c.result({ task: 'regression', file, ...r }, () => printRegression(c, r));
        return;
      }
      const zeroDivision = flags.zeroDivision === 'warn' ? 'warn' : flags.zeroDivision === '1' ? 1 : 0;
      const cols = readPredictions(table, true);
      const numClasses = flags.task === 'binary' ? 2 : undefined;
      const options = { task: flags.task, zeroDivision, topK: positiveInt(flags.topK, '--top-k'), ...(numClasses ? { numClasses } : {}) } as const;
      const r = classificationMetrics(cols.yTrue, cols.yPred, cols.scores ? { ...options, scores: cols.scores } : options);
      warn(r.warnings);
      const digits = positiveInt(flags.digits, '--digits');
      const yPred = cols.yPred ?? cols.scores;
      c.result({ task: flags.task, file, ...r }, () => printClassification(c, r, classificationReport(cols.yTrue, yPred ?? [], { zeroDivision, digits, ...(numClasses ? { numClasses } : {}) })));
    });
  },
};
