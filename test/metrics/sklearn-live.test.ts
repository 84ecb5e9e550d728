/**
 * Live comparison with scikit-learn on fresh random data each run (the seed is printed, so a
 * failure can be replayed with CKPT_METRICS_SEED). Expected values come from the same Python code
 * that writes the golden file (golden/generate.py).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { classificationMetrics, classificationReport, regressionMetrics } from '../../src/metrics/index.js';
import { describeWithPython, runPython } from '../helpers/python.js';
import { prng } from '../helpers/random.js';
import { useTempDirs } from '../helpers/tmp.js';
import { compareResult, expectClose, type ClassificationCase, type RegressionCase } from './helpers.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

const ORACLE = `
import json, sys
sys.path.insert(0, sys.argv[1])
import generate
spec = json.load(open(sys.argv[2]))
out = {
    "classification": [generate.classification_case(c["name"], c["y_true"], c["y_pred"], c["k"], scores=c["scores"], zero_division=c["zd"]) for c in spec["classification"]],
    "regression": [generate.regression_case(c["name"], c["y_true"], c["y_pred"]) for c in spec["regression"]],
}
print(json.dumps(out))
`;

describeWithPython(['sklearn'], 'metrics against live scikit-learn on fresh random data', () => {
  const tempDir = useTempDirs();
  const seed = Number(process.env.CKPT_METRICS_SEED ?? Math.floor(Math.random() * 2 ** 31));

  it(`agree to 1e-12 relative (seed ${seed})`, () => {
    const r = prng(seed);
    const int = (n: number) => Math.floor(r() * n);
    const classification = [2, 2, 3, 5, 9].map((k, i) => {
      const n = 1 + int(i === 0 ? 5 : 1500);
      const ties = i % 2 === 1;
      const scores = Array.from({ length: n }, () => {
        const w = Array.from({ length: k }, () => (ties ? 1 + int(4) : r() + 1e-9));
        const total = w.reduce((a, b) => a + b, 0);
        return w.map((x) => x / total);
      });
      const yTrue = scores.map((row) => (r() < 0.6 ? row.indexOf(Math.max(...row)) : int(k)));
      const yPred = scores.map((row) => (r() < 0.8 ? row.indexOf(Math.max(...row)) : int(k)));
      return { name: `random_${k}_${i}`, k, y_true: yTrue, y_pred: yPred, scores: k === 2 ? scores.map((row) => row[1]) : scores, zd: (['warn', 0, 1] as const)[i % 3] };
    });
    const regression = [1, 1e-3, 1e6].map((scale, i) => {
      const n = 1 + int(2000);
      const offset = i === 1 ? 500 : 0;
      const yTrue = Array.from({ length: n }, () => offset + (r() - 0.5) * scale);
      return { name: `regression_${i}`, y_true: yTrue, y_pred: yTrue.map((y) => y + (r() - 0.5) * scale * 0.3) };
    });
    const spec = join(tempDir('ckpt-metrics-live'), 'spec.json');
    writeFileSync(spec, JSON.stringify({ classification, regression }));
    const expected = JSON.parse(runPython(ORACLE, [GOLDEN_DIR, spec])) as { classification: ClassificationCase[]; regression: RegressionCase[] };

    for (const c of expected.classification) {
      const scores = c.scores;
      const got = classificationMetrics(c.y_true, c.y_pred, scores === undefined ? { numClasses: c.num_classes, zeroDivision: c.zero_division } : { numClasses: c.num_classes, zeroDivision: c.zero_division, scores });
      compareResult(c, got, `${c.name} (seed ${seed})`);
      expect(classificationReport(c.y_true, c.y_pred, { numClasses: c.num_classes, zeroDivision: c.zero_division })).toBe(c.expected.report_text);
    }
    for (const c of expected.regression) {
      const got = regressionMetrics(c.y_true, c.y_pred) as unknown as Record<string, number>;
      for (const [key, want] of Object.entries(c.expected)) expectClose(got[key], want, `${c.name} (seed ${seed}): ${key}`);
    }
  });
});
