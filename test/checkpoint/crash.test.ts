/**
 * Crash safety on the real filesystem: a child process saving in a loop is SIGKILLed at random
 * moments, again and again, on the same run. After every kill: every listed checkpoint verifies and
 * loads, no checkpoint folder is partial, and nothing committed before the kill is gone.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/checkpoint/catalog.js';
import { loadCheckpoint } from '../../src/checkpoint/load.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { verifyCheckpoint } from '../../src/checkpoint/verify.js';
import { FsStore } from '../../src/storage/fs-store.js';
import type { StateObject } from '../../src/tensor/state-tree.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { prng } from '../helpers/random.js';
import { useTempDirs } from '../helpers/tmp.js';
import { warnings } from './fixtures.js';
import { bundleChild, startChild } from './processes.js';

const tmp = useTempDirs();
let child: { script: string; cleanup: () => void };
beforeAll(async () => void (child = await bundleChild()));
afterAll(() => child.cleanup());

/** Kills a looping child `kills` times; returns names it reported committed (and, with retention, the last one). */
async function killLoop(dir: string, kills: number, keepLast: number, random: () => number): Promise<void> {
  const store = new FsStore(dir);
  const committed = new Set<string>();
  const verified = new Set<string>();
  let lastCommitted: string | undefined;
  let totalSaves = 0;
  for (let i = 0; i < kills; i++) {
    const c = startChild(child.script, ['loop', dir, String(keepLast)]);
    await c.waitFor(/^ready$/);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
    c.proc.kill('SIGKILL');
    const { signal } = await c.exited;
    expect(signal, c.stderr()).toBe('SIGKILL');
    const reported = c.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice('committed '.length));
    totalSaves += reported.length;
    for (const n of reported) committed.add(n);
    lastCommitted = reported.at(-1) ?? lastCommitted;

    const { checkpoints, incomplete } = await readCatalog(store);
    const listed = new Set(checkpoints.map((cp) => cp.name));
    for (const cp of checkpoints) {
      // Committed folders are never written again: a full check of each new one, a size check of the others.
      if (verified.has(cp.name)) {
        for (const [f, { size }] of Object.entries(cp.manifest.files)) expect((await store.stat(`checkpoints/${cp.name}/${f}`))?.size).toBe(size);
        continue;
      }
      const report = await verifyCheckpoint(store, cp.name);
      expect(report.problems, `kill ${i}: ${cp.name}`).toEqual([]);
      verified.add(cp.name);
    }
    // A kill before the first save may come before the child has made the checkpoints folder at all.
    const checkpointsDir = join(dir, 'checkpoints');
    const folders = existsSync(checkpointsDir) ? readdirSync(checkpointsDir).filter((n) => !n.startsWith('.tmp-')) : [];
    if (keepLast === 0) {
      expect(incomplete.size, `kill ${i}: partial folders ${[...incomplete.keys()].join(', ')}`).toBe(0);
      expect(folders.sort()).toEqual([...listed].sort());
      for (const n of committed) expect(listed.has(n), `kill ${i}: ${n} was committed before the kill and is gone`).toBe(true);
    } else {
      // Only a delete that the kill interrupted can leave a folder without its manifest.
      expect(incomplete.size, `kill ${i}`).toBeLessThanOrEqual(1);
      if (lastCommitted !== undefined && !listed.has(lastCommitted)) {
        // A kill after a commit but before `committed` was printed leaves a save we never heard of; two
        // such saves (by this child and the one before) may legitimately retire the last one reported.
        const reportedStep = Number(/\d+$/.exec(lastCommitted)?.[0]);
        const newer = checkpoints.filter((cp) => cp.step > reportedStep);
        expect(newer.length, `kill ${i}: latest reported ${lastCommitted} is gone without ${keepLast} newer ones`).toBeGreaterThanOrEqual(keepLast);
      }
      expect(listed.size).toBeLessThanOrEqual(keepLast + 1);
    }
    const latest = checkpoints.at(-1);
    if (latest !== undefined) {
      const { state } = await loadCheckpoint(store, latest.name);
      const w = ((state as StateObject).model as StateObject).w as Tensor;
      expect((w.data as Float32Array)[0]).toBe(latest.step);
    }
  }
  expect(totalSaves, 'the children were saving when killed').toBeGreaterThan(kills / 2);
  // The next writer sweeps every leftover of the crashes.
  const w = warnings();
  const m = await CheckpointManager.open(dir, { gitCwd: '/', onWarning: w.onWarning });
  await m.close();
  expect(w.list).toEqual([expect.stringContaining('took over the stale lock of dead pid')]);
  expect(readdirSync(join(dir, 'checkpoints')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  expect((await readCatalog(store)).incomplete.size).toBe(0);
}

describe('SIGKILL at random moments', () => {
  const seed = Number(process.env.CKPT_CRASH_SEED ?? Date.now() % 100_000);

  it(`keeps every committed checkpoint intact (40 kills, keep all, seed ${seed})`, async () => {
    await killLoop(tmp('ckpt-crash'), 40, 0, prng(seed));
  }, 240_000);

  it(`keeps listed checkpoints intact while retention deletes (12 kills, keepLast 2, seed ${seed})`, async () => {
    await killLoop(tmp('ckpt-crash'), 12, 2, prng(seed + 1));
  }, 120_000);
});
