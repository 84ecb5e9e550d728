import { cpSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliContext } from '../../../src/cli/context.js';
import { captureIO } from '../../../src/cli/io.js';
import { errorOutputSchema, verifyOutputSchema } from '../../../src/cli/json-schemas.js';
import { byteProgress, MIN_PROGRESS_BYTES, NO_PROGRESS } from '../../../src/cli/progress.js';
import { oneLineError } from '../../helpers/cli.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, flipByte, makeRun } from './run-fixture.js';


describe('ckpt verify', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await ckpt(tempDir(), 'verify', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt verify [options] <path>

      check the manifests and checksums of a run or a checkpoint; exit 1 if anything
      is bad

      Arguments:
        path           a run directory, or one checkpoint directory

      Options:
        -h, --help     display help for command

      Global Options:
        -V, --version  print the version
        --json         print machine-readable JSON on stdout

      Examples:
        $ ckpt verify runs/exp1
            check every checkpoint of the run (sizes and CRC32C of every file)
        $ ckpt verify runs/exp1/checkpoints/epoch=0007-step=700
            check one checkpoint
        $ ckpt verify runs/exp1 --json | jq ".checkpoints[] | select(.ok | not) | .name"
            names of the bad checkpoints

      "
    `);
  });

  it('passes a healthy run: exit 0, every checkpoint ok, every byte read', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const { code, out, err } = await ckpt(dir, 'verify', 'run', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const doc = verifyOutputSchema.parse(JSON.parse(out));
    expect(doc).toMatchObject({ path: 'run', kind: 'run', ok: true, checked: 5, bad: 0 });
    expect(doc.checkpoints.map((c) => c.name)).toEqual(names);
    expect(doc.bytes).toBeGreaterThan(5 * 600);
    const human = await ckpt(dir, 'verify', 'run');
    expect(human.out).toContain(`ok   ${names[0]}\n`);
    expect(human.out).toContain('5 of 5 checkpoints ok');
  });

  it('names the flipped file and its checksums, exits 1 with one coded line on stderr', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    flipByte(join(dir, 'run', 'checkpoints', names[1] ?? '', 'model.safetensors'), -2);
    const { code, out, err } = await ckpt(dir, 'verify', 'run');
    expect(code).toBe(1);
    expect(err).toMatch(oneLineError('E_CORRUPT'));
    expect(err).toContain('1 of 5 checkpoints in run failed verification');
    expect(out).toMatch(new RegExp(`BAD  ${names[1]}\\n +checksum: ${names[1]}/model.safetensors has CRC32C [0-9a-f]{8}, the manifest says [0-9a-f]{8}`));
    expect(out).toContain('4 of 5 checkpoints ok');
    const doc = verifyOutputSchema.parse(JSON.parse((await ckpt(dir, 'verify', 'run', '--json')).out));
    expect(doc.ok).toBe(false);
    expect(doc.checkpoints.filter((c) => !c.ok).map((c) => [c.name, c.problems.map((p) => [p.file, p.kind])])).toEqual([[names[1], [['model.safetensors', 'checksum']]]]);
  });

  it('reports a truncated file, a missing file, a corrupt manifest and warns about extra files', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const folder = (i: number) => join(dir, 'run', 'checkpoints', names[i] ?? '');
    truncateSync(join(folder(0), 'state.json'), 3);
    rmSync(join(folder(1), 'optimizer.safetensors'));
    flipByte(join(folder(2), 'manifest.json'), 0);
    writeFileSync(join(folder(3), 'notes.txt'), 'hi');
    const { code, out } = await ckpt(dir, 'verify', 'run', '--json');
    expect(code).toBe(1);
    const doc = verifyOutputSchema.parse(JSON.parse(out));
    const kinds = Object.fromEntries(doc.checkpoints.map((c) => [c.name, c.problems.map((p) => `${p.file}:${p.kind}`)]));
    expect(kinds).toEqual({
      [names[0] ?? '']: ['state.json:size'],
      [names[1] ?? '']: ['optimizer.safetensors:missing'],
      [names[2] ?? '']: ['manifest.json:manifest'],
      [names[3] ?? '']: ['notes.txt:extra'],
      [names[4] ?? '']: [],
    });
    expect(doc.checkpoints.map((c) => c.ok)).toEqual([false, false, false, true, true]);
    expect(doc.bad).toBe(3);
    const human = await ckpt(dir, 'verify', 'run');
    expect(human.out).toMatch(/warning: .*notes\.txt is not listed in the manifest/);
  });

  it('verifies one checkpoint directory, inside a run or copied elsewhere', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const one = join('run', 'checkpoints', names[2] ?? '');
    const ok = await ckpt(dir, 'verify', one, '--json');
    expect(ok.code).toBe(0);
    expect(verifyOutputSchema.parse(JSON.parse(ok.out))).toMatchObject({ kind: 'checkpoint', checked: 1, ok: true, checkpoints: [{ name: names[2], ok: true, problems: [] }] });
    cpSync(join(dir, one), join(dir, 'copy', 'best'), { recursive: true });
    const copied = await ckpt(dir, 'verify', join('copy', 'best'), '--json');
    expect(copied.code).toBe(0);
    expect(verifyOutputSchema.parse(JSON.parse(copied.out))).toMatchObject({ kind: 'checkpoint', ok: true, checkpoints: [{ name: 'best', ok: true, problems: [] }] });
    flipByte(join(dir, one, 'state.json'), 5);
    const bad = await ckpt(dir, 'verify', one);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('state.json has CRC32C');
    expect(bad.err).toMatch(oneLineError('E_CORRUPT'));
  });

  it('gives one coded line on a missing path, a file, a directory that is neither, and checkpoint files without a manifest', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const noManifest = join('run', 'checkpoints', names[0] ?? '');
    rmSync(join(dir, noManifest, 'manifest.json'));
    const cases: [string, string][] = [
      ['missing', 'E_NOT_FOUND'],
      ['notes.txt', 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[1] ?? '', 'model.safetensors'), 'E_WRONG_KIND'],
      [join('run', 'checkpoints'), 'E_WRONG_KIND'],
      [noManifest, 'E_INCOMPLETE'],
    ];
    for (const [path, code] of cases) {
      const r = await ckpt(dir, 'verify', path);
      expect(r.code, path).toBe(1);
      expect(r.out, path).toBe('');
      expect(r.err, path).toMatch(oneLineError(code));
      const j = await ckpt(dir, 'verify', path, '--json');
      expect(errorOutputSchema.parse(JSON.parse(j.out)).error.code).toBe(code);
    }
  });

  it('draws no progress bar when the output is not a terminal', () => {
    const ctx = new CliContext(captureIO({ isTTY: false }));
    expect(byteProgress(ctx, 'verify', MIN_PROGRESS_BYTES * 4)).toBe(NO_PROGRESS);
    expect(byteProgress(new CliContext(captureIO({ isTTY: true })), 'verify', 10)).toBe(NO_PROGRESS);
  });
});
