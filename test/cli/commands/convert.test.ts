import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertOutputSchema } from '../../../src/cli/commands/format-schemas.js';
import { convertCheckpoint } from '../../../src/interop/convert.js';
import { readPth } from '../../../src/formats/pytorch/index.js';
import { readSafetensorsFile, readSafetensorsHeader, writeShardedSafetensors } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { describeState } from '../../formats/pytorch/describe.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { ckpt as run, flipByte } from './run-fixture.js';

const legacy = (name: string) => fileURLToPath(new URL(`../../fixtures/safetensors-legacy/${name}.safetensors`, import.meta.url));
const torchFixture = (name: string) => fileURLToPath(new URL(`../../fixtures/torch-1.13/${name}.pt`, import.meta.url));

/** Output names per format: the extension picks the format, no extension is a checkpoint directory. */
const OUT = { pth: 'x.pth', safetensors: 'x.safetensors', sharded: 'x.safetensors.index.json', checkpoint: 'x-dir' } as const;
type Kind = keyof typeof OUT;
const KINDS = Object.keys(OUT) as Kind[];

/** Files and folders in `dir` (temp files would show up here). */
const listing = (dir: string) => readdirSync(dir).sort();

describe('ckpt convert', () => {
  const tempDir = useTempDirs();

  it('has pinned help with examples', async () => {
    const { code, out } = await run(tempDir(), 'convert', '--help');
    expect(code).toBe(0);
    expect(out).toMatchInlineSnapshot(`
      "Usage: ckpt convert [options] <in> <out>

      convert between checkpoint directories, .safetensors (single or sharded) and
      .pth files (whole state tree), atomically

      Arguments:
        in             what to read: a checkpoint directory, .safetensors,
                       .safetensors.index.json (sharded) or .pth/.pt/.bin file
        out            what to write; .safetensors, .safetensors.index.json (sharded,
                       5 GB shards), .pth/.pt/.bin, or no extension for a checkpoint
                       directory

      Options:
        -h, --help     display help for command

      Global Options:
        -V, --version  print the version
        --json         print machine-readable JSON on stdout

      Examples:
        $ ckpt convert checkpoint.pth model.safetensors
            tensors by dotted name; epoch, optimizer settings etc. kept in __metadata__
        $ ckpt convert runs/exp1/checkpoints/epoch=0007 best.pth
            one file that torch.load opens
        $ ckpt convert best.pth imported
            a checkpoint directory (manifest, CRC32C) from a .pth
        $ ckpt convert model.safetensors model.safetensors
            canonicalise in place; a crash leaves the old file intact
        $ ckpt convert hf-model/model.safetensors.index.json model.pth
            a sharded Hugging Face checkpoint into one .pth

      "
    `);
  });

  describe.each(['ckpt', 'sd', 'opt', 'misc', 'buf', 'legacy'])('the whole tree of torch-1.13/%s.pt survives every chain of formats', (fixture) => {
    it.each(KINDS.flatMap((a) => KINDS.map((b) => [a, b] as const)))('.pth -> %s -> %s -> .pth', async (a, b) => {
      const dir = tempDir();
      const first = join(dir, 'first');
      const second = join(dir, 'second');
      mkdirSync(first);
      mkdirSync(second);
      const expected = describeState(await readPth(torchFixture(fixture)));
      expect((await run(first, 'convert', torchFixture(fixture), OUT[a])).code).toBe(0);
      expect((await run(second, 'convert', join(first, OUT[a]), OUT[b])).code).toBe(0);
      const r = await run(dir, 'convert', join(second, OUT[b]), 'back.pth');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(describeState(await readPth(join(dir, 'back.pth')))).toEqual(expected);
      expect(listing(dir)).toEqual(['back.pth', 'first', 'second']);
    });
  });

  it('a multi-shard Hugging Face checkpoint converts to one file, and inspect lists every shard\'s tensors', async () => {
    const dir = tempDir();
    const tensors = new Map<string, Tensor>();
    for (let i = 0; i < 6; i++) tensors.set(`h.${i}.w`, Tensor.from('F32', [64], new Float32Array(64).fill(i)));
    await writeShardedSafetensors(join(dir, 'model.safetensors.index.json'), tensors, { maxShardBytes: 600, fsync: false });
    expect(listing(dir).filter((n) => n.endsWith('-of-00003.safetensors'))).toHaveLength(3);
    const inspected = await run(dir, 'inspect', 'model.safetensors.index.json', '--json');
    expect(inspected.code).toBe(0);
    const summary = JSON.parse(inspected.out) as { kind: string; tensors: { name: string }[]; tensorBytes: number; metadata: Record<string, string> };
    expect(summary).toMatchObject({ kind: 'sharded-safetensors', tensorBytes: 6 * 256, metadata: { total_size: '1536', shards: '3' } });
    expect(summary.tensors.map((t) => t.name)).toEqual([...tensors.keys()]);
    expect((await run(dir, 'convert', 'model.safetensors.index.json', 'one.safetensors')).code).toBe(0);
    const one = await readSafetensorsFile(join(dir, 'one.safetensors'));
    for (const [k, t] of tensors) expect(one.tensors.get(k)?.equals(t), k).toBe(true);
    expect(one.header.metadata).toEqual({}); // total_size is the index's own, not carried over
  });

  it('a .pth with non-tensor values becomes a safetensors file with the skeleton in __metadata__ and dotted tensor names', async () => {
    const dir = tempDir();
    const { code, out } = await run(dir, 'convert', torchFixture('ckpt'), 'ckpt.safetensors', '--json');
    expect(code).toBe(0);
    expect(convertOutputSchema.parse(JSON.parse(out))).toEqual({ input: torchFixture('ckpt'), output: 'ckpt.safetensors', from: 'pytorch', to: 'safetensors', tensorCount: 19, byteLength: statSync(join(dir, 'ckpt.safetensors')).size, warnings: [] });
    const { header } = await readSafetensorsFile(join(dir, 'ckpt.safetensors'));
    expect(header.entries.map((e) => e.name)).toContain('optimizer.state.0.exp_avg');
    expect(header.entries.map((e) => e.name)).toContain('model.1.num_batches_tracked');
    expect(Object.keys(header.metadata)).toEqual(['format', 'ckpt.skeleton']);
    const skeleton = JSON.parse(header.metadata['ckpt.skeleton'] ?? 'null') as Record<string, unknown>;
    expect(skeleton).toMatchObject({ epoch: 3, loss: 0.5, big: 1099511627776, neg: -5, name: 'run', flags: [true, false, null] });
  });

  it('a plain safetensors file stays plain through a checkpoint directory, and becomes a flat dict in a .pth', async () => {
    const dir = tempDir();
    expect((await run(dir, 'convert', legacy('f'), 'f-dir')).code).toBe(0);
    expect(listing(join(dir, 'f-dir'))).toEqual(['extra.safetensors', 'manifest.json', 'model.safetensors', 'state.json']);
    expect((await run(dir, 'convert', 'f-dir', 'f.safetensors')).code).toBe(0);
    const back = await readSafetensorsFile(join(dir, 'f.safetensors'));
    // The directory's record (epoch/step/metrics) travels; no skeleton is needed for a flat dict.
    expect(Object.keys(back.header.metadata)).toEqual(['ckpt.record']);
    const original = await readSafetensorsFile(legacy('f'));
    expect(back.tensors.get('f')?.equals(original.tensors.get('f') ?? back.tensors.get('f')!)).toBe(true);
    expect((await run(dir, 'convert', legacy('overall'), 'all.safetensors')).code).toBe(0);
    const flat = await run(dir, 'convert', legacy('f'), 'f.pth');
    expect(flat.code).toBe(0);
    const tree = await readPth(join(dir, 'f.pth'));
    expect(describeState(tree)).toEqual({ dict: [[{ str: 'f' }, describeState(original.tensors.get('f') ?? null)]] });
  });

  it('keeps epoch, step and metrics of a checkpoint directory through .safetensors', async () => {
    const dir = tempDir();
    await run(dir, 'convert', torchFixture('ckpt'), 'a');
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8')) as { epoch: number; step: number };
    expect(manifest).toMatchObject({ epoch: 3, step: 0 }); // epoch taken from the tree's top-level "epoch"
    await run(dir, 'convert', 'a', 'a.safetensors');
    await run(dir, 'convert', 'a.safetensors', 'b');
    expect(JSON.parse(readFileSync(join(dir, 'b', 'manifest.json'), 'utf8'))).toMatchObject({ epoch: 3, step: 0, metrics: {}, reasons: ['ckpt convert'] });
  });

  it('convertCheckpoint reports progress: the bytes it reports add up to the total it announced', async () => {
    const dir = tempDir();
    for (const [from, to] of [[torchFixture('ckpt'), 'a.safetensors'], ['a.safetensors', 'b'], ['b', 'c.pth'], [legacy('overall'), 'd-dir']] as const) {
      let total = -1;
      let done = 0;
      const r = await convertCheckpoint(resolve(dir, from), resolve(dir, to), { onStart: (n) => (total = n), onBytes: (n) => (done += n) });
      expect(total, `${from} -> ${to}`).toBe(from.endsWith('overall.safetensors') ? 168 : 184);
      expect(done, `${from} -> ${to}`).toBe(total);
      expect(r.warnings).toEqual(to === 'd-dir' ? ['a checkpoint directory keeps no file metadata; dropped test'] : []);
    }
  });

  it('warns on stderr about what a .pth cannot hold', async () => {
    const dir = tempDir();
    const { code, err } = await run(dir, 'convert', legacy('f'), 'f.pth');
    expect(code).toBe(0);
    expect(err).toBe('ckpt: warning: a .pth has no place for metadata; dropped test\n');
  });

  it('rewrites a legacy file in canonical layout with the same tensors and metadata', async () => {
    const dir = tempDir();
    const { code, out } = await run(dir, 'convert', legacy('overall'), 'out.safetensors', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ input: legacy('overall'), output: 'out.safetensors', from: 'safetensors', to: 'safetensors', tensorCount: 9, byteLength: 712, warnings: [] });
    const before = await readSafetensorsFile(legacy('overall'));
    const after = await readSafetensorsFile(join(dir, 'out.safetensors'));
    expect(after.header.metadata).toEqual({ test: 'a' });
    expect(after.header.dataOffset % 8).toBe(0);
    expect(after.header.entries.map((e) => e.dtype)).toEqual(['F64', 'F32', 'U32', 'I32', 'F16', 'U16', 'I16', 'I8', 'U8']);
    for (const [name, t] of before.tensors) expect(after.tensors.get(name)?.equals(t)).toBe(true);
    expect(listing(dir)).toEqual(['out.safetensors']);
  });

  it('is idempotent and works in place: converting a canonical file gives the same bytes (safetensors and .pth)', async () => {
    const dir = tempDir();
    expect((await run(dir, 'convert', legacy('overall'), 'a.safetensors')).code).toBe(0);
    const first = readFileSync(join(dir, 'a.safetensors'));
    const { code, out } = await run(dir, 'convert', 'a.safetensors', 'a.safetensors');
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote a\.safetensors \(safetensors, 9 tensors, 712 B\) from a\.safetensors \(safetensors\)\n$/);
    expect(Buffer.compare(readFileSync(join(dir, 'a.safetensors')), first)).toBe(0);
    expect((await run(dir, 'convert', torchFixture('ckpt'), 'c.pth')).code).toBe(0);
    const pth = readFileSync(join(dir, 'c.pth'));
    expect((await run(dir, 'convert', 'c.pth', 'c.pth')).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'c.pth')), pth)).toBe(0);
    expect(listing(dir)).toEqual(['a.safetensors', 'c.pth']);
  });

  it('leaves an existing output untouched and no temp file behind when the input is corrupt', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.safetensors'), readFileSync(legacy('f')).subarray(0, 100));
    writeFileSync(join(dir, 'out.safetensors'), 'previous contents');
    const { code, err } = await run(dir, 'convert', 'bad.safetensors', 'out.safetensors');
    expect(code).toBe(1);
    expect(err).toMatch(/^ckpt: error E_INCOMPLETE_BUFFER: [^\n]*\n$/);
    expect(readFileSync(join(dir, 'out.safetensors'), 'utf8')).toBe('previous contents');
    expect(listing(dir)).toEqual(['bad.safetensors', 'out.safetensors']);
  });

  it('refuses a corrupt checkpoint directory (checksums are verified before anything is read), OUT untouched', async () => {
    const dir = tempDir();
    await run(dir, 'convert', torchFixture('sd'), 'sd');
    flipByte(join(dir, 'sd', 'model.safetensors'));
    writeFileSync(join(dir, 'out.pth'), 'previous contents');
    const { code, err } = await run(dir, 'convert', 'sd', 'out.pth');
    expect(code).toBe(1);
    expect(err).toMatch(/^ckpt: error E_CORRUPT: checkpoint "sd": model\.safetensors has CRC32C [0-9a-f]{8}, the manifest says [0-9a-f]{8}\n$/);
    expect(readFileSync(join(dir, 'out.pth'), 'utf8')).toBe('previous contents');
    expect(listing(dir)).toEqual(['out.pth', 'sd']);
  });

  it('refuses a corrupt or hostile .pth with its code, OUT untouched', async () => {
    const dir = tempDir();
    const pth = readFileSync(torchFixture('sd'));
    writeFileSync(join(dir, 'cut.pth'), pth.subarray(0, pth.byteLength - 100));
    writeFileSync(join(dir, 'out.safetensors'), 'previous contents');
    const cut = await run(dir, 'convert', 'cut.pth', 'out.safetensors');
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(/^ckpt: error E_BAD_ZIP: [^\n]*\n$/);
    writeFileSync(join(dir, 'evil.pth'), Buffer.from('\x80\x02cos\nsystem\nq\x00.', 'latin1'));
    const evil = await run(dir, 'convert', 'evil.pth', 'out.safetensors');
    expect(evil.code).toBe(1);
    expect(evil.err).toMatch(/^ckpt: error E_UNSAFE_PICKLE: [^\n]*os[^\n]*system[^\n]*\n$/);
    expect(readFileSync(join(dir, 'out.safetensors'), 'utf8')).toBe('previous contents');
    expect(listing(dir)).toEqual(['cut.pth', 'evil.pth', 'out.safetensors']);
  });

  it('never replaces an existing checkpoint directory, and leaves no staging directory', async () => {
    const dir = tempDir();
    await run(dir, 'convert', torchFixture('sd'), 'sd');
    const before = readFileSync(join(dir, 'sd', 'manifest.json'));
    const { code, err } = await run(dir, 'convert', torchFixture('opt'), 'sd');
    expect(code).toBe(1);
    expect(err).toMatch(/^ckpt: error E_SAVE_FAILED: [^\n]*sd already exists and is not empty[^\n]*\n$/);
    expect(Buffer.compare(readFileSync(join(dir, 'sd', 'manifest.json')), before)).toBe(0);
    expect(listing(dir)).toEqual(['sd']);
  });

  it('a dtype the output cannot hold is E_UNSUPPORTED, with nothing written', async () => {
    const dir = tempDir();
    const { code, err } = await run(dir, 'convert', legacy('I'), 'i.pth');
    expect(code).toBe(1);
    expect(err).toMatch(/^ckpt: error E_UNSUPPORTED: [^\n]*U32[^\n]*\n$/);
    expect(listing(dir)).toEqual([]);
  });

  it('refuses an output extension it cannot write, a missing input and a run directory with one coded line', async () => {
    const dir = tempDir();
    const txt = await run(dir, 'convert', legacy('f'), 'out.txt');
    expect(txt.code).toBe(1);
    expect(txt.err).toMatch(/^ckpt: error E_UNSUPPORTED: cannot write "\.txt" files[^\n]*\n$/);
    const noFolder = await run(dir, 'convert', legacy('f'), 'no/such/folder/out.pth');
    expect(noFolder.code).toBe(1);
    expect(noFolder.err).toMatch(/^ckpt: error E_NOT_FOUND: the folder [^\n]*no\/such\/folder for [^\n]*out\.pth does not exist; create it first\n$/);
    const missing = await run(dir, 'convert', 'nope.safetensors', 'out.safetensors');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ckpt: error E_NOT_FOUND: [^\n]*nope\.safetensors does not exist\n$/);
    mkdirSync(join(dir, 'run', 'checkpoints'), { recursive: true });
    const runDir = await run(dir, 'convert', 'run', 'out.pth');
    expect(runDir.code).toBe(1);
    expect(runDir.err).toMatch(/^ckpt: error E_WRONG_KIND: [^\n]*run is a run directory; pass one of its checkpoints[^\n]*\n$/);
    expect(listing(dir)).toEqual(['run']);
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
