/**
 * The demo's final report for people: the best checkpoint, its test-split classification report
 * and confusion matrix, and where every file is.
 *
 * @module
 */
import type { DemoSummary } from './summary.js';

/** Renders a confusion matrix with class labels on both axes (rows: true class, columns: predicted). */
export function formatConfusionMatrix(matrix: readonly (readonly number[])[], labels: readonly string[]): string {
  const width = Math.max(3, ...matrix.flat().map((v) => String(v).length), ...labels.map((l) => l.length));
  const rowLabel = Math.max(4, ...labels.map((l) => l.length));
  const cell = (s: string): string => s.padStart(width);
  const lines = [`${'true'.padEnd(rowLabel)}  ${labels.map(cell).join(' ')}`];
  matrix.forEach((row, i) => lines.push(`${(labels[i] ?? String(i)).padEnd(rowLabel)}  ${row.map((v) => cell(String(v))).join(' ')}`));
  return lines.join('\n');
}

/** The lines printed when a demo run completes. */
export function formatFinalReport(s: DemoSummary): string[] {
  const out: string[] = [''];
  const best = s.best_checkpoint;
  if (best !== undefined) {
    out.push(`best checkpoint: ${best.name} (epoch ${best.epoch + 1}, val_acc ${(best.metrics.val_acc ?? NaN).toFixed(4)})`);
  }
  const m = s.test_metrics;
  if (m !== undefined && s.classification_report !== undefined) {
    out.push('', `test split (${m.n_samples} examples), best checkpoint: accuracy ${m.accuracy.toFixed(4)}, f1_macro ${m.f1_macro.toFixed(4)}, log_loss ${(m.log_loss ?? NaN).toFixed(4)}`, '');
    out.push(s.classification_report.replace(/\n+$/, ''), '');
    out.push('confusion matrix (rows: true class, columns: predicted class):');
    out.push(formatConfusionMatrix(m.confusion_matrix, m.labels.map((l) => (s.dataset === 'digits' ? String(l) : String(s.class_names[l] ?? l).slice(0, 5)))));
  }
  out.push('', 'files:');
  const rows: [string, string][] = [
    ['run', s.files.run_dir ?? s.run_dir],
    ['run.json', s.files.run_json ?? ''],
    ['checkpoints', `${s.files.checkpoints ?? ''}  (${s.checkpoints.length} kept: top 3 by val_acc, one per 5 epochs, the last)`],
    ['metrics', s.files.metrics_jsonl ?? ''],
  ];
  if (s.files.tensorboard_events !== undefined) rows.push(['TensorBoard', `${s.files.tensorboard_events}  (tensorboard --logdir ${s.run_dir})`]);
  if (best !== undefined) rows.push(['best', best.path]);
  if (s.latest_checkpoint !== undefined) rows.push(['latest', s.latest_checkpoint.path]);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.push(`  ${k.padEnd(w)}  ${v}`);
  out.push('', `evaluate a checkpoint on a CSV (features, then label): ckpt eval ${best?.path ?? '<checkpoint>'} --data FILE.csv`);
  out.push(`finished in ${s.seconds.toFixed(1)}s on the ${s.backend} backend`);
  return out;
}
