/**
 * The malicious corpus: code-execution payloads, resource-exhaustion pickles and hostile zips.
 * Every one must end in its error code, in bounded time and memory, and no payload may run
 * (each would create a marker file; the marker must not exist). With torch's Python at hand, the
 * same payloads are shown to be live: Python's own pickle.loads does create the marker.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CkptErrorCode } from '../../../src/errors.js';
import { CkptError } from '../../../src/errors.js';
import { parsePth, readPth, writePth } from '../../../src/formats/pytorch/index.js';
import { describeWithPython, runPython } from '../../helpers/python.js';
import { useTempDirs } from '../../helpers/tmp.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { buildZip, pk, str, torchZip, u32 } from './hostile.js';
import { seedCheckpoint } from './trees.js';

const tmp = useTempDirs();

/** Parses `bytes` and returns the CkptError it must throw, checking time and heap growth. */
async function rejects(bytes: Uint8Array, code: CkptErrorCode, options: Parameters<typeof parsePth>[1] = {}): Promise<CkptError> {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let caught: unknown;
  try {
    await parsePth(bytes, options);
  } catch (err) {
    caught = err;
  }
  const ms = performance.now() - t0;
  expect(caught, `expected ${code}`).toBeInstanceOf(CkptError);
  const err = caught as CkptError;
  expect(err.code, err.message).toBe(code);
  expect(ms).toBeLessThan(5_000);
  expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(256 * 1024 * 1024);
  return err;
}

/** Code-execution payloads; each creates the file at `marker` when a real unpickler runs it. */
function payloads(marker: string): Record<string, { pickle: Uint8Array; names: string }> {
  const touch = str(`touch ${marker}`);
  return {
    'os.system': { pickle: pk(0x80, 2, 'cos\nsystem\n', touch, 0x85, 'R.'), names: 'os.system' },
    'posix.system': { pickle: pk(0x80, 2, 'cposix\nsystem\n', touch, 0x85, 'R.'), names: 'posix.system' },
    'builtins.eval': {
      pickle: pk(0x80, 2, 'c__builtin__\neval\n', str(`open(${JSON.stringify(marker)}, "w").close()`), 0x85, 'R.'),
      names: 'builtins.eval',
    },
    'builtins.exec': {
      pickle: pk(0x80, 2, 'cbuiltins\nexec\n', str(`open(${JSON.stringify(marker)}, "w").close()`), 0x85, 'R.'),
      names: 'builtins.exec',
    },
    'subprocess.Popen': {
      pickle: pk(0x80, 2, 'csubprocess\ncheck_call\n', ']', '(', str('touch'), str(marker), 'e', 0x85, 'R.'),
      names: 'subprocess.check_call',
    },
    'STACK_GLOBAL os.system': {
      pickle: pk(0x80, 4, str('os'), str('system'), 0x93, touch, 0x85, 'R.'),
      names: 'STACK_GLOBAL',
    },
    'SHORT_BINUNICODE + STACK_GLOBAL': {
      pickle: pk(0x80, 4, 0x8c, 2, 'os', 0x8c, 6, 'system', 0x93, touch, 0x85, 'R.'),
      names: 'SHORT_BINUNICODE',
    },
    'INST (protocol 0)': { pickle: pk('(', touch, 'ios\nsystem\n.'), names: 'INST' },
    'OBJ (protocol 1)': { pickle: pk('(cos\nsystem\n', touch, 'o.'), names: 'os.system' },
    'hidden inside a tensor dict': {
      pickle: pk(0x80, 2, '}', '(', str('weight'), 'cos\nsystem\n', touch, 0x85, 'R', 'u.'),
      names: 'os.system',
    },
    'getattr gadget': { pickle: pk(0x80, 2, 'c__builtin__\ngetattr\n', 'cos\nsystem\n', 0x86, 'R.'), names: 'builtins.getattr' },
  };
}

