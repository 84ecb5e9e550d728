import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRunInfo, gitInfo } from '../../src/checkpoint/run-info.js';
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
