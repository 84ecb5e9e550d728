import { readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEventFiles, readEventFile, readEvents } from '../../src/tracking/event-reader.js';
import { readMetricsLogFile } from '../../src/tracking/jsonl-log.js';
import { RunLog } from '../../src/tracking/run-log.js';
import { useTempDirs } from '../helpers/tmp.js';

/** A clock that advances one second per call, from 2025-01-01T00:00:00Z. */
function fakeClock(): () => number {
  let t = Date.UTC(2025, 0, 1);
  return () => (t += 1000);
}

describe('RunLog', () => {
  const tmp = useTempDirs();

  it('writes every logged step to metrics.jsonl and the event file, durable after each flush', async () => {
    const dir = join(tmp(), 'run');
    const log = await RunLog.open(dir, { now: fakeClock(), hostname: 'host' });
    log.log({ step: 10, epoch: 0, metrics: { loss: 0.5, val_acc: 0.9 } });
    await log.flush();
    expect((await readMetricsLogFile(log.metricsPath)).records).toEqual([
      { step: 10, epoch: 0, time: Date.UTC(2025, 0, 1) + 3000, metrics: { loss: 0.5, val_acc: 0.9 } },
    ]);
    expect((await readEventFile(log.eventsPath)).scalars.map((s) => [s.tag, s.step, s.value])).toEqual([
      ['loss', 10, 0.5],
      ['val_acc', 10, Math.fround(0.9)],
    ]);
    log.log({ step: 20, epoch: 1, metrics: { loss: NaN, val_acc: 0.95 } });
    await log.flush();
    const jsonl = await readMetricsLogFile(log.metricsPath);
    expect(jsonl.records.map((r) => [r.step, r.epoch, r.metrics.loss])).toEqual([
      [10, 0, 0.5],
      [20, 1, NaN],
    ]);
    await log.close();
    const ev = await readEventFile(log.eventsPath);
    expect(ev.problems).toEqual([]);
    expect(ev.scalars.filter((s) => s.tag === 'loss').map((s) => s.value)).toEqual([0.5, NaN]);
    expect(ev.hparams).toEqual({});
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/^events\.out\.tfevents\.\d{10}\.host\.\d+\.\d+$/), 'metrics.jsonl']);
  });

  it('writes hparams session start, final metrics and session end', async () => {
    const dir = tmp();
    const now = fakeClock();
    const log = await RunLog.open(dir, { now, hparams: { lr: 0.001, optimizer: 'adam', augment: true } });
    log.log({ step: 100, epoch: 0, metrics: { val_acc: 0.9 } });
    log.log({ step: 200, epoch: 1, metrics: { val_acc: 0.95 } });
    await log.close({ finalMetrics: { best_val_acc: 0.95 } });
    const r = await readEventFile(log.eventsPath);
    expect(r.problems).toEqual([]);
    const start = Date.UTC(2025, 0, 1) / 1000;
    expect(r.hparams.sessionStartInfo).toEqual({ hparams: { augment: true, lr: 0.001, optimizer: 'adam' }, startTimeSecs: start + 2 });
    expect(r.hparams.experiment).toBeUndefined(); // on purpose: see RunLog.close
    expect(r.hparams.sessionEndInfo).toEqual({ status: 'success', endTimeSecs: start + 5 });
    expect(r.scalars.find((s) => s.tag === 'best_val_acc')).toMatchObject({ step: 200, value: Math.fround(0.95) });
    // file_version, SessionLog.START, then the hparams, flushed at open: a crash mid-run still shows them.
    expect(r.events[1]).toMatchObject({ step: 0, sessionLog: { status: 1 } });
    expect(r.events[2]?.summary?.[0]?.tag).toBe('_hparams_/session_start_info');
  });

  it('a crash at any byte of the event file leaves every complete record readable', async () => {
    const dir = tmp();
    const log = await RunLog.open(dir, { now: fakeClock(), hparams: { lr: 0.1 } });
    for (let step = 1; step <= 5; step++) log.log({ step, metrics: { loss: 1 / step } });
    await log.close({ finalMetrics: { best: 1 } });
    const bytes = readFileSync(log.eventsPath);
    const whole = readEvents(bytes);
    const offsets = whole.events.map((e) => e.offset);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = readEvents(bytes.subarray(0, cut));
      expect(r.problems).toEqual([]);
      expect(r.events).toEqual(whole.events.filter((_, i) => (offsets[i + 1] ?? bytes.length) <= cut));
      const boundary = cut === bytes.length || offsets.includes(cut);
      expect(r.truncatedAt === undefined).toBe(boundary);
    }
  });

  it('resuming: a second event file after the first, SessionLog.START at the next step, torn JSONL line repaired', async () => {
    const dir = tmp();
    const now = fakeClock();
    const first = await RunLog.open(dir, { now, hostname: 'h' });
    first.log({ step: 1, metrics: { loss: 1 } });
    first.log({ step: 2, metrics: { loss: 0.9 } });
    await first.close();
    appendFileSync(join(dir, 'metrics.jsonl'), '{"step":3,"time":'); // the crash
    const second = await RunLog.open(dir, { now, hostname: 'h', resumedFromStep: 2 });
    expect(second.repairedTail).toMatchObject({ action: 'truncated' });
    second.log({ step: 3, metrics: { loss: 0.8 } });
    await second.close();
    const files = await listEventFiles(dir);
    expect(files).toEqual([first.eventsPath, second.eventsPath].sort());
    const r = await readEventFile(second.eventsPath);
    expect(r.events[1]).toMatchObject({ step: 3, sessionLog: { status: 1 } });
    expect((await readEventFile(first.eventsPath)).events[1]).toMatchObject({ step: 0, sessionLog: { status: 1 } });
    const jsonl = await readMetricsLogFile(join(dir, 'metrics.jsonl'));
    expect(jsonl.problems).toEqual([]);
    expect(jsonl.tornLastLine).toBeUndefined();
    expect(jsonl.records.map((x) => x.step)).toEqual([1, 2, 3]);
  });

  it('rejects bad input before writing anything', async () => {
    const dir = tmp();
    await expect(RunLog.open(dir, { hparams: { nested: {} as unknown as string } })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    const log = await RunLog.open(dir);
    expect(() => log.log({ step: 1, metrics: { '': 1 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => log.log({ step: 1.5, metrics: { a: 1 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => log.log({ step: 1, metrics: { time: 1 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await log.close();
    await log.close();
    expect(() => log.log({ step: 2, metrics: {} })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect((await readMetricsLogFile(log.metricsPath)).records).toEqual([]);
    expect((await readEventFile(log.eventsPath)).events.map((e) => e.fileVersion ?? e.sessionLog?.status)).toEqual(['brain.Event:2', 1]);
  });
});
