import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../src/checkpoint/catalog.js';
import { acquireRunLock } from '../../src/checkpoint/lock.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { useTempDirs } from '../helpers/tmp.js';
import { warnings } from './fixtures.js';
import { bundleChild, startChild } from './processes.js';

const tmp = useTempDirs();
let child: { script: string; cleanup: () => void };
beforeAll(async () => void (child = await bundleChild()));
afterAll(() => child.cleanup());

describe('the run lock across processes', () => {
  it('a second process gets E_LOCKED naming the holder; after a clean exit the run is free', async () => {
    const dir = tmp('ckpt-lock');
    const holder = startChild(child.script, ['hold', dir]);
    const pid = Number((await holder.waitFor(/^ready \d+$/)).split(' ')[1]);
    expect(pid).toBe(holder.proc.pid);
    await expect(CheckpointManager.open(dir, { gitCwd: '/' })).rejects.toMatchObject({
      code: 'E_LOCKED',
      message: expect.stringContaining(`locked by pid ${pid} on ${hostname()}`),
      details: expect.objectContaining({ pid, host: hostname() }),
    });
    expect(await listCheckpoints(dir)).toEqual([]); // reading a locked run needs no lock
    holder.proc.stdin?.end();
    expect((await holder.exited).code).toBe(0);
    const m = await CheckpointManager.open(dir, { gitCwd: '/' });
    await m.close();
  });

  it('a stale lock of a SIGKILLed process is taken over, with a warning naming it', async () => {
    const dir = tmp('ckpt-lock');
    const holder = startChild(child.script, ['hold', dir]);
    const pid = Number((await holder.waitFor(/^ready \d+$/)).split(' ')[1]);
    holder.proc.kill('SIGKILL');
    await holder.exited;
    const w = warnings();
    const m = await CheckpointManager.open(dir, { gitCwd: '/', onWarning: w.onWarning });
    expect(w.list).toEqual([expect.stringContaining(`took over the stale lock of dead pid ${pid}`)]);
    await expect(CheckpointManager.open(dir, { gitCwd: '/' })).rejects.toMatchObject({ code: 'E_LOCKED', details: expect.objectContaining({ pid: process.pid }) });
    await m.close();
  });

  it('two processes racing for one stale lock: exactly one wins', async () => {
    const store = new MemoryStore();
    await store.put('ckpt.lock', new TextEncoder().encode(JSON.stringify({ pid: 999_999_999, host: hostname(), started: 'x', token: 'dead' })));
    const results = await Promise.allSettled([1, 2, 3].map(() => acquireRunLock(store, { isAlive: (p) => p === process.pid, settleMs: 20 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'E_LOCKED' });
  });

  it('treats an unreadable lock as stale and a lock from another host as live', async () => {
    const dir = tmp('ckpt-lock');
    writeFileSync(join(dir, 'ckpt.lock'), 'garbage');
    const lock = await acquireRunLock(new FsStore(dir));
    await lock.release();
    writeFileSync(join(dir, 'ckpt.lock'), JSON.stringify({ pid: 1, host: 'other-host', started: '2026-01-01T00:00:00Z', token: 't' }));
    await expect(acquireRunLock(new FsStore(dir))).rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining('on other-host') });
  });
});
