/**
 * ckpt's metrics vs scikit-learn on the same 1M and 10M samples: confusion matrix and F1 macro
 * (10 classes), binary ROC AUC, R². The data is written once to temp binary files that both sides
 * read; scikit-learn is timed inside Python (loading excluded), ckpt in-process from typed arrays
 * (validation included). Also checks that both sides computed the same values. On a shared
 * machine wall times swing with the load, so the summary also compares process CPU time.
 *
 * Run: npx tsx bench/metrics.ts [--sizes 1000000,10000000] [--repeat 7] [--only roc_auc,r2]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfusionMatrix, F1Score, R2Score, RocAuc } from '../src/metrics/index.js';
import { nativeAddon } from '../src/util/native.js';
import { bestOf, printTable, timeCommand, type BenchRow } from './lib/report.js';

const PYTHON = process.env.CKPT_PYTHON ?? '/usr/bin/python3';
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const sizes = flag('--sizes', '1000000,10000000').split(',').map(Number);
const repeat = Number(flag('--repeat', '7'));
const only = flag('--only', 'confusion_matrix,f1_macro,roc_auc,r2').split(',');
const CLASSES = 10;

/** Deterministic data: 10-class labels with 60% correct predictions, binary labels correlated with a score, regression pairs. */
function makeData(n: number) {
  let s = 12345;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 + (s & 0xfff) / 2 ** 44);
  const yTrue = new Int32Array(n);
  const yPred = new Int32Array(n);
  const yBinary = new Int32Array(n);
  const score = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.floor(r() * CLASSES);
    yTrue[i] = t;
    yPred[i] = r() < 0.6 ? t : Math.floor(r() * CLASSES);
    const p = r();
    score[i] = p;
    yBinary[i] = r() < 0.25 + 0.5 * p ? 1 : 0;
    a[i] = 10 * r() - 5;
    b[i] = (a[i] as number) + (r() - 0.5) * 3;
  }
  return { yTrue, yPred, yBinary, score, a, b };
}

/** R² with plain float64 sums around the first value (inexact, split-dependent), for scale. */
function plainFloatR2(y: Float64Array, p: Float64Array): number {
  const k = y[0] as number;
  let s1 = 0;
  let s2 = 0;
  let sq = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i] as number;
    const d = yi - (p[i] as number);
    const t = yi - k;
    s1 += t;
    s2 += t * t;
    sq += d * d;
  }
  return 1 - sq / (s2 - (s1 * s1) / y.length);
}

/** Where ckpt's R² sums run here: the native kernel (which one) or JavaScript. */
function r2Engine(): string {
  const addon = nativeAddon();
  if (!addon) return 'in JavaScript (native addon not built)';
  const one = new Float64Array(1);
  const kernel = ['avx512', 'avx2', 'base'].find((k) => {
    try {
      addon.regressionSums(one, one, 7, 1, k);
      return true;
    } catch {
      return false;
    }
  });
  return `in the native ${kernel ?? '?'} kernel on up to ${Math.min(4, availableParallelism())} threads`;
}

/** Repeats last at least this long in all (like Python's `timeit` autorange), on both sides. */
const MIN_SECONDS = 0.25;

/**
 * Best wall time and best process CPU time (user + system, all threads) of at least `repeat`
 * runs that last {@link MIN_SECONDS} in all (at most 1000 runs): a fast metric gets enough runs
 * for one of them to miss the garbage collector and the neighbours of this shared machine.
 */
function bestWallAndCpu(fn: () => void, repeat: number): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  const start = process.hrtime.bigint();
  for (let i = 0; i < 1000 && (i < repeat || Number(process.hrtime.bigint() - start) / 1e9 < MIN_SECONDS); i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

const relDiff = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);

const dir = mkdtempSync(join(tmpdir(), 'ckpt-bench-metrics-'));
const script = fileURLToPath(new URL('./metrics_sklearn.py', import.meta.url));
try {
  const summary: string[] = [];
  for (const n of sizes) {
    const d = makeData(n);
    const write = (name: string, v: Int32Array | Float64Array) => writeFileSync(join(dir, name), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    write('y_true.i32', d.yTrue);
    write('y_pred.i32', d.yPred);
    write('y_binary.i32', d.yBinary);
    write('score.f64', d.score);
    write('a.f64', d.a);
    write('b.f64', d.b);
    const pyRepeat = n >= 5_000_000 ? Math.min(repeat, 2) : repeat;
    const sk = JSON.parse(timeCommand(PYTHON, [script, dir, String(n), String(pyRepeat), only.join(','), String(MIN_SECONDS)]).stdout) as Record<string, { seconds: number; cpu: number; value: number }>;
    const ours: Record<string, () => number> = {
      confusion_matrix: () => new ConfusionMatrix({ numClasses: CLASSES }).update({ yTrue: d.yTrue, yPred: d.yPred }).compute().reduce((t, row, i) => t + (row[i] as number), 0),
      f1_macro: () => new F1Score({ numClasses: CLASSES, average: 'macro' }).update({ yTrue: d.yTrue, yPred: d.yPred }).compute(),
      roc_auc: () => new RocAuc({ numClasses: 2 }).update({ yTrue: d.yBinary, scores: d.score }).compute(),
      r2: () => new R2Score().update({ yTrue: d.a, yPred: d.b }).compute(),
    };
    for (const [name, fn] of Object.entries(ours).filter(([k]) => only.includes(k))) {
      let value = NaN;
      const { wall: seconds, cpu } = bestWallAndCpu(() => {
        value = fn();
      }, n >= 5_000_000 ? Math.min(repeat, 2) : repeat);
      const ref = sk[name] as { seconds: number; cpu: number; value: number };
      const rows: BenchRow[] = [
        { name: 'ckpt', seconds, amount: n, unit: 'samples' },
        { name: 'scikit-learn', seconds: ref.seconds, amount: n, unit: 'samples' },
      ];
      if (name === 'r2') {
        // For scale only (not a ckpt API): one pass of plain float64 sums, inexact and split-dependent.
        // ckpt's R² sums exactly, so that merged states equal the one-shot result.
        const plain = await bestOf(() => plainFloatR2(d.a, d.b), n >= 5_000_000 ? Math.min(repeat, 2) : repeat);
        rows.push({ name: 'plain float64 loop (inexact, for scale)', seconds: plain, amount: n, unit: 'samples' });
      }
      printTable(`${name}, ${n.toExponential(0)} samples (values agree to ${relDiff(value, ref.value).toExponential(1)} relative)`, rows, 'scikit-learn');
      if (name === 'r2') console.log(`r2: exact sums (merged states equal the one-shot result), ${r2Engine()}`);
      summary.push(
        `${name.padEnd(17)} ${n.toExponential(0).padStart(5)}  wall: ckpt ${seconds.toFixed(3).padStart(7)} s  sklearn ${ref.seconds.toFixed(3).padStart(7)} s ${(ref.seconds / seconds).toFixed(1).padStart(5)}x` +
          `   cpu: ckpt ${cpu.toFixed(3).padStart(7)} s  sklearn ${ref.cpu.toFixed(3).padStart(7)} s ${(ref.cpu / cpu).toFixed(1).padStart(5)}x`,
      );
    }
  }
  console.log(`\nsummary (speed-up = sklearn time / ckpt time, best of the repeats; target >= 5x)\n${summary.join('\n')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
