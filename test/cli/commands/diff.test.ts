import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffOutputSchema, errorOutputSchema } from '../../../src/cli/json-schemas.js';
import { countNotClose } from '../../../src/cli/tolerance.js';
import { writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { oneLineError } from '../../helpers/cli.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt, flipByte, makeRun } from './run-fixture.js';

const f32 = (shape: number[], values: number[]) => Tensor.from('F32', shape, values);

async function file(dir: string, name: string, tensors: [string, Tensor][]): Promise<string> {
  await writeSafetensorsFile(join(dir, name), new Map(tensors));
  return name;
}

describe('ckpt diff', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await ckpt(tempDir(), 'diff', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt diff [options] <a> <b>

      compare two checkpoints: missing/unexpected keys, shape and dtype mismatches,
      value differences

      Arguments:
        a              the reference: a checkpoint directory, or a checkpoint file
                       ckpt inspect reads
        b              the candidate, loaded where A was

      Options:
        --atol <x>     absolute tolerance: values must satisfy |a - b| <= atol + rtol
                       * |b| (default 0 with --rtol)
        --rtol <y>     relative tolerance (default 0 with --atol)
        -h, --help     display help for command

      Global Options:
        -V, --version  print the version
        --json         print machine-readable JSON on stdout

      Examples:
        $ ckpt diff runs/a/checkpoints/epoch=0009-step=900 runs/b/checkpoints/epoch=0009-step=900
            two checkpoints of two runs
        $ ckpt diff model.safetensors converted.safetensors --atol 1e-6
            fail (exit 1) unless every value is within 1e-6
        $ ckpt diff runs/a/checkpoints/epoch=0009-step=900 model.safetensors
            a checkpoint against an exported model file (its model tensors)

      "
    `);
  });

  it('finds a checkpoint identical to itself (exit 0)', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const a = join('run', 'checkpoints', names[1] ?? '');
    const { code, out } = await ckpt(dir, 'diff', a, a, '--json');
    expect(code).toBe(0);
    const doc = diffOutputSchema.parse(JSON.parse(out));
    expect(doc).toMatchObject({ compatible: true, identical: true, ok: true, withinTolerance: null, missing: [], unexpected: [] });
    expect(doc.tensors.map((t) => [t.name, t.status])).toEqual([['model.fc.weight', 'equal'], ['model.fc.bias', 'equal'], ['optimizer.exp_avg', 'equal']]);
    expect((await ckpt(dir, 'diff', a, a)).out).toContain('identical: B loads where A was, with the same values');
  });

  it('reports max abs/rel differences of two checkpoints; tolerance decides the exit status', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const [a, b] = [join('run', 'checkpoints', names[1] ?? ''), join('run', 'checkpoints', names[3] ?? '')];
    const plain = await ckpt(dir, 'diff', a, b, '--json');
    expect(plain.code).toBe(0);
    const doc = diffOutputSchema.parse(JSON.parse(plain.out));
    expect(doc).toMatchObject({ compatible: true, identical: false, ok: true });
    // fc.weight: last element 1 -> 3; fc.bias: 0.1 -> 0.3; exp_avg: [1, 1] -> [3, 3]
    const byName = Object.fromEntries(doc.tensors.map((t) => [t.name, t]));
    expect(byName['model.fc.weight']).toMatchObject({ status: 'values', maxAbsDiff: 2, differing: 1 });
    expect(byName['model.fc.weight']?.maxRelDiff).toBeCloseTo(2 / 3, 12);
    expect(byName['optimizer.exp_avg']).toMatchObject({ maxAbsDiff: 2, differing: 2 });
    const tight = await ckpt(dir, 'diff', a, b, '--atol', '1');
    expect(tight.code).toBe(1);
    expect(tight.out).toContain('compatible, but values differ beyond atol=1 rtol=0');
    const loose = await ckpt(dir, 'diff', a, b, '--atol', '2', '--json');
    expect(loose.code).toBe(0);
    expect(diffOutputSchema.parse(JSON.parse(loose.out))).toMatchObject({ withinTolerance: true, ok: true, atol: 2, rtol: 0 });
    const rel = await ckpt(dir, 'diff', a, b, '--rtol', '0.7', '--json');
    expect(diffOutputSchema.parse(JSON.parse(rel.out))).toMatchObject({ withinTolerance: true, atol: 0, rtol: 0.7 });
  });

  it('reports missing and unexpected keys and shape and dtype mismatches of two files (exit 1)', async () => {
    const dir = tempDir();
    const a = await file(dir, 'a.safetensors', [['w', f32([2, 2], [1, 2, 3, 4])], ['b', f32([2], [0, 0])], ['old', f32([1], [1])], ['n', f32([1], [1])]]);
    const b = await file(dir, 'b.safetensors', [['w', f32([4], [1, 2, 3, 4])], ['b', Tensor.from('F64', [2], [0, 0])], ['new', f32([1], [1])], ['n', f32([1], [1])]]);
    const { code, out } = await ckpt(dir, 'diff', a, b, '--json');
    expect(code).toBe(1);
    const doc = diffOutputSchema.parse(JSON.parse(out));
    expect(doc).toMatchObject({ a: { kind: 'safetensors', tensorCount: 4 }, compatible: false, ok: false, missing: ['old'], unexpected: ['new'] });
    expect(Object.fromEntries(doc.tensors.map((t) => [t.name, t.status]))).toEqual({ w: 'shape', b: 'dtype', n: 'equal' });
    expect(doc.tensors.find((t) => t.name === 'w')).toMatchObject({ shapeA: [2, 2], shapeB: [4], maxAbsDiff: null });
    const human = await ckpt(dir, 'diff', a, b);
    expect(human.code).toBe(1);
    expect(human.out).toContain('missing in B (1): old');
    expect(human.out).toContain('unexpected in B (1): new');
    expect(human.out).toMatch(/w +shape mismatch +F32 +\[2, 2\] -> \[4\]/);
    expect(human.out).toMatch(/b +dtype mismatch +F32 -> F64/);
    expect(human.out).toContain('B cannot be loaded where A was');
  });

  it('compares a checkpoint directory with a model file by the model tensors', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const ckptDir = join('run', 'checkpoints', names[2] ?? '');
    const model = join(ckptDir, 'model.safetensors');
    for (const [a, b] of [[ckptDir, model], [model, ckptDir]] as const) {
      const r = await ckpt(dir, 'diff', a, b, '--json');
      expect(r.code).toBe(0);
      const doc = diffOutputSchema.parse(JSON.parse(r.out));
      expect(doc).toMatchObject({ identical: true, missing: [], unexpected: [] });
      expect(doc.tensors.map((t) => t.name).sort()).toEqual(['fc.bias', 'fc.weight']);
      expect(r.err).toContain('comparing the model tensors of');
    }
  });

  it('reads PyTorch files through the format dispatch; a whole .pth checkpoint against a state_dict by its model tensors', async () => {
    const dir = tempDir();
    const sd = fileURLToPath(new URL('../../fixtures/torch-1.13/sd.pt', import.meta.url));
    const whole = fileURLToPath(new URL('../../fixtures/torch-1.13/ckpt.pt', import.meta.url));
    const same = await ckpt(dir, 'diff', sd, sd, '--json');
    expect(same.code).toBe(0);
    expect(diffOutputSchema.parse(JSON.parse(same.out))).toMatchObject({ a: { kind: 'pytorch', tensorCount: 7 }, identical: true });
    const r = await ckpt(dir, 'diff', sd, whole, '--json');
    expect(r.code).toBe(0);
    const doc = diffOutputSchema.parse(JSON.parse(r.out));
    expect(doc).toMatchObject({ b: { kind: 'pytorch', tensorCount: 7 }, compatible: true, missing: [], unexpected: [] });
    expect(doc.tensors.map((t) => t.name)).toContain('1.num_batches_tracked');
    expect(r.err).toContain(`comparing the model tensors of ${whole}`);
  });

  it('treats NaN as equal to NaN and counts NaN against a number as not close', () => {
    const a = f32([4], [NaN, 1, 100, 0]);
    expect(countNotClose(a, f32([4], [NaN, 1, 100, 0]), 0, 0)).toBe(0);
    expect(countNotClose(a, f32([4], [1, 1, 101, 0]), 0, 0.01)).toBe(1);
    expect(countNotClose(a, f32([4], [NaN, 1.5, 101, 1e-9]), 0.5, 0.01)).toBe(0);
    expect(countNotClose(a, f32([4], [NaN, 1.5, 101, 1e-9]), 0.1, 0)).toBe(2);
  });

  it('fails with E_CORRUPT on a checkpoint with a flipped byte', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    flipByte(join(dir, 'run', 'checkpoints', names[2] ?? '', 'model.safetensors'), -1);
    const r = await ckpt(dir, 'diff', join('run', 'checkpoints', names[1] ?? ''), join('run', 'checkpoints', names[2] ?? ''));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(oneLineError('E_CORRUPT'));
    expect(r.err).toContain('model.safetensors has CRC32C');
  });

  it('gives one coded line on a missing path, a text file, a run, a broken safetensors file', async () => {
    const dir = tempDir();
    const names = await makeRun(join(dir, 'run'));
    const good = join('run', 'checkpoints', names[0] ?? '');
    writeFileSync(join(dir, 'notes.txt'), 'hello, not a checkpoint\n');
    const broken = await file(dir, 'broken.safetensors', [['w', f32([2], [1, 2])]]);
    flipByte(join(dir, broken), 0); // the header length is now off by one: the JSON is cut or has a stray byte
    const cases: [string, string][] = [
      ['missing', 'E_NOT_FOUND'],
      ['notes.txt', 'E_WRONG_KIND'],
      ['run', 'E_WRONG_KIND'],
      [broken, 'E_INVALID_HEADER'],
    ];
    for (const [path, code] of cases) {
      const r = await ckpt(dir, 'diff', good, path);
      expect(r.code, path).toBe(1);
      expect(r.out, path).toBe('');
      expect(r.err, path).toMatch(oneLineError(code));
      const j = await ckpt(dir, 'diff', path, good, '--json');
      expect(errorOutputSchema.parse(JSON.parse(j.out)).error.code, path).toBe(code);
    }
    const neg = await ckpt(dir, 'diff', good, good, '--atol', '-1');
    expect(neg.code).toBe(2);
  });
});
