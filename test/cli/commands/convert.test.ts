import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIO } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/main.js';
import { readSafetensorsFile, readSafetensorsHeader } from '../../../src/formats/safetensors/index.js';
import { useTempDirs } from '../../helpers/tmp.js';

const legacy = (name: string) => fileURLToPath(new URL(`../../fixtures/safetensors-legacy/${name}.safetensors`, import.meta.url));

async function run(cwd: string, ...argv: string[]) {
  const io = captureIO({ cwd });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('ckpt convert', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await run(tempDir(), 'convert', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt convert [options] <in> <out>

      rewrite a checkpoint file in canonical form or another format, atomically

      Arguments:
        in             the checkpoint file to read (.safetensors)
        out            the file to write; its extension picks the format
                       (.safetensors)

      Options:
        -h, --help     display help for command

      Global Options:
        -V, --version  print the version
        --json         print machine-readable JSON on stdout

      Examples:
        $ ckpt convert old.safetensors model.safetensors
            rewrite in canonical safetensors layout (aligned, sorted, padded)
        $ ckpt convert model.safetensors model.safetensors
            canonicalise in place; a crash leaves the old file intact

      "
    `);
  });

  it('rewrites a legacy file in canonical layout with the same tensors and metadata', async () => {
    const dir = tempDir();
    const { code, out } = await run(dir, 'convert', legacy('overall'), 'out.safetensors', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ input: legacy('overall'), output: 'out.safetensors', from: 'safetensors', to: 'safetensors', tensorCount: 9, byteLength: 712 });
    const before = await readSafetensorsFile(legacy('overall'));
    const after = await readSafetensorsFile(join(dir, 'out.safetensors'));
    expect(after.header.metadata).toEqual({ test: 'a' });
    expect(after.header.dataOffset % 8).toBe(0);
    expect(after.header.entries.map((e) => e.dtype)).toEqual(['F64', 'F32', 'U32', 'I32', 'F16', 'U16', 'I16', 'I8', 'U8']);
    for (const [name, t] of before.tensors) expect(after.tensors.get(name)?.equals(t)).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.safetensors']);
  });

  it('is idempotent and works in place: converting a canonical file gives the same bytes', async () => {
    const dir = tempDir();
    expect((await run(dir, 'convert', legacy('overall'), 'a.safetensors')).code).toBe(0);
    const first = readFileSync(join(dir, 'a.safetensors'));
    const { code, out } = await run(dir, 'convert', 'a.safetensors', 'a.safetensors');
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote a\.safetensors \(safetensors, 9 tensors, 712 B\) from a\.safetensors \(safetensors\)\n$/);
    expect(Buffer.compare(readFileSync(join(dir, 'a.safetensors')), first)).toBe(0);
    expect(readdirSync(dir)).toEqual(['a.safetensors']);
  });

  it('leaves an existing output untouched and no temp file behind when the input is corrupt', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.safetensors'), readFileSync(legacy('f')).subarray(0, 100));
    writeFileSync(join(dir, 'out.safetensors'), 'previous contents');
    const { code, err } = await run(dir, 'convert', 'bad.safetensors', 'out.safetensors');
    expect(code).toBe(1);
    expect(err).toMatch(/^ckpt: error E_INCOMPLETE_BUFFER: [^\n]*\n$/);
    expect(readFileSync(join(dir, 'out.safetensors'), 'utf8')).toBe('previous contents');
    expect(readdirSync(dir).sort()).toEqual(['bad.safetensors', 'out.safetensors']);
  });

  it('refuses an output format it cannot write, and a missing input, with one coded line', async () => {
    const dir = tempDir();
    const pth = await run(dir, 'convert', legacy('f'), 'out.pth');
    expect(pth.code).toBe(1);
    expect(pth.err).toMatch(/^ckpt: error E_UNSUPPORTED: cannot write "\.pth" files[^\n]*\n$/);
    const missing = await run(dir, 'convert', 'nope.safetensors', 'out.safetensors');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ckpt: error E_NOT_FOUND: [^\n]*nope\.safetensors does not exist\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(tempDir(), 'convert', 'only-one.safetensors')).code).toBe(2);
  });

  it('the written file is complete on disk (header verifies against its size)', async () => {
    const dir = tempDir();
    await run(dir, 'convert', legacy('d'), 'd.safetensors');
    const header = await readSafetensorsHeader(join(dir, 'd.safetensors'));
    expect(header.dataOffset + 48).toBe(statSync(join(dir, 'd.safetensors')).size);
  });
});
