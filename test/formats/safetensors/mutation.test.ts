import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { CkptError } from '../../../src/errors.js';
import { parseSafetensors, readSafetensorsFile, serializeSafetensors } from '../../../src/formats/safetensors/index.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { useTempDirs } from '../../helpers/tmp.js';
import { collect, craft } from './bytes.js';

const legacyDir = fileURLToPath(new URL('../../fixtures/safetensors-legacy/', import.meta.url));

async function validFiles(): Promise<Uint8Array[]> {
  const legacy = readdirSync(legacyDir).filter((f) => f.endsWith('.safetensors')).map((f) => new Uint8Array(readFileSync(join(legacyDir, f))));
  const ours = await collect(serializeSafetensors(new Map<string, Tensor>([
    ['w', Tensor.from('F32', [2, 3], [1, 2, 3, 4, 5, 6])],
    ['step', Tensor.from('I64', [], [7n])],
    ['empty', Tensor.from('F16', [0, 4], [])],
    ['mask', Tensor.from('BOOL', [3], [1, 0, 1])],
    ['q', new Tensor('F4', [4], new Uint8Array([0x12, 0x34]))],
  ]), { metadata: { format: 'pt', note: 'x' } }));
  return [...legacy, ours];
}

/** Text-level edits of a header that keep it plausible JSON more often than random bytes would. */
const TOKENS = ['0', '1', '-1', '1.0', '1e3', '18446744073709551615', '9007199254740993', '"F32"', '"F4"', '"BOOL"', '"X"', 'null', '[]', '{}', '[0,0]', ',', '"__metadata__"', '"w"', ' '];

const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({
    kind: fc.constant('header' as const),
    at: fc.nat(),
    cut: fc.integer({ min: 0, max: 6 }),
    token: fc.constantFrom(...TOKENS),
    keepLength: fc.boolean(),
  }),
);

type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(file: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'bytes': {
      const out = file.slice();
      for (const [pos, value] of m.edits) out[pos % out.length] = value;
      return out;
    }
    case 'truncate':
      return file.slice(0, m.at % (file.length + 1));
    case 'append':
      return new Uint8Array(Buffer.concat([file, m.extra]));
    case 'header': {
      const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
      const text = Buffer.from(file.subarray(8, 8 + n)).toString('latin1');
      const at = m.at % (text.length + 1);
      const edited = Buffer.from(text.slice(0, at) + m.token + text.slice(at + m.cut), 'latin1');
      return craft(edited, file.subarray(8 + n), m.keepLength ? BigInt(n) : undefined);
    }
  }
}

/** Parses and, when it succeeds, checks the invariants a validated file must satisfy. */
function parseOrCkptError(bytes: Uint8Array): void {
  try {
    const { header, tensors } = parseSafetensors(bytes);
    let covered = 0;
    for (const e of header.entries) {
      expect(e.begin).toBe(covered);
      covered = e.end;
      expect(tensors.get(e.name)?.byteLength).toBe(e.end - e.begin);
    }
    expect(header.dataOffset + covered).toBe(bytes.byteLength);
  } catch (err) {
    if (!(err instanceof CkptError)) throw new Error(`not a CkptError: ${String(err)}`, { cause: err });
    expect(err.code).toMatch(/^E_[A-Z_]+$/);
  }
}

describe('safetensors reader under mutation', () => {
  const tempDir = useTempDirs();

  it('random byte edits, truncations, appended bytes and header rewrites give only CkptErrors (a hang would hit the test timeout)', async () => {
    const seeds = await validFiles();
    fc.assert(
      fc.property(fc.constantFrom(...seeds), mutationArb, (file, m) => {
        parseOrCkptError(mutate(file, m));
      }),
      { numRuns: 3000 },
    );
  });

  it('the file reader agrees: only CkptErrors from mutated files on disk, and no data buffer larger than the file', async () => {
    const seeds = await validFiles();
    const dir = tempDir();
    let i = 0;
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    let allocationsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), mutationArb, fc.boolean(), async (file, m, mmap) => {
        const path = join(dir, `m${i++}.safetensors`);
        const bytes = mutate(file, m);
        writeFileSync(path, bytes);
        allocations.mockClear();
        const fromFile = await readSafetensorsFile(path, { mmap }).then(() => 'ok', (err: unknown) => err);
        if (!mmap) allocationsSeen += allocations.mock.calls.length;
        for (const [size] of allocations.mock.calls) expect(size).toBeLessThanOrEqual(bytes.byteLength);
        if (fromFile !== 'ok' && !(fromFile instanceof CkptError)) throw new Error(`not a CkptError: ${String(fromFile)}`);
        const fromBytes = (() => { try { parseSafetensors(bytes); return 'ok'; } catch (err) { return err; } })();
        expect(fromFile === 'ok' ? 'ok' : (fromFile as CkptError).code).toBe(fromBytes === 'ok' ? 'ok' : (fromBytes as CkptError).code);
      }),
      { numRuns: 300 },
    );
    allocations.mockRestore();
    expect(allocationsSeen).toBeGreaterThan(0); // the spy saw the copying reader's data buffers
  });
});
