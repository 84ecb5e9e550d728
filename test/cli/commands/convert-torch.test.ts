/**
 * `ckpt convert` against the real torch 1.13: files written by torch.save (a random seeded
 * corpus: every dtype, views, shared storages, Parameters, optimizer state, the seed's checkpoint
 * dict, scalars, the legacy format) go `.pth -> checkpoint dir -> .pth` and
 * `.pth -> .safetensors -> .pth`, and torch.load must return the same structure, key order,
 * Python types, dtypes and values as for the original (compared in Python by describe.py).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPython, runPython } from '../../helpers/python.js';
import type { Description } from '../../formats/pytorch/describe.js';
import { runScript, torchDescribe } from '../../formats/pytorch/python.js';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../../../src/checkpoint/load.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { FsStore } from '../../../src/storage/fs-store.js';
import { describeState } from '../../formats/pytorch/describe.js';
import { ckpt, makeRun } from './run-fixture.js';

describeWithPython(['torch'], 'ckpt convert with torch 1.13', () => {
  let dir = '';
  let corpus: string[] = [];
  let expected: Description[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ckpt-convert-torch-'));
    corpus = (JSON.parse(runScript('make_corpus.py', [dir, '20261202'])) as string[]).map((f) => join(dir, f));
    expected = torchDescribe(corpus);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('.pth -> checkpoint dir -> .pth and .pth -> .safetensors -> .pth are equal under torch.load', async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(8);
    const viaDir: string[] = [];
    const viaSafetensors: string[] = [];
    for (const f of corpus) {
      const name = basename(f, '.pt');
      for (const [from, to] of [[f, `${name}-dir`], [`${name}-dir`, `${name}.dir.pth`], [f, `${name}.safetensors`], [`${name}.safetensors`, `${name}.st.pth`]] as const) {
        const r = await ckpt(dir, 'convert', from, to);
        expect(r.err, `${from} -> ${to}`).toBe('');
        expect(r.code, `${from} -> ${to}`).toBe(0);
      }
      viaDir.push(join(dir, `${name}.dir.pth`));
      viaSafetensors.push(join(dir, `${name}.st.pth`));
    }
    const got = torchDescribe([...viaDir, ...viaSafetensors]);
    for (const [i, f] of corpus.entries()) {
      expect(got[i], `${basename(f)} via a checkpoint dir`).toEqual(expected[i]);
      expect(got[corpus.length + i], `${basename(f)} via .safetensors`).toEqual(expected[i]);
    }
  }, 120_000);

  it('a plain safetensors file becomes a .pth that torch.load returns as a flat dict of its tensors, in file order', async () => {
    const overall = fileURLToPath(new URL('../../fixtures/safetensors-legacy/overall.safetensors', import.meta.url));
    expect((await ckpt(dir, 'convert', overall, 'torch-dtypes.safetensors')).code).toBe(0);
    // U16/U32 have no torch 1.13 dtype, so take the file of the seven others.
    const plainFile = join(dir, 'plain.safetensors');
    const { tensors } = await readSafetensorsFile(join(dir, 'torch-dtypes.safetensors'));
    await writeSafetensorsFile(plainFile, new Map([...tensors].filter(([, t]) => t.dtype !== 'U16' && t.dtype !== 'U32')));
    expect((await ckpt(dir, 'convert', plainFile, 'plain.pth')).code).toBe(0);
    const names = (await readSafetensorsFile(plainFile)).header.entries.map((e) => e.name);
    const [got] = torchDescribe([join(dir, 'plain.pth')]);
    expect(got).toEqual({ dict: names.map((n) => [{ str: n }, describeState(tensors.get(n) ?? null)]) });
  });

  it('a checkpoint the manager saved becomes a .pth that torch.load reads as the saved state tree', async () => {
    const run = join(dir, 'run');
    const [name] = await makeRun(run);
    const ck = join(run, 'checkpoints', name ?? '');
    expect((await ckpt(dir, 'convert', ck, 'managed.pth')).code).toBe(0);
    const { state } = await loadCheckpoint(new FsStore(run), name ?? '');
    expect(torchDescribe([join(dir, 'managed.pth')])).toEqual([JSON.parse(JSON.stringify(describeState(state)))]);
  });

  it('the .safetensors of a torch checkpoint holds every tensor under its dotted path, readable without ckpt', async () => {
    const seed = join(dir, 'seed.pt');
    expect((await ckpt(dir, 'convert', seed, 'seed-plain.safetensors')).code).toBe(0);
    // A minimal safetensors reader in Python (header JSON + raw bytes), checked against torch.load.
    const out = runPython(READ_SAFETENSORS, [seed, join(dir, 'seed-plain.safetensors')]);
    expect(JSON.parse(out)).toEqual({ checked: 27, skeleton: true, format: 'pt' }) // 9 model tensors + 6 params x 3 Adam tensors;
  });
});

const READ_SAFETENSORS = `
import json, struct, sys, torch
DT = {'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64,
      'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8, 'BOOL': torch.bool}
ref = torch.load(sys.argv[1])
raw = open(sys.argv[2], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
meta = header.pop('__metadata__')
data = raw[8 + n:]
def flat(prefix, v, out):
    if isinstance(v, torch.Tensor): out[prefix] = v
    elif isinstance(v, dict):
        for k, x in v.items(): flat(f'{prefix}.{k}' if prefix else str(k), x, out)
    elif isinstance(v, (list, tuple)):
        for i, x in enumerate(v): flat(f'{prefix}.{i}' if prefix else str(i), x, out)
    return out
want = flat('', ref, {})
assert sorted(want) == sorted(header), (sorted(want), sorted(header))
for name, info in header.items():
    b, e = info['data_offsets']
    t = torch.frombuffer(bytearray(data[b:e]), dtype=DT[info['dtype']]).reshape(info['shape']) if e > b else torch.empty(info['shape'], dtype=DT[info['dtype']])
    assert torch.equal(t, want[name]), name
print(json.dumps({'checked': len(header), 'skeleton': 'ckpt.skeleton' in meta, 'format': meta['format']}))
`;
