import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCkpt } from '../../helpers/cli.js';
import type { DemoSummary } from '../../../src/demo/summary.js';
import { useTempDirs } from '../../helpers/tmp.js';

const tmp = useTempDirs();

const demo = (args: string[]) => runCkpt(undefined, 'demo', ...args);

describe('ckpt demo', () => {
  it('a short seeded run reaches test accuracy >= 0.95 and writes every file it reports (--json)', async () => {
    const run = join(tmp('ckpt-demo-cli'), 'run');
    const r = await demo(['--run', run, '--epochs', '10', '--seed', '0', '--json']);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as DemoSummary;
    expect(s.status).toBe('completed');
    expect(s.test_metrics?.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.test_metrics?.n_samples).toBe(359);
    expect(Object.keys(s.test_metrics ?? {})).toEqual(expect.arrayContaining(['accuracy', 'f1_macro', 'precision_weighted', 'log_loss', 'confusion_matrix', 'roc_auc_ovr_macro']));
    expect(s.classification_report).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(s.backend).toBe('wasm');
    // checkpoints: the best by val_acc is kept, the last is kept, nothing beyond top-3 + every-5 + last
    const best = s.best_checkpoint;
    expect(best).toBeDefined();
    const onDisk = (await readdir(join(run, 'checkpoints'))).filter((d) => !d.startsWith('.')).sort();
    expect(onDisk).toEqual([...s.checkpoints].sort());
    expect(s.checkpoints).toContain(best?.name);
    expect(s.latest_checkpoint?.epoch).toBe(9);
    expect(s.checkpoints.length).toBeLessThanOrEqual(3 + 2 + 1);
    const vals = (await Promise.all(s.checkpoints.map(async (n) => JSON.parse(await readFile(join(run, 'checkpoints', n, 'state.json'), 'utf8')) as { metrics: { val_acc: number } })))
      .map((st) => st.metrics.val_acc);
    expect(Math.max(...vals)).toBe(best?.metrics.val_acc);
    // metrics.jsonl: one line per epoch with train loss and validation metrics
    const lines = (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lines.map((l) => l.step)).toEqual([37, 74, 111, 148, 185, 222, 259, 296, 333, 370]);
    expect(Object.keys(lines[0] ?? {})).toEqual(expect.arrayContaining(['loss', 'val_loss', 'val_acc', 'val_f1']));
    expect(lines[9]?.val_acc).toBe(s.latest_checkpoint?.metrics.val_acc);
    for (const f of Object.values(s.files)) expect(existsSync(f), f).toBe(true);
    expect(s.files.tensorboard_events).toMatch(/events\.out\.tfevents\./);
  });

  it('prints per-epoch lines, resumes with --resume, and ends with the report, confusion matrix and file list', async () => {
    const run = join(tmp('ckpt-demo-cli'), 'run');
    const a = await demo(['--run', run, '--epochs', '2']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/^epoch 1\/2 {2}loss \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_acc \d\.\d{4} {2}val_f1 \d\.\d{4} {2}saved epoch=0000-step=37-val_acc=\d\.\d{4}/m);

    const again = await demo(['--run', run, '--epochs', '3']);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already has checkpoints');
    expect(again.err).toContain('--resume');

    const b = await demo(['--run', run, '--epochs', '3', '--resume']);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/^resumed from epoch=0001-step=74-val_acc=\d\.\d{4} \(epoch 3, batch 0, step 74\)$/m);
    expect(b.out).not.toMatch(/^epoch [12]\/3/m);
    expect(b.out).toMatch(/^epoch 3\/3 /m);
    expect(b.out).toMatch(/^test split \(359 examples\), best checkpoint: accuracy 0\.\d{4}/m);
    expect(b.out).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(b.out).toContain('confusion matrix (rows: true class, columns: predicted class):');
    expect(b.out).toMatch(/^true\s+0\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9$/m);
    for (const label of ['run.json', 'checkpoints', 'metrics', 'TensorBoard', 'best', 'latest']) expect(b.out).toMatch(new RegExp(`^  ${label}\\s+/`, 'm'));
    expect(b.out).toContain(`ckpt eval ${join(run, 'checkpoints')}`);
  });

  it('rejects bad flags with exit status 2', async () => {
    expect((await demo(['--epochs', 'ten'])).code).toBe(2);
    expect((await demo(['--epochs', '0', '--run', join(tmp(), 'r')])).code).toBe(2);
    expect((await demo(['--dataset', 'mnist'])).code).toBe(2);
  });

  it.skipIf(existsSync('/usr/share/datasets/fashion-mnist'))('says how to install Fashion-MNIST when it is missing', async () => {
    const r = await demo(['--dataset', 'fashion-mnist', '--run', join(tmp(), 'r')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('E_NOT_FOUND');
    expect(r.err).toContain('apt-get install dataset-fashion-mnist');
  });
});
