import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/checkpoint/load.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { verifyPath, verifyRun } from '../../src/checkpoint/verify.js';
import { FsStore } from '../../src/storage/fs-store.js';
import type { StateObject } from '../../src/tensor/state-tree.js';
import { flipByte } from '../helpers/corrupt.js';
import { useTempDirs } from '../helpers/tmp.js';
import { trainingState, warnings } from './fixtures.js';

const tmp = useTempDirs();

async function runWithTwo(): Promise<{ dir: string; latest: string; previous: string }> {
  const dir = tmp('ckpt-corrupt');
  const m = await CheckpointManager.open(dir, { async: false, filename: '{epoch}', gitCwd: '/' });
  await m.save({ epoch: 0, step: 0, state: trainingState(0) });
  await m.save({ epoch: 1, step: 1, state: trainingState(1) });
  await m.close();
  return { dir, latest: 'epoch=1', previous: 'epoch=0' };
}

describe('a corrupt latest checkpoint', () => {
  for (const file of ['model.safetensors', 'optimizer.safetensors', 'extra.safetensors', 'state.json']) {
    for (const where of ['first', 'last'] as const) {
      it(`is named by verify and skipped by restore('latest'): ${where} byte of ${file}`, async () => {
        const { dir, latest, previous } = await runWithTwo();
        flipByte(join(dir, 'checkpoints', latest, file), (n) => (where === 'first' ? 0 : n - 1));
        const reports = await verifyRun(new FsStore(dir));
        expect(reports.map((r) => [r.name, r.ok])).toEqual([[previous, true], [latest, false]]);
        expect(reports[1]?.problems).toEqual([expect.objectContaining({ file, kind: 'checksum' })]);

        const w = warnings();
        const m = await CheckpointManager.open(dir, { onWarning: w.onWarning, gitCwd: '/' });
        const { state, record } = await m.restore('latest');
        expect(record.name).toBe(previous);
        expect((state as StateObject).epoch).toBe(0);
        expect(w.list).toHaveLength(1);
        expect(w.list[0]).toContain(`checkpoint "${latest}" is unusable`);
        expect(w.list[0]).toContain(file);
        expect(m.resumedFrom).toBe(previous);
        await expect(m.restore(latest)).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringContaining(file) });
        await m.close();
      });
    }
  }

  it('with a missing file or a torn manifest falls back too', async () => {
    const { dir, latest, previous } = await runWithTwo();
    rmSync(join(dir, 'checkpoints', latest, 'model.safetensors'));
    expect((await verifyRun(new FsStore(dir)))[1]?.problems).toEqual([expect.objectContaining({ file: 'model.safetensors', kind: 'missing' })]);
    const m = await CheckpointManager.open(dir, { onWarning: () => undefined, gitCwd: '/' });
    expect((await m.restore('latest')).record.name).toBe(previous);
    await m.close();

    const manifest = join(dir, 'checkpoints', previous, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest).subarray(0, 40));
    const reports = await verifyRun(new FsStore(dir));
    expect(reports[0]).toMatchObject({ name: previous, ok: false, problems: [expect.objectContaining({ kind: 'manifest' })] });
  });

  it('verifyPath takes a run directory or one checkpoint directory', async () => {
    const { dir, latest } = await runWithTwo();
    flipByte(join(dir, 'checkpoints', latest, 'state.json'), () => 3);
    expect((await verifyPath(dir)).map((r) => [r.name, r.ok])).toEqual([['epoch=0', true], [latest, false]]);
    expect((await verifyPath(join(dir, 'checkpoints', latest))).map((r) => [r.name, r.ok])).toEqual([[latest, false]]);
    expect((await verifyPath(join(dir, 'checkpoints', 'epoch=0'))).map((r) => [r.name, r.ok])).toEqual([['epoch=0', true]]);
  });

  it('loadCheckpointDir loads one checkpoint directory, verified', async () => {
    const { dir, latest } = await runWithTwo();
    expect((await loadCheckpointDir(join(dir, 'checkpoints', latest))).record.name).toBe(latest);
    await expect(loadCheckpointDir(dir)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    flipByte(join(dir, 'checkpoints', latest, 'model.safetensors'), (n) => n - 1);
    await expect(loadCheckpointDir(join(dir, 'checkpoints', latest))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('reports size changes and extra files', async () => {
    const { dir, latest } = await runWithTwo();
    const p = join(dir, 'checkpoints', latest, 'state.json');
    writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from(' ')]));
    writeFileSync(join(dir, 'checkpoints', latest, 'notes.txt'), 'hi');
    const r = (await verifyRun(new FsStore(dir)))[1];
    expect(r?.problems.map((p) => [p.file, p.kind])).toEqual([['state.json', 'size'], ['notes.txt', 'extra']]);
  });

  it("restore('best') falls back to the next best", async () => {
    const dir = tmp('ckpt-corrupt');
    const m = await CheckpointManager.open(dir, { async: false, monitor: 'val_acc', filename: '{epoch}', gitCwd: '/' });
    for (const [epoch, acc] of [0.7, 0.9, 0.8].entries()) await m.save({ epoch, step: epoch, metrics: { val_acc: acc }, state: trainingState(epoch) });
    await m.close();
    flipByte(join(dir, 'checkpoints', 'epoch=1', 'optimizer.safetensors'), (n) => n >> 1);
    const w = warnings();
    const again = await CheckpointManager.open(dir, { monitor: 'val_acc', onWarning: w.onWarning, gitCwd: '/' });
    expect((await again.restore('best')).record.name).toBe('epoch=2');
    expect(w.list[0]).toMatch(/checkpoint "epoch=1" is unusable.*optimizer\.safetensors/);
    await again.close();
  });

  it('when every checkpoint is bad, restore fails with E_CORRUPT naming them', async () => {
    const { dir, latest, previous } = await runWithTwo();
    for (const n of [latest, previous]) flipByte(join(dir, 'checkpoints', n, 'model.safetensors'), () => 0);
    const m = await CheckpointManager.open(dir, { onWarning: () => undefined, gitCwd: '/' });
    await expect(m.restore('latest')).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringMatching(/epoch=1.*epoch=0/) });
    await m.close();
  });
});