describe('malicious pickles: code execution', () => {
  for (const [name, build] of Object.entries(payloads('/nonexistent'))) {
    it(`refuses ${name} with E_UNSAFE_PICKLE naming it, and runs nothing`, async () => {
      const marker = join(tmp(), 'pwned');
      const { pickle } = payloads(marker)[name] ?? build;
      const err = await rejects(torchZip(pickle), 'E_UNSAFE_PICKLE');
      expect(err.message).toContain(build.names);
      const file = join(tmp(), 'evil.pth');
      writeFileSync(file, torchZip(pickle));
      await expect(readPth(file)).rejects.toMatchObject({ code: 'E_UNSAFE_PICKLE' });
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('refuses REDUCE of values that are not allow-listed callables', async () => {
    // an allow-listed but non-callable global (a storage class)
    expect((await rejects(torchZip(pk(0x80, 2, 'ctorch\nFloatStorage\n', ')', 'R.')), 'E_UNSAFE_PICKLE')).message).toContain('torch.FloatStorage');
    // a string as the callable
    expect((await rejects(torchZip(pk(0x80, 2, str('os.system'), ')', 'R.')), 'E_UNSAFE_PICKLE')).message).toContain('REDUCE of str');
    // a dtype object as the callable, fetched back from the memo
    await rejects(torchZip(pk(0x80, 2, 'ctorch\nfloat32\n', 'q', 0, '0', 'h', 0, ')', 'R.')), 'E_UNSAFE_PICKLE');
    // NEWOBJ of a rebuild function
    await rejects(torchZip(pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v2\n', ')', 0x81, '.')), 'E_UNSAFE_PICKLE');
    // _codecs.encode with another codec
    await rejects(torchZip(pk(0x80, 2, 'c_codecs\nencode\n', str('x'), str('rot13'), 0x86, 'R.')), 'E_UNSAFE_PICKLE');
  });

  it('refuses persistent ids other than storages (legacy module source included)', async () => {
    await rejects(torchZip(pk(0x80, 2, '(', str('module'), 'N', str('evil.py'), str('import os'), 't', 'Q.')), 'E_UNSAFE_PICKLE');
    await rejects(torchZip(pk(0x80, 2, str('x'), 'Q.')), 'E_BAD_PICKLE');
  });
});

describeWithPython(['torch'], 'the payloads are live', () => {
  it("Python's own pickle.loads runs them (so ckpt's refusal is what protects)", () => {
    const dir = tmp();
    const names = ['os.system', 'builtins.eval', 'subprocess.Popen', 'STACK_GLOBAL os.system', 'INST (protocol 0)'];
    for (const [i, name] of names.entries()) {
      const marker = join(dir, `ran-${i}`);
      const p = payloads(marker)[name];
      if (p === undefined) throw new Error(name);
      runPython('import pickle, sys; pickle.loads(sys.stdin.buffer.read())', [], { input: p.pickle });
      expect(existsSync(marker), name).toBe(true);
    }
  });
});

describe('malicious pickles: resource exhaustion', () => {
  it('100k nested MARKs -> E_LIMIT', async () => {
    await rejects(torchZip(pk(0x80, 2, '('.repeat(100_000), '.')), 'E_LIMIT');
  });

  it('huge length fields -> E_LIMIT before allocating, short data -> E_BAD_PICKLE', async () => {
    await rejects(torchZip(pk(0x80, 2, 'X', u32(0xfffffff0), 'abc')), 'E_LIMIT');
    await rejects(torchZip(pk(0x80, 2, 'X', u32(1000), 'abc')), 'E_BAD_PICKLE');
    await rejects(torchZip(pk(0x80, 2, 0x8a, 255, 'abc')), 'E_BAD_PICKLE');
    await rejects(torchZip(pk(0x80, 2, 'X', u32(100), 'a'.repeat(100), '.')), 'E_LIMIT', { maxStringBytes: 99 });
  });

  it('memo abuse: huge index is harmless, GET of an unset entry -> E_BAD_PICKLE, memo flood -> E_LIMIT', async () => {
    expect(await parsePth(torchZip(pk(0x80, 2, 'N', 'r', u32(0xffffffff), '.')))).toBe(null);
    await rejects(torchZip(pk(0x80, 2, 'j', u32(0xfffffff0), '.')), 'E_BAD_PICKLE');
    await rejects(torchZip(pk(0x80, 2, 'h', 7, '.')), 'E_BAD_PICKLE');
    const flood = Buffer.alloc(5 * 10_001);
    for (let i = 0; i <= 10_000; i++) {
      flood[i * 5] = 0x72;
      flood.writeUInt32LE(i, i * 5 + 1);
    }
    await rejects(torchZip(pk(0x80, 2, 'N', flood, '.')), 'E_LIMIT', { maxMemoEntries: 10_000 });
  });

  it('a billion laughs of shared lists stays linear; a self-containing list is refused', async () => {
    const parts: (number | string | Uint8Array)[] = [0x80, 2, ']', 'q', 0];
    for (let level = 1; level < 40; level++) parts.push(']', '(', ...Array.from({ length: 10 }, () => ['h', level - 1]).flat(), 'e', 'q', level);
    parts.push('h', 39, '.');
    // 10^39 leaves if expanded; within a budget of a thousand opcodes and objects it is linear.
    const v = await parsePth(torchZip(pk(...parts)), { maxOps: 1_000, maxObjects: 1_000 });
    expect(Array.isArray(v) && v.length === 10 && v[0] === v[1]).toBe(true);
    await rejects(torchZip(pk(0x80, 2, ']', 'q', 0, 'h', 0, 'a.')), 'E_UNSUPPORTED');
  });

  it('too many values or opcodes -> E_LIMIT', async () => {
    await rejects(torchZip(pk(0x80, 2, ']', '(', 'N'.repeat(5000), 'e.')), 'E_LIMIT', { maxObjects: 1000 });
    await rejects(torchZip(pk(0x80, 2, 'N'.repeat(5000), '.')), 'E_LIMIT', { maxOps: 1000 });
  });

  it('a stride-0 view expanding a tiny storage past maxTensorBytes -> E_LIMIT before allocating', async () => {
    const pickle = pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v2\n', '(', '(', str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), 'K', 1, 't', 'Q',
      'K', 0, '(', 'J', u32(0x7fffffff), 't', '(', 'K', 0, 't', 0x89, 'N', 't', 'R.');
    const err = await rejects(torchZip(pickle, [{ name: 'archive/data/0', data: new Uint8Array(4) }]), 'E_LIMIT');
    expect(err.message).toContain('maxTensorBytes');
    const small = pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v2\n', '(', '(', str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), 'K', 1, 't', 'Q',
      'K', 0, 'M', 0x00, 0x01, 0x85, 'K', 0, 0x85, 0x89, 'N', 't', 'R.');
    const expanded = torchZip(small, [{ name: 'archive/data/0', data: new Uint8Array([0, 0, 0x80, 0x3f]) }]);
    expect(((await parsePth(expanded)) as Tensor).toString()).toBe('F32[256]');
    await rejects(expanded, 'E_LIMIT', { maxTensorBytes: 1000 });
    const outOfBounds = pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v2\n', '(', '(', str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), 'K', 1, 't', 'Q',
      'K', 1, 'K', 1, 0x85, 'K', 1, 0x85, 0x89, 'N', 't', 'R.');
    await rejects(torchZip(outOfBounds, [{ name: 'archive/data/0', data: new Uint8Array(4) }]), 'E_BAD_PICKLE');
  });
});

describe('hostile zips', () => {
  const okPickle = pk(0x80, 2, 'K', 1, '.');

  it('a zip bomb (huge ratio) -> E_LIMIT without inflating; a lying size -> E_LIMIT while inflating', async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    await rejects(buildZip([{ name: 'archive/data.pkl', data: zeros, deflate: true }, { name: 'archive/version', data: Buffer.from('3\n') }]), 'E_LIMIT');
    const small = deflateRawSync(zeros).length;
    const liar = buildZip([{ name: 'archive/data.pkl', data: zeros, deflate: true, declaredSize: small * 10 }, { name: 'archive/version', data: Buffer.from('3\n') }]);
    await rejects(liar, 'E_LIMIT');
  });

  it('deflated records of an honest archive are read', async () => {
    const v = await parsePth(buildZip([{ name: 'a/data.pkl', data: okPickle, deflate: true }, { name: 'a/version', data: Buffer.from('3\n'), deflate: true }]));
    expect(v).toBe(1);
  });

  it('entries escaping or outside the archive folder -> E_BAD_ZIP', async () => {
    for (const evil of ['archive/../evil', '../evil', '/etc/passwd', 'archive/./x', 'C:/x', 'archive\\..\\x', 'other/data.pkl']) {
      const err = await rejects(torchZip(okPickle, [{ name: evil, data: new Uint8Array(1) }]), 'E_BAD_ZIP');
      expect(err.message).toContain(JSON.stringify(evil));
    }
  });

  it('overlapping entries, lying offsets and names, absurd sizes and counts -> E_BAD_ZIP / E_LIMIT', async () => {
    const version = { name: 'archive/version', data: Buffer.from('3\n') };
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle, declaredSize: 200, declaredCompressedSize: 200 }, { name: 'archive/data/0', data: new Uint8Array(300) }, version]), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, { name: 'archive/data/0', data: new Uint8Array(8), declaredOffset: 0 }, version]), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle, localName: 'archive/other' }, version]), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle, declaredSize: 0xfffffff0, declaredCompressedSize: 0xfffffff0 }, version]), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, version], { declaredEntryCount: 60_000 }), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, version], { declaredCdSize: 0x7fffffff }), 'E_LIMIT');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, version], { declaredCdSize: 1000 }), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, { name: 'archive/data.pkl', data: okPickle }, version]), 'E_BAD_ZIP');
    await rejects(buildZip([{ name: 'archive/data.pkl', data: okPickle }, version]), 'E_LIMIT', { maxEntries: 1 });
  });

  it('a storage record whose size does not match its declared storage -> E_BAD_ZIP', async () => {
    const pickle = pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v2\n', '(', '(', str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), 'K', 4, 't', 'Q',
      'K', 0, 'K', 4, 0x85, 'K', 1, 0x85, 0x89, 'N', 't', 'R.');
    await rejects(torchZip(pickle, [{ name: 'archive/data/0', data: new Uint8Array(12) }]), 'E_BAD_ZIP');
  });

  it('a CRC mismatch -> E_CORRUPT, or a warning with crc: "warn"', async () => {
    const zip = torchZip(pk(0x80, 2, 'K', 1, '.'));
    zip[30 + 'archive/data.pkl'.length + 3] = 2; // the BININT1 operand
    await rejects(zip, 'E_CORRUPT');
    const warnings: string[] = [];
    expect(await parsePth(zip, { crc: 'warn', onWarning: (m) => warnings.push(m) })).toBe(2);
    expect(warnings[0]).toContain('CRC-32 mismatch');
  });

  it('a CRC of 0 (torch saved with CRC disabled) is not a mismatch: read, with a warning', async () => {
    const zip = buildZip([
      { name: 'archive/data.pkl', data: pk(0x80, 2, 'K', 1, '.'), declaredCrc: 0 },
      { name: 'archive/version', data: Buffer.from('3\n') },
    ]);
    const warnings: string[] = [];
    expect(await parsePth(zip, { onWarning: (m) => warnings.push(m) })).toBe(1);
    expect(warnings).toEqual([expect.stringContaining('no CRC-32 recorded')]);
  });
});

