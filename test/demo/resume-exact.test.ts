/**
 * Resume is exact: a run stopped by an interrupt and resumed ends with the same weights, byte for
 * byte, as an uninterrupted run with the same seed — at an epoch boundary (in-process abort) and
 * mid-epoch (a real SIGINT to a child `ckpt demo` process), at two different points.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { listEventFiles } from '../../src/tracking/event-reader.js';
import { readMetricsLogFile } from '../../src/tracking/jsonl-log.js';
import { useTempDirs } from '../helpers/tmp.js';
import { checkpointFile, runChildCli } from './helpers.js';

const EPOCHS = 5;
const SEED = 7;
const tmp = useTempDirs();
let reference: DemoResult;
let referenceModel: Buffer;
let referenceOptimizer: Buffer;

async function latestModel(result: DemoResult): Promise<Buffer> {
  const latest = result.summary.latest_checkpoint;
  if (latest === undefined) throw new Error('no latest checkpoint');
  return checkpointFile(result.summary.run_dir, latest.name, 'model.safetensors');
}

function quiet(lines: string[] = []) {
  return { line: (s: string) => void lines.push(s), note: () => undefined };
}

describe('ckpt demo resume is bit-exact', () => {
  beforeAll(async () => {
    const dir = `${tmp('ckpt-demo-ref')}/run`;
    reference = await runDemo({ runDir: dir, epochs: EPOCHS, seed: SEED, output: quiet() });
    referenceModel = await latestModel(reference);
    // read now: temp dirs are removed after each test
    referenceOptimizer = await checkpointFile(dir, reference.summary.latest_checkpoint?.name ?? '', 'optimizer.safetensors');
  }, 120_000);

  it('the reference run completes with a best checkpoint and test metrics', () => {
    expect(reference.status).toBe('completed');
    expect(reference.summary.latest_checkpoint?.epoch).toBe(EPOCHS - 1);
    expect(reference.summary.final_weights_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('interrupted at an epoch boundary, then resumed: identical final weights', async () => {
    const dir = `${tmp('ckpt-demo-abort')}/run`;
    const controller = new AbortController();
    const lines: string[] = [];
    const output = { line: (s: string) => { lines.push(s); if (s.startsWith('epoch 2/')) controller.abort(); }, note: () => undefined };
    const first = await runDemo({ runDir: dir, epochs: EPOCHS, seed: SEED, signal: controller.signal, output });
    expect(first.status).toBe('interrupted');
    expect(lines.join('\n')).toMatch(/interrupted at epoch 3, batch 0 \(step \d+\)/);
    expect(first.summary.test_metrics).toBeUndefined();
    expect(await listEventFiles(dir)).toHaveLength(1); // one TensorBoard event file per process run: the manager's

    const second = await runDemo({ runDir: dir, epochs: EPOCHS, seed: SEED, resume: true, output: quiet(lines) });
    expect(lines.join('\n')).toMatch(/resumed from .* \(epoch 3, batch 0, step \d+\)/);
    expect(second.summary.final_weights_sha256).toBe(reference.summary.final_weights_sha256);
    expect((await latestModel(second)).equals(referenceModel)).toBe(true);
    expect((await checkpointFile(dir, second.summary.latest_checkpoint?.name ?? '', 'optimizer.safetensors')).equals(referenceOptimizer)).toBe(true);
    expect(second.summary.test_metrics?.accuracy).toBe(reference.summary.test_metrics?.accuracy);
    expect(await listEventFiles(dir)).toHaveLength(2);
    // one line per epoch end, no double logging (stopped at an epoch boundary: no extra interrupt save)
    const epochs = (await readMetricsLogFile(join(dir, 'metrics.jsonl'))).records.map((r) => r.epoch);
    expect(epochs).toEqual([0, 1, 2, 3, 4]);
  });

  for (const after of [1, 3]) {
    it(`SIGINT to a child process after epoch ${after}, then the printed resume command: identical final weights`, async () => {
      const dir = `${tmp('ckpt-demo-sigint')}/run`;
      const args = ['demo', '--run', dir, '--epochs', String(EPOCHS), '--seed', String(SEED)];
      const child = await runChildCli(args, new RegExp(`^epoch ${after}/${EPOCHS} `));
      expect(child.code, child.stderr).toBe(130);
      expect(child.stderr).toContain('SIGINT: stopping after the current batch');
      const stopped = /interrupted at epoch (\d+), batch (\d+) \(step (\d+)\); saved checkpoint (\S+)/.exec(child.stdout);
      expect(stopped, child.stdout).not.toBeNull();
      const resumeLine = /resume with: (ckpt demo .*)/.exec(child.stdout)?.[1];
      expect(resumeLine).toBe(`ckpt demo --run ${dir} --resume --epochs ${EPOCHS} --seed ${SEED}`);

      const io = captureIO();
      const code = await runCli([...(resumeLine ?? '').split(' ').slice(1), '--json'], io);
      expect(code, io.err()).toBe(0);
      const summary = JSON.parse(io.out()) as DemoResult['summary'];
      expect(io.err()).toContain(`resumed from ${stopped?.[4] ?? '?'} (epoch ${stopped?.[1] ?? '?'}, batch ${stopped?.[2] ?? '?'}, step ${stopped?.[3] ?? '?'})`);
      expect(summary.final_weights_sha256).toBe(reference.summary.final_weights_sha256);
      const latest = summary.latest_checkpoint?.name ?? '';
      expect((await checkpointFile(dir, latest, 'model.safetensors')).equals(referenceModel)).toBe(true);
      expect((await checkpointFile(dir, latest, 'optimizer.safetensors')).equals(referenceOptimizer)).toBe(true);
    });
  }
});
