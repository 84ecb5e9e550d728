/**
 * `ckpt inspect` on every format: `.pth` (with its non-tensor state), checkpoint directories
 * (record, verified before reading), `--stats`, `--tensor` and their JSON, and the errors.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectOutputSchema, inspectTensorOutputSchema } from '../../../src/cli/commands/format-schemas.js';
import { errorOutputSchema } from '../../../src/cli/json-schemas.js';
import { writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { pk, str, torchZip } from '../../formats/pytorch/hostile.js';
import { ckpt as run, flipByte, makeRun } from './run-fixture.js';

const torchFixture = (name: string) => fileURLToPath(new URL(`../../fixtures/torch-1.13/${name}.pt`, import.meta.url));

interface TensorDoc {
  name: string;
  dtype: string;
  shape: number[];
  byteLength: number;
  stats?: { count: number; min: number | null; max: number | null; mean: number | null; std: number | null; nan: number; inf: number; zeros: number } | null;
}

describe('ckpt inspect on .pth files and checkpoint directories', () => {
  const tempDir = useTempDirs();

  it('shows a .pth: layout, the non-tensor state compactly, every tensor by dotted path', async () => {
    const { code, out, err } = await run(tempDir(), 'inspect', torchFixture('ckpt'));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.replace(torchFixture('ckpt'), 'ckpt.pt')).toMatchInlineSnapshot(`
      "ckpt.pt  pytorch  5.54 KiB

      metadata
      key        value
      layout     zip
      byteorder  little
      version    3
      archive    ckpt

      state
        model: OrderedDict of 7 tensors
        optimizer:
          state: dict of 12 tensors
          param_groups:
            0:
              lr: 0.001
              betas: (0.9, 0.999)
              eps: 1e-8
              weight_decay: 0
              amsgrad: False
              maximize: False
              foreach: None
              capturable: False
              differentiable: False
              fused: False
              params: [0, 1, 2, 3]
        epoch: 3
        loss: 0.5
        big: 1099511627776
        neg: -5
        name: "run"
        flags: [True, False, None]

      tensor                        dtype  shape   bytes
      model.0.weight                F32    [2, 3]   24 B
      model.0.bias                  F32    [2]       8 B
      model.1.weight                F32    [2]       8 B
      model.1.bias                  F32    [2]       8 B
      model.1.running_mean          F32    [2]       8 B
      model.1.running_var           F32    [2]       8 B
      model.1.num_batches_tracked   I64    []        8 B
      optimizer.state.0.step        F32    []        4 B
      optimizer.state.0.exp_avg     F32    [2, 3]   24 B
      optimizer.state.0.exp_avg_sq  F32    [2, 3]   24 B
      optimizer.state.1.step        F32    []        4 B
      optimizer.state.1.exp_avg     F32    [2]       8 B
      optimizer.state.1.exp_avg_sq  F32    [2]       8 B
      optimizer.state.2.step        F32    []        4 B
      optimizer.state.2.exp_avg     F32    [2]       8 B
      optimizer.state.2.exp_avg_sq  F32    [2]       8 B
      optimizer.state.3.step        F32    []        4 B
      optimizer.state.3.exp_avg     F32    [2]       8 B
      optimizer.state.3.exp_avg_sq  F32    [2]       8 B

      total: 19 tensors, 184 B of data
      "
    `);
  });

  it('--json of a .pth carries the skeleton (non-tensor values exactly, tensors by name)', async () => {
    const { code, out } = await run(tempDir(), 'inspect', torchFixture('opt'), '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { kind: string; skeleton: { state: unknown; param_groups: unknown[] }; tensorCount: number; tensors: TensorDoc[] };
    expect(doc.kind).toBe('pytorch');
    expect(doc.tensorCount).toBe(12);
    expect(doc.skeleton.param_groups[0]).toMatchObject({ lr: 0.001, betas: { $tuple: [0.9, 0.999] }, params: [0, 1, 2, 3] });
    expect(doc.skeleton.state).toMatchObject({ $dict: [[0, { step: { $tensor: 'state.0.step' } }], [1, expect.anything()], [2, expect.anything()], [3, expect.anything()]] });
    expect(doc.tensors.map((t) => t.name)).toContain('state.3.exp_avg_sq');
  });

  it('shows a checkpoint directory of a run: record, state, tensors under full names', async () => {
    const dir = tempDir();
    const [first] = await makeRun(dir);
    const path = join('checkpoints', first ?? '');
    const { code, out } = await run(dir, 'inspect', path);
    expect(code).toBe(0);
    expect(out.replace(/ckpt \d+\.\d+\.\d+\S*/, 'ckpt VERSION')).toMatchInlineSnapshot(`
      "checkpoints/epoch=0000-step=10  checkpoint  644 B
      epoch 0, step 10, val_acc=0.5, val_loss=0.9

      metadata
      key      value
      created  2026-01-01T00:00:00.000Z
      reasons  every call
      writer   ckpt VERSION

      state
        model: dict of 2 tensors
        optimizer: {step: 0, exp_avg: F32[2]}

      tensor             dtype  shape   bytes
      model.fc.bias      F32    [2]       8 B
      model.fc.weight    F32    [2, 3]   24 B
      optimizer.exp_avg  F32    [2]       8 B

      total: 3 tensors, 40 B of data
      "
    `);
    const json = JSON.parse((await run(dir, 'inspect', path, '--json')).out) as { kind: string; record: unknown; tensors: TensorDoc[] };
    expect(json.kind).toBe('checkpoint');
    expect(json.record).toEqual({ epoch: 0, step: 10, metrics: { val_acc: 0.5, val_loss: 0.9 } });
    expect(json.tensors.map((t) => t.name).sort()).toEqual(['model.fc.bias', 'model.fc.weight', 'optimizer.exp_avg']);
  });

  it('--stats adds min, max, mean, std and NaN/Inf counts per tensor', async () => {
    const dir = tempDir();
    await writeSafetensorsFile(join(dir, 'w.safetensors'), new Map<string, Tensor>([
      ['w', Tensor.from('F32', [5], [1, NaN, Infinity, -2, 0])],
      ['ids', Tensor.from('I64', [3], [1n, 2n, 3n])],
      ['none', Tensor.from('F32', [1], [NaN])],
    ]));
    const json = await run(dir, 'inspect', 'w.safetensors', '--stats', '--json');
    expect(json.code).toBe(0);
    const byName = new Map((JSON.parse(json.out) as { tensors: TensorDoc[] }).tensors.map((t) => [t.name, t.stats]));
    expect(byName.get('w')).toEqual({ count: 5, min: -2, max: 1, mean: expect.closeTo(-1 / 3, 12) as unknown as number, std: expect.closeTo(Math.sqrt(14 / 9), 12) as unknown as number, nan: 1, inf: 1, zeros: 1 });
    expect(byName.get('ids')).toMatchObject({ min: 1, max: 3, mean: 2, nan: 0 });
    expect(byName.get('none')).toMatchObject({ min: null, max: null, mean: null, nan: 1 });
    const human = await run(dir, 'inspect', 'w.safetensors', '--stats');
    expect(human.out).toMatchInlineSnapshot(`
      "w.safetensors  safetensors  232 B

      tensor  dtype  shape  bytes  min  max       mean       std  nan  inf
      ids     I64    [3]     24 B    1    3          2  0.816497    0    0
      none    F32    [1]      4 B    -    -          -         -    1    0
      w       F32    [5]     20 B   -2    1  -0.333333   1.24722    1    1

      total: 3 tensors, 48 B of data
      "
    `);
  });

  it('--tensor shows one tensor with statistics and its first values; an unknown name is E_NOT_FOUND', async () => {
    const dir = tempDir();
    const one = await run(dir, 'inspect', torchFixture('misc'), '--tensor', 'view');
    expect(one.code).toBe(0);
    expect(one.out.replace(torchFixture('misc'), 'misc.pt')).toMatchInlineSnapshot(`
      "view  I64  [3]  24 B  (misc.pt, pytorch)
      min 2  max 6  mean 4  std 1.63299  nan 0  inf 0  zeros 0
      values: [2, 4, 6]
      "
    `);
    const json = JSON.parse((await run(dir, 'inspect', torchFixture('misc'), '--tensor', 'p', '--json')).out) as { tensor: TensorDoc & { values: number[] } };
    expect(json.tensor).toMatchObject({ name: 'p', dtype: 'F32', shape: [2, 3], values: [0, 1, 2, 3, 4, 5], stats: { min: 0, max: 5, mean: 2.5 } });
    const missing = await run(dir, 'inspect', torchFixture('misc'), '--tensor', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ckpt: error E_NOT_FOUND: [^\n]* has no tensor "nope"; it has e\.g\. [^\n]*\n$/);
  });

  it('every --json document matches its schema: each format, --stats, --tensor, errors', async () => {
    const dir = tempDir();
    const [first] = await makeRun(dir);
    const ck = join('checkpoints', first ?? '');
    await run(dir, 'convert', torchFixture('ckpt'), 'ckpt.safetensors');
    for (const target of [torchFixture('ckpt'), torchFixture('legacy'), ck, 'ckpt.safetensors']) {
      for (const extra of [[], ['--stats']]) {
        const r = await run(dir, 'inspect', target, ...extra, '--json');
        expect(r.code).toBe(0);
        const doc = inspectOutputSchema.parse(JSON.parse(r.out));
        expect(doc.tensorCount).toBe(doc.tensors.length);
        if (extra.length > 0) expect(doc.tensors.every((t) => t.stats !== undefined)).toBe(true);
      }
    }
    const one = await run(dir, 'inspect', 'ckpt.safetensors', '--tensor', 'model.0.weight', '--json');
    expect(inspectTensorOutputSchema.parse(JSON.parse(one.out)).tensor.values).toHaveLength(6);
    const bad = await run(dir, 'inspect', 'nope', '--json');
    expect(bad.code).toBe(1);
    expect(errorOutputSchema.parse(JSON.parse(bad.out)).error.code).toBe('E_NOT_FOUND');
  });

  it('a hostile .pth is E_UNSAFE_PICKLE for inspect and convert, and its payload never runs', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const pickle = pk(0x80, 2, 'cos\nsystem\n', str(`touch ${marker}`), 0x85, 'R.');
    writeFileSync(join(dir, 'evil.pth'), torchZip(pickle));
    writeFileSync(join(dir, 'evil-legacy.pt'), pickle);
    for (const file of ['evil.pth', 'evil-legacy.pt']) {
      for (const argv of [['inspect', file], ['inspect', file, '--stats'], ['convert', file, 'out.safetensors'], ['convert', file, 'out-dir']]) {
        const r = await run(dir, ...argv);
        expect(r.code, argv.join(' ')).toBe(1);
        expect(r.err, argv.join(' ')).toMatch(/^ckpt: error E_UNSAFE_PICKLE: [^\n]*os[^\n]*system[^\n]*\n$/);
      }
    }
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['evil-legacy.pt', 'evil.pth']);
  });

  it('a damaged checkpoint directory is E_CORRUPT before anything is parsed; one without manifest E_INCOMPLETE; a run E_WRONG_KIND', async () => {
    const dir = tempDir();
    const [first, second] = await makeRun(dir);
    flipByte(join(dir, 'checkpoints', first ?? '', 'model.safetensors'), 20);
    const bad = await run(dir, 'inspect', join('checkpoints', first ?? ''));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^ckpt: error E_CORRUPT: [^\n]*model\.safetensors has CRC32C [0-9a-f]{8}, the manifest says [0-9a-f]{8}: the file is corrupt\n$/);
    rmSync(join(dir, 'checkpoints', second ?? '', 'manifest.json'));
    const incomplete = await run(dir, 'inspect', join('checkpoints', second ?? ''));
    expect(incomplete.code).toBe(1);
    expect(incomplete.err).toMatch(/^ckpt: error E_INCOMPLETE: [^\n]*no manifest\.json[^\n]*\n$/);
    const runDir = await run(dir, 'inspect', '.');
    expect(runDir.code).toBe(1);
    expect(runDir.err).toMatch(/^ckpt: error E_WRONG_KIND: [^\n]*is a run directory; pass one of its checkpoints[^\n]*\n$/);
  });
});
