import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCkpt } from '../../helpers/cli.js';
import { loadDemoData } from '../../../src/demo/data/load.js';
import type { Dataset } from '../../../src/demo/data/dataset.js';
import { runDemo } from '../../../src/demo/run-demo.js';
import type { DemoSummary } from '../../../src/demo/summary.js';
import type { CheckpointEvaluation } from '../../../src/demo/eval-checkpoint.js';

const DIGITS = new URL('../../../data/digits.csv.gz', import.meta.url).pathname;
let dir: string;
let summary: DemoSummary;

function toCsv(d: Dataset, header: boolean): string {
  const f = d.exampleShape[0] ?? 0;
  const rows = Array.from({ length: d.n }, (_, i) => [...d.x.subarray(i * f, (i + 1) * f), d.y[i]].join(','));
  return `${header ? `${Array.from({ length: f }, (_, i) => `pixel_${i}`).join(',')},label\n` : ''}${rows.join('\n')}\n`;
}

const evalCli = (args: string[]) => runCkpt(undefined, 'eval', ...args);

describe('ckpt eval', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ckpt-eval-'));
    summary = (await runDemo({ runDir: join(dir, 'run'), epochs: 3, seed: 1, output: { line: () => undefined, note: () => undefined } })).summary;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the model from the checkpoint alone and reproduces the demo\'s test metrics exactly', async () => {
    const { test } = await loadDemoData('digits');
    const csv = join(dir, 'test.csv');
    await writeFile(csv, toCsv(test, true));
    const r = await evalCli([summary.best_checkpoint?.path ?? '', '--data', csv, '--json']);
    expect(r.code, r.err).toBe(0);
    const e = JSON.parse(r.out) as CheckpointEvaluation;
    expect(e.metrics).toEqual(summary.test_metrics);
    expect(e.record.name).toBe(summary.best_checkpoint?.name);
  });

  it('reads the bundled headerless .csv.gz and prints metrics, report and confusion matrix', async () => {
    const r = await evalCli([summary.latest_checkpoint?.path ?? '', '--data', DIGITS]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/on .*digits\.csv\.gz: 1797 examples/);
    expect(r.out).toMatch(/^accuracy 0\.9\d{3} {2}f1_macro 0\.\d{4}/m);
    expect(r.out).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(r.out).toContain('confusion matrix');
  });

  it('fails clearly on a run folder, a wrong feature count, and a missing --data', async () => {
    const run = await evalCli([join(dir, 'run'), '--data', DIGITS]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('E_WRONG_KIND');
    expect(run.err).toContain('it is a run');
    const narrow = join(dir, 'narrow.csv');
    await writeFile(narrow, 'a,b,label\n1,2,0\n');
    const bad = await evalCli([summary.best_checkpoint?.path ?? '', '--data', narrow]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('E_CSV');
    expect(bad.err).toContain('has 2 feature columns, the model takes 64');
    expect((await evalCli([summary.best_checkpoint?.path ?? ''])).code).toBe(2);
  });
});
