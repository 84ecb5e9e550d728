/**
 * `ckpt ls` on a run of 10,000 checkpoints: the in-process `runCli(['ls', dir, '--json'])` and the
 * human table, best of 3 (target: under 1 s). The run is generated directly with the checkpoint
 * module's manifest encoder (a manifest, a small model.safetensors and state.json per checkpoint)
 * in a temp dir that is removed afterwards. Also times `readCatalog` alone, to show where the
 * time goes, and the way it used to read a run (every key listed recursively, then one manifest at a
 * time), for comparison.
 *
 * Run: npx tsx bench/ls.ts [count]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalog, readManifest } from '../src/checkpoint/catalog.js';
import { CHECKPOINTS_DIR, MANIFEST_FILE, STATE_FILE } from '../src/checkpoint/layout.js';
import { encodeManifest, MANIFEST_VERSION } from '../src/checkpoint/manifest.js';
import { captureIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';
import { FsStore } from '../src/storage/fs-store.js';
import { crc32c, crc32cHex } from '../src/util/crc32c.js';
import { bestOf, printTable } from './lib/report.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const T0 = Date.UTC(2026, 0, 1);

function generateRun(dir: string, count: number): void {
  const model = new Uint8Array(64).fill(7);
  const state = new TextEncoder().encode('{"format":"ckpt.state"}\n');
  const entry = (b: Uint8Array) => ({ size: b.byteLength, crc32c: crc32cHex(crc32c(b)) });
  for (let i = 0; i < count; i++) {
    const name = `epoch=${String(i).padStart(5, '0')}-step=${(i + 1) * 100}`;
    const folder = join(dir, CHECKPOINTS_DIR, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.safetensors'), model);
    writeFileSync(join(folder, STATE_FILE), state);
    const time = T0 + i * 60_000;
    writeFileSync(join(folder, MANIFEST_FILE), encodeManifest({
      format: 'ckpt.checkpoint', version: MANIFEST_VERSION, name, created: new Date(time).toISOString(), time,
      epoch: i, step: (i + 1) * 100,
      metrics: { val_loss: 1 / (1 + i) + (i % 7) * 0.01, val_acc: 1 - 1 / (2 + i), lr: 0.001 },
      reasons: ['every call'],
      files: { 'model.safetensors': entry(model), [STATE_FILE]: entry(state) },
    }));
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ckpt-bench-ls-'));
  const run = join(root, 'run');
  try {
    const g0 = performance.now();
    generateRun(run, COUNT);
    console.log(`generated ${COUNT} checkpoints in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    let jsonBytes = 0;
    const lsJson = async (): Promise<void> => {
      const io = captureIO();
      const code = await runCli(['ls', run, '--json'], io);
      if (code !== 0) throw new Error(`ckpt ls failed: ${io.err()}`);
      jsonBytes = io.out().length;
    };
    const lsTable = async (): Promise<void> => {
      const io = captureIO();
      if ((await runCli(['ls', run, '--monitor', 'val_loss'], io)) !== 0) throw new Error(`ckpt ls failed: ${io.err()}`);
    };
    const catalog = async (): Promise<void> => {
      const { checkpoints } = await readCatalog(new FsStore(run));
      if (checkpoints.length !== COUNT) throw new Error(`catalog has ${checkpoints.length}`);
    };
    const catalogBefore = async (): Promise<void> => {
      const store = new FsStore(run);
      const names = new Set<string>();
      for (const key of await store.list(CHECKPOINTS_DIR)) names.add(key.slice(CHECKPOINTS_DIR.length).split('/')[0] ?? '');
      let n = 0;
      for (const name of [...names].sort()) if ((await readManifest(store, name)).name === name) n++;
      if (n !== COUNT) throw new Error(`old catalog has ${n}`);
    };
    const rows = [
      { name: 'ckpt ls --json', seconds: await bestOf(lsJson), amount: COUNT, unit: 'checkpoints' },
      { name: 'ckpt ls (table)', seconds: await bestOf(lsTable), amount: COUNT, unit: 'checkpoints' },
      { name: 'readCatalog alone', seconds: await bestOf(catalog), amount: COUNT, unit: 'checkpoints' },
      { name: 'old way: list all keys, manifests one by one', seconds: await bestOf(catalogBefore), amount: COUNT, unit: 'checkpoints' },
    ];
    printTable(`ckpt ls on ${COUNT} checkpoints (best of 3; JSON output ${(jsonBytes / 2 ** 20).toFixed(1)} MiB)`, rows);
    const cpu0 = process.cpuUsage();
    await lsJson();
    const cpu = process.cpuUsage(cpu0);
    console.log(`\nckpt ls --json, one more run: ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s of CPU (user ${(cpu.user / 1e6).toFixed(3)}, system ${(cpu.system / 1e6).toFixed(3)}); machine load ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
    const first = rows[0];
    if (first !== undefined) console.log(`target < 1 s wall: ${first.seconds < 1 ? 'met' : 'NOT met'} (${first.seconds.toFixed(3)} s)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
