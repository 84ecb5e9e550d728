import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestOutputSchema, errorOutputSchema } from '../../../src/cli/json-schemas.js';
import { oneLineError } from '../../helpers/cli.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, flipByte, makeRun } from './run-fixture.js';


describe('ckpt best', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await ckpt(tempDir(), 'best', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt best [options] <run>

      print the path of the best checkpoint of a run by a metric

      Arguments:
        run                 a run directory

      Options:
        --no-verify         do not check the checkpoint files against the manifest
                            (faster on huge checkpoints)
        --monitor <metric>  metric that ranks the checkpoints (default: the one the
                            run recorded, else the run's only metric)
        --mode <mode>       min when smaller is better, max when larger is (default:
                            from the metric name) (choices: "min", "max")
        -h, --help          display help for command

      Global Options:
        -V, --version       print the version
        --json              print machine-readable JSON on stdout

      Examples:
        $ ckpt best runs/exp1
            the best checkpoint by the metric the run was trained with (run.json)
        $ ckpt best runs/exp1 --monitor val_acc
            the checkpoint with the highest val_acc (max: inferred from the name)
        $ ckpt best runs/exp1 --monitor val_loss --mode min
            the checkpoint with the lowest val_loss
        $ ckpt inspect "$(ckpt best runs/exp1 --monitor val_acc)/model.safetensors"
            use the path in a script

      "
    `);
  });

  it('prints only the path of the best checkpoint, mode inferred from the metric name', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const acc = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc');
    expect(acc).toEqual({ code: 0, out: `${join('run', 'checkpoints', names[2] ?? '')}\n`, err: '' });
    const loss = await ckpt(dir, 'best', 'run', '--monitor', 'val_loss');
    expect(loss.out).toBe(`${join('run', 'checkpoints', names[3] ?? '')}\n`);
    const worstAcc = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc', '--mode', 'min');
    expect(worstAcc.out).toBe(`${join('run', 'checkpoints', names[0] ?? '')}\n`);
  });

  it('--json gives the path, the metric and its value', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const { code, out } = await ckpt(dir, 'best', 'run', '--monitor', 'val_loss', '--json');
    expect(code).toBe(0);
    expect(bestOutputSchema.parse(JSON.parse(out))).toEqual({
      run: 'run', path: join('run', 'checkpoints', names[3] ?? ''), name: names[3], epoch: 3, step: 40,
      monitor: { name: 'val_loss', mode: 'min', source: 'option' }, value: 0.3, verified: true, skipped: [],
    });
  });

  it('uses the only metric of a run without --monitor; asks for --monitor (exit 2) when there are several', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'single'), [{ val_f1: 0.2 }, { val_f1: 0.8 }, { val_f1: 0.5 }]);
    expect((await ckpt(dir, 'best', 'single')).out).toBe(`${join('single', 'checkpoints', names[1] ?? '')}\n`);
    await makeRun(join(dir, 'run'));
    const r = await ckpt(dir, 'best', 'run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(oneLineError('E_USAGE'));
    expect(r.err).toContain('pass --monitor (its metrics: val_acc, val_loss)');
  });

  it('ignores NaN and E_NOT_FOUND when no checkpoint has the metric', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'), [{ loss: NaN }, { loss: 2 }, { loss: NaN }]);
    expect((await ckpt(dir, 'best', 'run')).out).toBe(`${join('run', 'checkpoints', names[1] ?? '')}\n`);
    const r = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(oneLineError('E_NOT_FOUND'));
    expect(r.err).toContain('its metrics: loss');
    const j = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc', '--json');
    expect(errorOutputSchema.parse(JSON.parse(j.out)).error.code).toBe('E_NOT_FOUND');
  });

  it('passes over a corrupt best for the next best with a warning; --no-verify does not look', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    flipByte(join(dir, 'run', 'checkpoints', names[2] ?? '', 'model.safetensors'), -1);
    const r = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc', '--json');
    expect(r.code).toBe(0);
    const doc = bestOutputSchema.parse(JSON.parse(r.out));
    expect(doc.name).toBe(names[3]);
    expect(doc.skipped).toEqual([{ name: names[2], reason: expect.stringContaining('model.safetensors has CRC32C') }]);
    expect(r.err).toMatch(new RegExp(`^ckpt: warning: passing over ${names[2]}: [^\\n]+\\n$`));
    const fast = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc', '--no-verify');
    expect(fast.out).toBe(`${join('run', 'checkpoints', names[2] ?? '')}\n`);
  });

  it('fails with E_CORRUPT when every candidate is corrupt', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'), [{ loss: 1 }, { loss: 2 }]);
    for (const n of names) flipByte(join(dir, 'run', 'checkpoints', n, 'state.json'), 3);
    const r = await ckpt(dir, 'best', 'run');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n').filter((l) => l.startsWith('ckpt: error'))).toHaveLength(1);
    expect(r.err).toMatch(/\nckpt: error E_CORRUPT: every checkpoint of run with loss failed verification[^\n]*\n$/);
  });

  it('gives one coded line on a missing path, a file, a checkpoint dir and a run without checkpoints', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    mkdirSync(join(dir, 'empty', 'checkpoints'), { recursive: true });
    const cases: [string, string][] = [
      ['missing', 'E_NOT_FOUND'],
      ['notes.txt', 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[0] ?? ''), 'E_WRONG_KIND'],
      ['empty', 'E_NOT_FOUND'],
    ];
    for (const [path, code] of cases) {
      const r = await ckpt(dir, 'best', path, '--monitor', 'val_acc');
      expect(r.code, path).toBe(1);
      expect(r.out, path).toBe('');
      expect(r.err, path).toMatch(oneLineError(code));
    }
  });

  it('rejects a mode other than min or max with exit 2', async () => {
    const dir = tempDir();
    await makeRun(join(dir, 'run'));
    const r = await ckpt(dir, 'best', 'run', '--monitor', 'val_acc', '--mode', 'up');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Allowed choices are min, max');
  });
});
