import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCkpt } from '../../helpers/cli.js';
import { writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';

const legacy = (name: string) => fileURLToPath(new URL(`../../fixtures/safetensors-legacy/${name}.safetensors`, import.meta.url));

const run = runCkpt;

describe('ckpt inspect', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await run(tempDir(), 'inspect', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt inspect [options] <path>

      show the tensors (dtype, shape, bytes), metadata and non-tensor state of a
      checkpoint

      Arguments:
        path             a checkpoint directory, .safetensors, .safetensors.index.json
                         (sharded) or .pth/.pt/.bin file

      Options:
        --stats          read the tensor data: min, max, mean, std and NaN/Inf counts
                         per tensor
        --tensor <name>  show one tensor: dtype, shape, statistics and its first
                         values
        -h, --help       display help for command

      Global Options:
        -V, --version    print the version
        --json           print machine-readable JSON on stdout

      Examples:
        $ ckpt inspect model.safetensors
            list the tensors of a safetensors file and its metadata
        $ ckpt inspect checkpoint.pth --stats
            epoch, optimizer settings and per-tensor statistics of a .pth
        $ ckpt inspect runs/exp1/checkpoints/epoch=0007 --tensor model.fc.weight
            one tensor of a checkpoint directory
        $ ckpt inspect model.safetensors --json | jq .tensorBytes
            read the total data size from a script
        $ ckpt inspect hf-model/model.safetensors.index.json
            every shard of a sharded checkpoint, checked against its index

      "
    `);
  });

  it('lists metadata, tensors and the total of a file we wrote', async () => {
    const dir = tempDir();
    await writeSafetensorsFile(join(dir, 'model.safetensors'), new Map<string, Tensor>([
      ['layer.weight', Tensor.from('F32', [2, 3], [1, 2, 3, 4, 5, 6])],
      ['layer.bias', Tensor.from('F16', [2], [0, 0])],
      ['step', Tensor.from('I64', [], [3n])],
    ]), { metadata: { format: 'pt' } });
    const { code, out, err } = await run(dir, 'inspect', 'model.safetensors');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "model.safetensors  safetensors  268 B

      metadata
      key     value
      format  pt

      tensor        dtype  shape   bytes
      step          I64    []        8 B
      layer.weight  F32    [2, 3]   24 B
      layer.bias    F16    [2]       4 B

      total: 3 tensors, 36 B of data
      "
    `);
  });

  it('--json prints one parseable document with every tensor', async () => {
    const dir = tempDir();
    const { code, out } = await run(dir, 'inspect', legacy('overall'), '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { kind: string; metadata: object; tensorCount: number; tensorBytes: number; tensors: { name: string; dtype: string; shape: number[]; byteLength: number }[] };
    expect(doc.kind).toBe('safetensors');
    expect(doc.metadata).toEqual({ test: 'a' });
    expect(doc.tensorCount).toBe(9);
    expect(doc.tensorBytes).toBe(168);
    expect(doc.tensors.find((t) => t.name === 'd')).toEqual({ name: 'd', dtype: 'F64', shape: [6], byteLength: 48 });
  });

  it('exits 1 with one coded line for a corrupt file, and a JSON error under --json', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.concat([readFileSync(legacy('f')), Buffer.from([0])])); // one trailing byte
    const human = await run(dir, 'inspect', 'bad.safetensors');
    expect(human.code).toBe(1);
    expect(human.out).toBe('');
    expect(human.err.trim().split('\n')).toHaveLength(1);
    expect(human.err).toMatch(/^ckpt: error E_INCOMPLETE_BUFFER: .*bad\.safetensors/);
    const json = await run(dir, 'inspect', 'bad.safetensors', '--json');
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as { error: { code: string } }).error.code).toBe('E_INCOMPLETE_BUFFER');
  });

  it('exits 1 with E_NOT_FOUND for a missing path, E_WRONG_KIND for a non-checkpoint, E_BAD_ZIP for a zip that is not torch\'s, E_UNSUPPORTED for HDF5', async () => {
    const dir = tempDir();
    const missing = await run(dir, 'inspect', 'nope.safetensors');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ckpt: error E_NOT_FOUND: .*nope\.safetensors does not exist\n$/);
    writeFileSync(join(dir, 'notes.txt'), 'hello world, not a checkpoint');
    expect((await run(dir, 'inspect', 'notes.txt')).err).toMatch(/^ckpt: error E_WRONG_KIND: /);
    expect((await run(dir, 'inspect', '.')).err).toMatch(/^ckpt: error E_WRONG_KIND: .*directory/);
    writeFileSync(join(dir, 'model.zip'), Buffer.from('PK\x03\x04rest-of-a-zip', 'latin1'));
    const zip = await run(dir, 'inspect', 'model.zip');
    expect(zip.code).toBe(1);
    expect(zip.err).toMatch(/^ckpt: error E_BAD_ZIP: [^\n]*\n$/);
    writeFileSync(join(dir, 'model.h5'), Buffer.from('\x89HDF\r\n\x1a\nrest', 'latin1'));
    expect((await run(dir, 'inspect', 'model.h5')).err).toMatch(/^ckpt: error E_UNSUPPORTED: .*HDF5/);
  });

  it('recognises safetensors by its bytes whatever the extension', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'weights.bin.tmp'), readFileSync(legacy('f')));
    const { code, out } = await run(dir, 'inspect', 'weights.bin.tmp', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as { tensorCount: number }).tensorCount).toBe(1);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(tempDir(), 'inspect')).code).toBe(2);
    expect((await run(tempDir(), 'inspect', 'a', 'b')).code).toBe(2);
  });
});
