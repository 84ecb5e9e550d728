import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/tracking/event-reader.js';
import { readRunEvents } from '../../src/tracking/run-reader.js';
import { RunLog } from '../../src/tracking/run-log.js';
import { useTempDirs } from '../helpers/tmp.js';

function clock(): () => number {
  let t = 1_700_000_000_000;
  return () => (t += 1000);
}

describe('readRunEvents', () => {
  const tmp = useTempDirs();

  it('a resumed run: scalars of the abandoned attempt past the resume step are dropped, as TensorBoard does', async () => {
    const dir = tmp();
    const now = clock();
    const first = await RunLog.open(dir, { now, hparams: { lr: 0.1 } });
    for (const step of [10, 20, 30]) first.log({ step, metrics: { loss: step } });
    await first.flush(); // then a crash: the checkpoint at step 20 is the latest
    const second = await RunLog.open(dir, { now, hparams: { lr: 0.1 }, resumedFromStep: 20 });
    for (const step of [30, 40]) second.log({ step, metrics: { loss: step + 0.5 } });
    await second.close({ finalMetrics: { best: 1 } });
    await first.close(); // (a real crash would not close it; its late session-end record is overridden by the later file's)

    const run = await readRunEvents(dir);
    expect(run.files.map((f) => f.path)).toEqual([first.eventsPath, second.eventsPath].sort());
    expect(run.files.every((f) => f.problems.length === 0 && f.truncatedAt === undefined)).toBe(true);
    expect(run.scalars.filter((s) => s.tag === 'loss').map((s) => [s.step, s.value])).toEqual([
      [10, 10],
      [20, 20],
      [30, 30.5],
      [40, 40.5],
    ]);
    expect(run.hparams.sessionEndInfo?.status).toBe('success');
    expect(run.hparams.sessionStartInfo?.hparams).toEqual({ lr: 0.1 });
    expect((await readEventFile(second.eventsPath)).sessionStarts).toEqual([{ step: 21, scalarsBefore: 0 }]);
  });

  it('reports a torn file and keeps its complete records', async () => {
    const dir = tmp();
    const log = await RunLog.open(dir, { now: clock() });
    log.log({ step: 1, metrics: { a: 1 } });
    await log.close();
    appendFileSync(log.eventsPath, Uint8Array.from([1, 2, 3]));
    const run = await readRunEvents(dir);
    expect(run.scalars.map((s) => s.step)).toEqual([1]);
    expect(run.files[0]?.truncatedAt).toBeGreaterThan(0);
  });

  it('an empty directory has no scalars; a missing one is E_NOT_FOUND', async () => {
    const dir = tmp();
    expect(await readRunEvents(dir)).toEqual({ scalars: [], hparams: {}, files: [] });
    await expect(readRunEvents(`${dir}/nope`)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
