/**
 * A training process for the multi-process tests (run with `node --import tsx`), in three modes:
 *   hold DIR            open the run, print `ready <pid>`, hold the lock until stdin closes
 *   loop DIR KEEP       open the run (sync saves, keepLast KEEP or 0 = keep all) and save forever,
 *                       printing `committed <name>` after each save returns
 *   signal DIR          async saves in a loop with handleSignals(); prints `ready` after the first save
 */
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { Tensor } from '../../src/tensor/tensor.js';

const [mode, dir, arg] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: child.ts hold|loop|signal DIR [KEEP]');

function state(step: number, n: number): { model: { w: Tensor }; optimizer: { m: Tensor }; step: number } {
  const w = new Float32Array(n).fill(step);
  return { model: { w: Tensor.from('F32', [n], w) }, optimizer: { m: Tensor.from('F32', [Math.max(1, n >> 2)], new Float32Array(Math.max(1, n >> 2)).fill(-step)) }, step };
}

if (mode === 'hold') {
  const m = await CheckpointManager.open(dir, { gitCwd: '/' });
  process.stdout.write(`ready ${process.pid}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void m.close().then(() => process.exit(0)));
} else if (mode === 'loop') {
  const keep = Number(arg ?? '0');
  const m = await CheckpointManager.open(dir, { async: false, filename: '{step:06d}', gitCwd: '/', ...(keep > 0 ? { keepLast: keep } : {}) });
  let step = (m.latest()?.step ?? -1) + 1;
  process.stdout.write('ready\n');
  for (;;) {
    const n = [16, 4096, 16_384, 65_536][step % 4] ?? 16; // up to 256 KiB of weights
    const r = await m.save({ epoch: 0, step, metrics: { loss: 1 / (step + 1) }, state: state(step, n) });
    if (r.saved) process.stdout.write(`committed ${r.name}\n`);
    step++;
  }
} else if (mode === 'signal') {
  const m = await CheckpointManager.open(dir, { filename: '{step}', gitCwd: '/' });
  let step = 0;
  m.handleSignals({ finalState: () => ({ epoch: 0, step, state: state(step, 1024) }) });
  for (;;) {
    await m.save({ epoch: 0, step, state: state(step, 1024) });
    if (step === 0) process.stdout.write('ready\n');
    step++;
    await new Promise((r) => setTimeout(r, 5));
  }
}
