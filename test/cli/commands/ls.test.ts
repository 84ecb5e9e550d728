import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRun, renderLs } from '../../../src/cli/commands/ls.js';
import { errorOutputSchema, lsOutputSchema } from '../../../src/cli/json-schemas.js';
import { readCatalog } from '../../../src/checkpoint/catalog.js';
import { FsStore } from '../../../src/storage/fs-store.js';
import { oneLineError } from '../../helpers/cli.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, flipByte, makeRun, METRICS, T0 } from './run-fixture.js';


describe('ckpt ls', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await ckpt(tempDir(), 'ls', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt ls [options] <run>

      list the checkpoints of a run: epoch, step, metrics, size, age, best and latest

      Arguments:
        run                 a run directory (the one that holds checkpoints/)

      Options:
        --sort <metric>     sort best first by this metric (default: oldest first)
        --monitor <metric>  metric that marks the best checkpoint (default: the one
                            the run recorded, else the run's only metric)
        --mode <mode>       min when smaller is better, max when larger is (default:
                            from the metric name) (choices: "min", "max")
        -h, --help          display help for command

      Global Options:
        -V, --version       print the version
        --json              print machine-readable JSON on stdout

      Examples:
        $ ckpt ls runs/exp1
            every checkpoint of the run, oldest first
        $ ckpt ls runs/exp1 --sort val_acc
            best first by val_acc (higher is better: inferred from the name)
        $ ckpt ls runs/exp1 --monitor val_loss --mode min
            mark the checkpoint with the lowest val_loss as best
        $ ckpt ls runs/exp1 --json | jq -r ".checkpoints[].path"
            checkpoint paths for a script

      "
    `);
  });

  it('renders name, epoch, step, every metric, size, age and the marks (pure, fixed clock)', async () => {
    const dir = tempDir();
    await makeRun(join(dir, 'run'));
    const out = listRun(await readCatalog(new FsStore(join(dir, 'run'))), 'run', { monitor: 'val_acc' });
    expect(renderLs(out, T0 + 3_600_000)).toMatchInlineSnapshot(`
      "        name                epoch  step  val_acc  val_loss   size      age
              epoch=0000-step=10      0    10      0.5       0.9  644 B   1h ago
              epoch=0001-step=20      1    20      0.7       0.6  644 B  59m ago
      best    epoch=0002-step=30      2    30      0.9       0.4  644 B  58m ago
              epoch=0003-step=40      3    40      0.8       0.3  644 B  57m ago
      latest  epoch=0004-step=50      4    50      0.6       0.5  644 B  56m ago

      5 checkpoints; best by val_acc (max)"
    `);
  });

  it('--json lists every checkpoint, oldest first, with best by --monitor and latest', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const { code, out, err } = await ckpt(dir, 'ls', 'run', '--monitor', 'val_loss', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const doc = lsOutputSchema.parse(JSON.parse(out));
    expect(doc.checkpoints.map((c) => c.name)).toEqual(names);
    expect(doc.monitor).toEqual({ name: 'val_loss', mode: 'min', source: 'option' });
    expect(doc.checkpoints.filter((c) => c.best).map((c) => c.name)).toEqual([names[3]]);
    expect(doc.checkpoints.filter((c) => c.latest).map((c) => c.name)).toEqual([names[4]]);
    expect(doc.checkpoints[2]).toMatchObject({ epoch: 2, step: 30, metrics: METRICS[2], path: join('run', 'checkpoints', names[2] ?? ''), time: T0 + 120_000 });
    expect(doc.checkpoints.every((c) => c.bytes > 0)).toBe(true);
    expect(doc.incomplete).toEqual([]);
  });

  it('--sort METRIC orders best first (mode from the name) and marks the best by it', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const doc = lsOutputSchema.parse(JSON.parse((await ckpt(dir, 'ls', 'run', '--sort', 'val_acc', '--json')).out));
    expect(doc.checkpoints.map((c) => c.name)).toEqual([2, 3, 1, 4, 0].map((i) => names[i]));
    expect(doc.checkpoints[0]?.best).toBe(true);
    const asc = lsOutputSchema.parse(JSON.parse((await ckpt(dir, 'ls', 'run', '--sort', 'val_acc', '--mode', 'min', '--json')).out));
    expect(asc.checkpoints.map((c) => c.name)).toEqual([0, 4, 1, 3, 2].map((i) => names[i]));
  });

  it('marks the best without --monitor only when the run has a single metric', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'), [{ loss: 3 }, { loss: 1 }, { loss: 2 }]);
    const doc = lsOutputSchema.parse(JSON.parse((await ckpt(dir, 'ls', 'run', '--json')).out));
    expect(doc.monitor).toEqual({ name: 'loss', mode: 'min', source: 'only-metric' });
    expect(doc.checkpoints.find((c) => c.best)?.name).toBe(names[1]);
    await makeRun(join(dir, 'two'));
    const two = lsOutputSchema.parse(JSON.parse((await ckpt(dir, 'ls', 'two', '--json')).out));
    expect(two.monitor).toBeNull();
    expect(two.checkpoints.some((c) => c.best)).toBe(false);
    const human = await ckpt(dir, 'ls', 'two');
    expect(human.out).toContain('best: pass --monitor to mark it');
  });

  it('lists a folder with a corrupt manifest last, as incomplete with the reason, and exits 0', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    flipByte(join(dir, 'run', 'checkpoints', names[1] ?? '', 'manifest.json'), 0);
    const { code, out } = await ckpt(dir, 'ls', 'run', '--json');
    expect(code).toBe(0);
    const doc = lsOutputSchema.parse(JSON.parse(out));
    expect(doc.checkpoints.map((c) => c.name)).not.toContain(names[1]);
    expect(doc.incomplete).toEqual([{ name: names[1], reason: expect.stringContaining('not valid JSON') }]);
    const human = await ckpt(dir, 'ls', 'run');
    expect(human.out).toMatch(new RegExp(`incomplete .*:\\n  ${names[1]}: .*not valid JSON`));
  });

  it('writes non-finite metrics as strings in --json and shows them in the table', async () => {
    const dir = tempDir();
    await makeRun(join(dir, 'run'), [{ loss: NaN }, { loss: Infinity }, { loss: 0.25 }]);
    const doc = lsOutputSchema.parse(JSON.parse((await ckpt(dir, 'ls', 'run', '--json')).out));
    expect(doc.checkpoints.map((c) => c.metrics.loss)).toEqual(['NaN', 'Infinity', 0.25]);
    expect(doc.checkpoints.map((c) => c.best)).toEqual([false, false, true]);
    expect((await ckpt(dir, 'ls', 'run')).out).toMatch(/ NaN .*\n.* Infinity .*\n.* 0\.25 /);
  });

  it('says so for a run without checkpoints', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'run', 'checkpoints'), { recursive: true });
    const { code, out } = await ckpt(dir, 'ls', 'run');
    expect(code).toBe(0);
    expect(out).toBe('run: no checkpoints\n');
  });

  it('gives one coded line and exit 1 on a missing path, a text file, a safetensors file or a checkpoint dir', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const cases: [string, string][] = [
      ['missing', 'E_NOT_FOUND'],
      ['notes.txt', 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[0] ?? '', 'model.safetensors'), 'E_WRONG_KIND'],
      [join('run', 'checkpoints', names[0] ?? ''), 'E_WRONG_KIND'],
      [dir, 'E_WRONG_KIND'],
    ];
    for (const [path, code] of cases) {
      const r = await ckpt(dir, 'ls', path);
      expect(r.code, path).toBe(1);
      expect(r.out, path).toBe('');
      expect(r.err, path).toMatch(oneLineError(code));
    }
    const sf = await ckpt(dir, 'ls', join('run', 'checkpoints', names[0] ?? '', 'model.safetensors'));
    expect(sf.err).toContain('use ckpt inspect');
    expect((await ckpt(dir, 'ls', join('run', 'checkpoints'))).err).toContain('folder of a run: pass its parent');
    const json = await ckpt(dir, 'ls', 'missing', '--json');
    expect(errorOutputSchema.parse(JSON.parse(json.out)).error.code).toBe('E_NOT_FOUND');
  });

  it('rejects --sort by a metric no checkpoint has with exit 2, naming the metrics', async () => {
    const dir = tempDir();
    await makeRun(join(dir, 'run'));
    const r = await ckpt(dir, 'ls', 'run', '--sort', 'f1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(oneLineError('E_INVALID_ARGUMENT'));
    expect(r.err).toContain('available: val_acc, val_loss');
  });
});
