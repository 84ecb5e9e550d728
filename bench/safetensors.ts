/**
 * safetensors save/load of 1 GiB of float32 in 64 tensors, side by side with `dd conv=fsync`
 * (write), a page-cache read of the same file (`cat FILE > /dev/null` on a warm file, and Node's
 * readFileSync), and torch.save/torch.load through /usr/bin/python3 when torch imports. `cat`
 * reuses one small buffer; a loader must fill fresh memory, so the table also shows the cost of
 * allocating and touching 1 GiB without reading anything. ckpt's load memory-maps the file (private,
 * copy-on-write), so its rows include touching every page; `mmap: false` is the copying read.
 * Also measures how much the RSS grows while saving, in a child process.
 *
 * Run: npx tsx bench/safetensors.ts   (files go to a temp dir that is removed afterwards)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile, writeSafetensorsFile } from '../src/formats/safetensors/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { bestOf, printTable, timeCommand, type BenchRow } from './lib/report.js';

const TENSORS = 64;
const TOTAL_BYTES = 2 ** 30;
const PER_TENSOR = TOTAL_BYTES / TENSORS;
const REPEAT = 2;
const PYTHON = process.env.CKPT_PYTHON ?? '/usr/bin/python3';
const MiB = 2 ** 20;

function makeState(): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (let i = 0; i < TENSORS; i++) {
    const values = new Float32Array(PER_TENSOR / 4);
    for (let k = 0; k < values.length; k += 1024) values[k] = i + k; // touch every page
    tensors.set(`layers.${i}.weight`, Tensor.from('F32', [PER_TENSOR / 4 / 1024, 1024], values));
  }
  return tensors;
}

/** Child mode: build the state, then save it while sampling RSS; prints JSON. */
async function childSave(path: string): Promise<void> {
  const tensors = makeState();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  await writeSafetensorsFile(path, tensors);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ rssBefore, peak }));
}

const TORCH_SCRIPT = `
import json, os, sys, time, torch
path, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
state = {f"layers.{i}.weight": torch.zeros(per // 4 // 1024, 1024) for i in range(n)}
save, load = [], []
for _ in range(${REPEAT}):
    if os.path.exists(path): os.remove(path)
    t0 = time.perf_counter()
    with open(path, "wb") as f:
        torch.save(state, f); f.flush(); os.fsync(f.fileno())
    save.append(time.perf_counter() - t0)
for _ in range(${REPEAT}):
    t0 = time.perf_counter(); sd = torch.load(path); load.append(time.perf_counter() - t0); del sd
print(json.dumps({"save": min(save), "load": min(load)}))
`;

function torchRows(dir: string): BenchRow[] {
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    console.log(`(torch not importable with ${PYTHON}: skipping torch rows)`);
    return [];
  }
  const path = join(dir, 'torch.pt');
  const { stdout } = timeCommand(PYTHON, ['-c', TORCH_SCRIPT, path, String(TENSORS), String(PER_TENSOR)]);
  rmSync(path, { force: true });
  const r = JSON.parse(stdout) as { save: number; load: number };
  return [
    { name: 'torch.save + fsync', seconds: r.save, amount: TOTAL_BYTES, unit: 'GiB' },
    { name: 'torch.load', seconds: r.load, amount: TOTAL_BYTES, unit: 'GiB' },
  ];
}

/** Reads one byte of every 4 KiB page of every tensor (what makes a lazy map pay for all of it). */
function touchEveryPage(tensors: Map<string, Tensor>): number {
  let sum = 0;
  for (const t of tensors.values()) {
    const b = t.bytes;
    for (let i = 0; i < b.byteLength; i += 4096) sum += b[i] ?? 0;
  }
  return sum;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child-save') return childSave(process.argv[3] ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-bench-'));
  try {
    const file = join(dir, 'model.safetensors');
    const ddFile = join(dir, 'dd.bin');
    const tensors = makeState();

    const ddSeconds = await bestOf(() => {
      rmSync(ddFile, { force: true });
      timeCommand('dd', ['if=/dev/zero', `of=${ddFile}`, 'bs=16M', 'count=64', 'conv=fsync', 'status=none']);
    }, REPEAT);
    rmSync(ddFile, { force: true });
    const saveSeconds = await bestOf(async () => {
      rmSync(file, { force: true });
      await writeSafetensorsFile(file, tensors);
    }, REPEAT);
    tensors.clear();

    readFileSync(file); // warm the page cache
    const catSeconds = await bestOf(() => timeCommand('sh', ['-c', `cat '${file}' > /dev/null`]), 3);
    const readFileSeconds = await bestOf(() => readFileSync(file).byteLength, 3);
    // A map is lazy: the load is only paid in full once every page has been touched, so time that too.
    const loadSeconds = await bestOf(async () => touchEveryPage((await readSafetensorsFile(file)).tensors), 3);
    const loadCopySeconds = await bestOf(async () => touchEveryPage((await readSafetensorsFile(file, { mmap: false })).tensors), 3);
    // What any load into new memory pays before reading a byte: faulting in 1 GiB of fresh pages.
    const freshPagesSeconds = await bestOf(() => {
      for (let i = 0; i < TENSORS; i++) Buffer.allocUnsafeSlow(PER_TENSOR).fill(0);
    }, 3);

    const child = timeCommand(process.execPath, ['--import', 'tsx', process.argv[1] ?? 'bench/safetensors.ts', '--child-save', join(dir, 'child.safetensors')]);
    rmSync(join(dir, 'child.safetensors'), { force: true });
    const rss = JSON.parse(child.stdout) as { rssBefore: number; peak: number };

    const torch = torchRows(dir);
    const fileBytes = TOTAL_BYTES;
    printTable('write 1 GiB (64 x 16 MiB float32), fsync included', [
      { name: 'dd bs=16M conv=fsync', seconds: ddSeconds, amount: fileBytes, unit: 'GiB' },
      { name: 'ckpt writeSafetensorsFile', seconds: saveSeconds, amount: fileBytes, unit: 'GiB' },
      ...torch.filter((r) => r.name.startsWith('torch.save')),
    ], 'dd bs=16M conv=fsync');
    printTable('read the same 1 GiB file, warm page cache', [
      { name: 'cat FILE > /dev/null', seconds: catSeconds, amount: fileBytes, unit: 'GiB' },
      { name: 'node fs.readFileSync', seconds: readFileSeconds, amount: fileBytes, unit: 'GiB' },
      { name: 'alloc + fill 1 GiB (no read)', seconds: freshPagesSeconds, amount: fileBytes, unit: 'GiB' },
      { name: 'ckpt readSafetensorsFile + touch', seconds: loadSeconds, amount: fileBytes, unit: 'GiB' },
      { name: 'ckpt ... { mmap: false } + touch', seconds: loadCopySeconds, amount: fileBytes, unit: 'GiB' },
      ...torch.filter((r) => r.name.startsWith('torch.load')),
    ], 'cat FILE > /dev/null');
    const growth = rss.peak - rss.rssBefore;
    console.log(`\nsave memory (child process): RSS with the 1 GiB state built ${(rss.rssBefore / MiB).toFixed(0)} MiB, peak during save ${(rss.peak / MiB).toFixed(0)} MiB, growth ${(growth / MiB).toFixed(1)} MiB (target <= 64 MiB)`);
    console.log(`targets: save ${(ddSeconds / saveSeconds).toFixed(2)}x dd (>= 0.85), load ${(catSeconds / loadSeconds).toFixed(2)}x cat (>= 0.5), ${(readFileSeconds / loadSeconds).toFixed(2)}x readFileSync`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
