/**
 * .pth read and write throughput, side by side with torch 1.13 in one run:
 *   npx tsx bench/pytorch.ts [MiB=1024] [repeat=3]
 * torch.save writes a ~1 GiB state dict; ckpt reads it (readPth) and torch.load reads it; ckpt
 * writes the tree it read (writePth, fsync) and torch.save writes the same dict (+ flush + fsync).
 * torch's times are measured inside Python (no start-up or import cost). ckpt verifies CRC-32s by
 * default (torch never does); the `crc:'off'` row reads the way torch does. readPth memory-maps the
 * file, so its rows also touch every page of every tensor. Writes alternate between ckpt and torch.
 * Prints a table; never asserts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPth, writePth } from '../src/formats/pytorch/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { PYTHON } from '../test/helpers/python.js';
import { bestOf, peakRss, printTable, timeCommand, type BenchRow } from './lib/report.js';

const mib = Number(process.argv[2] ?? 1024);
const repeat = Number(process.argv[3] ?? 3);
const script = join(dirname(fileURLToPath(import.meta.url)), 'pytorch_bench.py');
const dir = mkdtempSync(join(tmpdir(), 'ckpt-bench-pth-'));

function py(...args: string[]): { seconds: number; bytes: number } {
  return JSON.parse(timeCommand(PYTHON, [script, ...args]).stdout) as { seconds: number; bytes: number };
}

/** Reads one byte of every 4 KiB page of every tensor in the tree. */
function touchEveryPage(value: unknown): number {
  if (value instanceof Tensor) {
    let sum = 0;
    for (let i = 0; i < value.bytes.byteLength; i += 4096) sum += value.bytes[i] ?? 0;
    return sum;
  }
  if (value === null || typeof value !== 'object') return 0;
  let sum = 0;
  for (const v of value instanceof Map ? value.values() : Object.values(value)) sum += touchEveryPage(v);
  return sum;
}

try {
  const torchFile = join(dir, 'torch.pth');
  const { bytes } = py('make', torchFile, String(mib));
  console.log(`file: ${(bytes / 2 ** 30).toFixed(3)} GiB written by torch.save, repeat ${repeat}`);

  let tree: Awaited<ReturnType<typeof readPth>> = null;
  // readPth maps the file, so its rows touch every page of every tensor: the whole load is paid.
  const ckptRead = await bestOf(async () => {
    tree = null;
    tree = await readPth(torchFile);
    touchEveryPage(tree);
  }, repeat);
  const ckptReadNoCrc = await bestOf(async () => {
    tree = null;
    tree = await readPth(torchFile, { crc: 'off' });
    touchEveryPage(tree);
  }, repeat);
  const torchLoad = py('load', torchFile, String(repeat)).seconds;

  // Writes alternate (ckpt, torch, ckpt, torch, ...) and each starts after a `sync`, so both meet
  // the same disk with no writeback of an earlier round still in progress.
  const ckptFile = join(dir, 'ckpt.pth');
  let ckptWrite = Infinity;
  let torchSave = Infinity;
  for (let r = 0; r < repeat; r++) {
    spawnSync('sync');
    ckptWrite = Math.min(ckptWrite, await bestOf(() => writePth(ckptFile, tree), 1));
    spawnSync('sync');
    torchSave = Math.min(torchSave, py('save', join(dir, 'torch-save.pth'), String(mib), '1').seconds);
  }
  const written = statSync(ckptFile).size;
  tree = null;

  const read: BenchRow[] = [
    { name: 'torch.load', seconds: torchLoad, amount: bytes, unit: 'GiB' },
    { name: 'ckpt readPth', seconds: ckptRead, amount: bytes, unit: 'GiB' },
    { name: "ckpt readPth crc:'off'", seconds: ckptReadNoCrc, amount: bytes, unit: 'GiB' },
  ];
  const write: BenchRow[] = [
    { name: 'torch.save+fsync', seconds: torchSave, amount: bytes, unit: 'GiB' },
    { name: 'ckpt writePth (fsync)', seconds: ckptWrite, amount: written, unit: 'GiB' },
  ];
  printTable(`read a ${mib} MiB .pth (page cache warm)`, read, 'torch.load');
  printTable(`write a ${mib} MiB .pth`, write, 'torch.save+fsync');
  console.log(`\nnode peak RSS ${(peakRss() / 2 ** 30).toFixed(2)} GiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
