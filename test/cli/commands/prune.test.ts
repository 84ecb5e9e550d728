import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointManager } from '../../../src/checkpoint/manager.js';
import { errorOutputSchema, pruneOutputSchema } from '../../../src/cli/json-schemas.js';
import { oneLineError } from '../../helpers/cli.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, flipByte, makeRun } from './run-fixture.js';

const folders = (run: string): string[] => readdirSync(join(run, 'checkpoints')).sort();

describe('ckpt prune', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await ckpt(tempDir(), 'prune', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt prune [options] <run>

      delete the checkpoints retention rules do not keep; never the best, the latest
      or the resumed-from

      Arguments:
        run                 a run directory

      Options:
        --keep-top <k>      keep the K best by --monitor
        --keep-last <n>     keep the N latest
        --dry-run           show the plan, delete nothing
        --monitor <metric>  metric that ranks checkpoints for --keep-top and marks the
                            best (default: the one the run recorded, else the run's
                            only metric)
        --mode <mode>       min when smaller is better, max when larger is (default:
                            from the metric name) (choices: "min", "max")
        -h, --help          display help for command

      Global Options:
        -V, --version       print the version
        --json              print machine-readable JSON on stdout

      Examples:
        $ ckpt prune runs/exp1 --keep-top 3 --monitor val_acc --dry-run
            show what keeping the 3 best by val_acc would delete
        $ ckpt prune runs/exp1 --keep-top 3 --keep-last 2 --monitor val_loss
            keep the 3 lowest val_loss and the 2 latest; delete the rest
        $ ckpt prune runs/exp1 --keep-last 1 --json
            keep the latest (and the best by each metric); the plan as JSON

      "
    `);
  });

  it('--dry-run shows the plan with the rule that keeps each survivor and deletes nothing', async () => {
    const dir = tempDir();
    const run = join(dir, 'run');
    const names = await makeRun(run);
    const before = folders(run);
    const { code, out, err } = await ckpt(dir, 'prune', 'run', '--keep-top', '2', '--monitor', 'val_acc', '--dry-run');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe([
      `remove  ${names[0]}`,
      `remove  ${names[1]}`,
      `keep    ${names[2]}  best, top 1/2 by val_acc=0.9`,
      `keep    ${names[3]}  top 2/2 by val_acc=0.8`,
      `keep    ${names[4]}  latest`,
      '',
      'dry run: would remove 2 of 5 checkpoints; nothing was deleted',
      '',
    ].join('\n'));
    expect(folders(run)).toEqual(before);
    const doc = pruneOutputSchema.parse(JSON.parse((await ckpt(dir, 'prune', 'run', '--keep-top', '2', '--monitor', 'val_acc', '--dry-run', '--json')).out));
    expect(doc).toMatchObject({ dryRun: true, policies: ['top 2 by val_acc (max)'], remove: [names[0], names[1]], removed: [] });
    expect(folders(run)).toEqual(before);
  });

  it('removes exactly the planned checkpoints and keeps the best and the latest', async () => {
    const dir = tempDir();
    const run = join(dir, 'run');
    const names = await makeRun(run);
    const { code, out } = await ckpt(dir, 'prune', 'run', '--keep-top', '0', '--keep-last', '0', '--monitor', 'val_loss', '--json');
    expect(code).toBe(0);
    const doc = pruneOutputSchema.parse(JSON.parse(out));
    expect(doc.keep).toEqual([{ name: names[3], reasons: ['best'] }, { name: names[4], reasons: ['latest'] }]);
    expect(doc.remove).toEqual([names[0], names[1], names[2]]);
    expect(doc.removed).toEqual(doc.remove);
    expect(folders(run)).toEqual([names[3], names[4]]);
    expect(existsSync(join(run, 'ckpt.lock'))).toBe(false);
    const reopened = await CheckpointManager.open(run, { gitCwd: '/', onWarning: () => undefined });
    expect(reopened.list().map((c) => c.name)).toEqual([names[3], names[4]]);
    await reopened.close();
  });

  it('keeps the last N and, without --monitor, the best by every metric', async () => {
    const dir = tempDir();
    const run = join(dir, 'run');
    const names = await makeRun(run);
    const { code, out, err } = await ckpt(dir, 'prune', 'run', '--keep-last', '1', '--json');
    expect(code).toBe(0);
    expect(err).toBe('ckpt: note: no --monitor: keeping the best checkpoint by each metric (val_acc, val_loss)\n');
    const doc = pruneOutputSchema.parse(JSON.parse(out));
    expect(doc.keep).toEqual([
      { name: names[2], reasons: ['best val_acc (max)'] },
      { name: names[3], reasons: ['best val_loss (min)'] },
      { name: names[4], reasons: ['latest', 'last 1/1'] },
    ]);
    expect(folders(run)).toEqual([names[2], names[3], names[4]]);
  });

  it('refuses with E_LOCKED while a manager holds the run, deleting nothing', async () => {
    const dir = tempDir();
    const run = join(dir, 'run');
    await makeRun(run);
    const before = folders(run);
    const manager = await CheckpointManager.open(run, { gitCwd: '/', onWarning: () => undefined });
    try {
      const r = await ckpt(dir, 'prune', 'run', '--keep-last', '1');
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(oneLineError('E_LOCKED'));
      expect(r.err).toContain(`locked by pid ${process.pid}`);
      expect(folders(run)).toEqual(before);
      const dry = await ckpt(dir, 'prune', 'run', '--keep-last', '1', '--dry-run');
      expect(dry.code).toBe(0);
    } finally {
      await manager.close();
    }
    expect((await ckpt(dir, 'prune', 'run', '--keep-last', '1')).code).toBe(0);
  });

  it('leaves a folder with a corrupt manifest alone and reports it', async () => {
    const dir = tempDir();
    const run = join(dir, 'run');
    const names = await makeRun(run);
    flipByte(join(run, 'checkpoints', names[0] ?? '', 'manifest.json'), 0);
    const { code, out } = await ckpt(dir, 'prune', 'run', '--keep-last', '1', '--monitor', 'val_acc', '--json');
    expect(code).toBe(0);
    const doc = pruneOutputSchema.parse(JSON.parse(out));
    expect(doc.incomplete.map((i) => i.name)).toEqual([names[0]]);
    expect(doc.removed).toEqual([names[1], names[3]]);
    expect(folders(run)).toEqual([names[0], names[2], names[4]]);
  });

  it('needs a rule (exit 2), and a metric for --keep-top (exit 2)', async () => {
    const dir = tempDir();
    await makeRun(join(dir, 'run'));
    const none = await ckpt(dir, 'prune', 'run');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(oneLineError('E_USAGE'));
    const top = await ckpt(dir, 'prune', 'run', '--keep-top', '2', '--json');
    expect(top.code).toBe(2);
    expect(errorOutputSchema.parse(JSON.parse(top.out)).error.message).toContain('--keep-top needs --monitor');
    const bad = await ckpt(dir, 'prune', 'run', '--keep-last', 'two');
    expect(bad.code).toBe(2);
    expect(folders(join(dir, 'run'))).toHaveLength(5);
  });

  it('gives one coded line on a missing path, a file and a checkpoint dir', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const cases: [string, string][] = [
      ['missing', 'E_NOT_FOUND'],
      ['notes.txt', 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[0] ?? '', 'model.safetensors'), 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[0] ?? ''), 'E_WRONG_KIND'],
    ];
    for (const [path, code] of cases) {
      const r = await ckpt(dir, 'prune', path, '--keep-last', '1');
      expect(r.code, path).toBe(1);
      expect(r.err, path).toMatch(oneLineError(code));
    }
    expect(folders(join(dir, 'run'))).toHaveLength(5);
  });
});
