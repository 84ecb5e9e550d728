import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../src/checkpoint/manager.js';
import { ensureRunInfo, gitInfo, readRunInfo } from '../../src/checkpoint/run-info.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { useTempDirs } from '../helpers/tmp.js';

const tmp = useTempDirs();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

describe('run.json provenance', () => {
  it('records commit, branch and dirty flag of a git repository', async () => {
    const repo = tmp('ckpt-git');
    git(repo, 'init', '-q', '-b', 'train-branch');
    writeFileSync(join(repo, 'train.py'), 'print(1)\n');
    git(repo, 'add', 'train.py');
    git(repo, 'commit', '-q', '-m', 'first');
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await gitInfo(repo)).toEqual({ commit: head, branch: 'train-branch', dirty: false });
    writeFileSync(join(repo, 'train.py'), 'print(2)\n');
    expect(await gitInfo(repo)).toEqual({ commit: head, branch: 'train-branch', dirty: true });
    git(repo, 'checkout', '-q', '--detach');
    expect((await gitInfo(repo))?.branch).toBeNull();
  });

  it('works outside git, and is written once per run', async () => {
    const outside = tmp('ckpt-nogit');
    expect(await gitInfo(outside)).toBeNull();
    const store = new MemoryStore();
    const first = await ensureRunInfo(store, { cwd: outside, hparams: { lr: 0.1 }, now: () => Date.UTC(2026, 0, 2) });
    expect(first).toMatchObject({
      format: 'ckpt.run', version: 1, created: '2026-01-02T00:00:00.000Z', hparams: { lr: 0.1 }, git: null,
      host: { name: hostname() }, versions: { node: process.version, ckpt: expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    const second = await ensureRunInfo(store, { cwd: outside, hparams: { lr: 0.2 } });
    expect(second).toEqual(first);
  });
});

describe('run.json records how the run judges "best"', () => {
  const readRun = async (store: MemoryStore): Promise<Record<string, unknown>> => JSON.parse(new TextDecoder().decode(await store.get('run.json'))) as Record<string, unknown>;
  const base = { async: false, gitCwd: '/', filename: '{step}' } as const;

  it('writes monitor, mode and the policy names; rewrites them (with a warning) when a later open monitors otherwise', async () => {
    const store = new MemoryStore();
    const w: string[] = [];
    const m = await CheckpointManager.open('run', { ...base, store, monitor: 'val_acc', saveTopK: 2, keepLast: 1, everyNEpochs: 2, onWarning: (s) => void w.push(s) });
    await m.close();
    expect((await readRun(store)).checkpointing).toEqual({
      monitor: 'val_acc', mode: 'max', savePolicies: ['every 2 epochs', 'on interrupt, exception, force'], retentionPolicies: ['top 2 by val_acc (max)', 'last 1'],
    });
    expect(m.runInfo.checkpointing?.monitor).toBe('val_acc');
    const id = (await readRun(store)).id;

    // an open without a monitor judges nothing: the record stays
    await (await CheckpointManager.open('run', { ...base, store, onWarning: (s) => void w.push(s) })).close();
    expect((await readRun(store)).checkpointing).toMatchObject({ monitor: 'val_acc', mode: 'max' });
    expect(w).toEqual([]);

    // another monitor replaces it, and says so
    const again = await CheckpointManager.open('run', { ...base, store, monitor: 'val_loss', onWarning: (s) => void w.push(s) });
    await again.close();
    expect((await readRun(store)).checkpointing).toEqual({ monitor: 'val_loss', mode: 'min', savePolicies: ['every call', 'on interrupt, exception, force'], retentionPolicies: [] });
    expect((await readRun(store)).id).toBe(id);
    expect(w).toEqual(['this run judged checkpoints by val_acc (max); from now on by val_loss (min), as recorded in run.json']);
  });

  it('loads an old run.json without the new fields, and drops malformed ones instead of trusting them', async () => {
    const store = new MemoryStore();
    const first = await ensureRunInfo(store, { cwd: '/' });
    expect(first.checkpointing).toBeUndefined();
    const m = await CheckpointManager.open('run', { ...base, store });
    expect(m.runInfo).toEqual(first);
    expect(m.resumedFrom).toBeUndefined();
    await m.close();
    await store.put('run.json', new TextEncoder().encode(JSON.stringify({ ...first, checkpointing: { monitor: 3, mode: 'max' }, resumedFrom: 7 })));
    expect(await readRunInfo(store)).toEqual(first);
    await store.put('run.json', new TextEncoder().encode(JSON.stringify({ ...first, checkpointing: { monitor: 'f1', mode: 'max' }, resumedFrom: 'x' })));
    expect(await readRunInfo(store)).toEqual({ ...first, checkpointing: { monitor: 'f1', mode: 'max', savePolicies: [], retentionPolicies: [] }, resumedFrom: 'x' });
  });
});
