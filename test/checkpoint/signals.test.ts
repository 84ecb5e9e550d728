import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/checkpoint/catalog.js';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import type { FinalState, SignalProcess } from '../../src/checkpoint/signals.js';
import { FsStore } from '../../src/storage/fs-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { useTempDirs } from '../helpers/tmp.js';
import { warnings } from './fixtures.js';
import { bundleChild, startChild } from './processes.js';

class FakeProcess implements SignalProcess {
  readonly listeners = new Map<string, (() => void)[]>();
  readonly exits: number[] = [];
  private exited: (code: number) => void = () => undefined;
  readonly firstExit = new Promise<number>((r) => (this.exited = r));
  on(event: string, fn: () => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  removeListener(event: string, fn: () => void): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
    return this;
  }
  exit(code: number): void {
    this.exits.push(code);
    this.exited(code);
  }
  emit(event: 'SIGINT' | 'SIGTERM'): void {
    for (const fn of this.listeners.get(event) ?? []) fn();
  }
}

const tmp = useTempDirs();
const final = (step: number): FinalState => ({ epoch: 1, step, state: { model: { w: Tensor.from('F32', [2], [step, step]) } } });

describe('handleSignals (injected process)', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig}: finishes the save in flight, saves a final 'interrupt' checkpoint, closes, exits ${code}`, async () => {
      const store = new MemoryStore();
      const w = warnings();
      const m = await CheckpointManager.open('run', { store, filename: '{step}', onWarning: w.onWarning, gitCwd: '/' });
      const proc = new FakeProcess();
      m.handleSignals({ finalState: () => final(7), process: proc });
      await m.save({ epoch: 1, step: 5, state: final(5).state }); // still being written when the signal comes
      proc.emit(sig);
      expect(await proc.firstExit).toBe(code);
      const { checkpoints } = await readCatalog(store);
      expect(checkpoints.map((c) => [c.name, c.manifest.trigger])).toEqual([['step=5', undefined], ['step=7', 'interrupt']]);
      expect(proc.listeners.get(sig)).toEqual([]);
      expect(w.list[0]).toContain(`${sig}: finishing the save in flight`);
      const again = await CheckpointManager.open('run', { store, gitCwd: '/' }); // the lock was released
      await again.close();
    });
  }

  it('a second signal exits at once', async () => {
    const m = await CheckpointManager.open('run', { store: new MemoryStore(), onWarning: () => undefined, gitCwd: '/' });
    const proc = new FakeProcess();
    let provide: (s: FinalState) => void = () => undefined;
    m.handleSignals({ finalState: () => new Promise<FinalState>((r) => (provide = r)), process: proc });
    proc.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 10));
    expect(proc.exits).toEqual([]);
    proc.emit('SIGINT');
    expect(proc.exits).toEqual([130]);
    provide(final(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(proc.exits).toEqual([130, 130]);
  });

  it('close() removes the handlers', async () => {
    const m = await CheckpointManager.open('run', { store: new MemoryStore(), gitCwd: '/' });
    const proc = new FakeProcess();
    m.handleSignals({ finalState: () => undefined, process: proc });
    expect(proc.listeners.get('SIGINT')).toHaveLength(1);
    await m.close();
    expect(proc.listeners.get('SIGINT')).toEqual([]);
    expect(proc.listeners.get('SIGTERM')).toEqual([]);
  });
});

describe('handleSignals (real process)', () => {
  let child: { script: string; cleanup: () => void };
  beforeAll(async () => void (child = await bundleChild()));
  afterAll(() => child.cleanup());

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} -> final checkpoint committed, exit code ${code}`, async () => {
      const dir = tmp('ckpt-signal');
      const c = startChild(child.script, ['signal', dir]);
      await c.waitFor(/^ready$/);
      c.proc.kill(sig);
      expect((await c.exited).code).toBe(code);
      const { checkpoints } = await readCatalog(new FsStore(dir));
      const last = checkpoints.at(-1);
      expect(last?.manifest.trigger).toBe('interrupt');
      expect(c.stderr()).toContain(`${sig}: finishing the save in flight`);
    }, 30_000);
  }
});