describe('truncated and corrupted files', () => {
  it('a ckpt-written file truncated at any of many offsets gives a CkptError code, never a crash', async () => {
    const file = join(tmp(), 'whole.pth');
    await writePth(file, seedCheckpoint(5), { fsync: false });
    const { readFileSync } = await import('node:fs');
    const whole = new Uint8Array(readFileSync(file));
    const cuts = new Set<number>();
    for (let i = 0; i < whole.length; i += Math.max(1, Math.floor(whole.length / 300))) cuts.add(i);
    for (let i = Math.max(0, whole.length - 200); i < whole.length; i++) cuts.add(i);
    const codes = new Set<string>();
    for (const cut of cuts) {
      const err = await parsePth(whole.subarray(0, cut)).then(() => undefined, (e: unknown) => e);
      expect(err, `cut at ${cut}`).toBeInstanceOf(CkptError);
      codes.add((err as CkptError).code);
    }
    expect([...codes].every((c) => ['E_BAD_ZIP', 'E_BAD_PICKLE'].includes(c))).toBe(true);
  });

  it('a legacy file truncated anywhere gives a CkptError', async () => {
    const { readFileSync } = await import('node:fs');
    const legacy = new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/torch-1.13/legacy.pt')));
    for (let cut = 0; cut < legacy.length; cut++) {
      await expect(parsePth(legacy.subarray(0, cut)), `cut at ${cut}`).rejects.toBeInstanceOf(CkptError);
    }
  });

  it('random byte corruption never escapes as anything but a CkptError (fuzz)', async () => {
    const file = join(tmp(), 'fuzz.pth');
    await writePth(file, seedCheckpoint(6), { fsync: false });
    const { readFileSync } = await import('node:fs');
    const whole = new Uint8Array(readFileSync(file));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(whole.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), async (flips) => {
        const bad = whole.slice();
        for (const [at, v] of flips) bad[at] = v;
        const r = await parsePth(bad, { crc: 'off' }).then(() => undefined, (e: unknown) => e);
        if (r !== undefined && !(r instanceof CkptError)) throw r;
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
