/**
 * The state tree as it travels between formats: split into tensors + skeleton and joined back,
 * the skeleton and record kept in safetensors `__metadata__`, lazy tensors tapped for progress.
 * Property-based: any state tree survives `.safetensors` and a checkpoint directory exactly.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkpointDirFormat } from '../../src/interop/checkpoint-dir/format.js';
import { safetensorsFormat } from '../../src/interop/safetensors-format.js';
import { joinStateMetadata, RECORD_KEY, SKELETON_KEY, splitStateMetadata } from '../../src/interop/state-metadata.js';
import { isFlatSkeleton, materializeState, materializeTensor, sourceFromState, sourceBytes, tapSource } from '../../src/interop/state-source.js';
import { OrderedDict } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { useTempDirs } from '../helpers/tmp.js';
import { describeState } from '../formats/pytorch/describe.js';
import { seedCheckpoint, stateArb } from '../formats/pytorch/trees.js';

const plain = (d: unknown): unknown => JSON.parse(JSON.stringify(d));

describe('state sources', () => {
  const tempDir = useTempDirs();

  it('split and joined back: the seed checkpoint (int keys, tuples, OrderedDict attributes, bigints, bytes, shared tensors)', async () => {
    const tree = seedCheckpoint(3);
    const source = sourceFromState(tree);
    expect(source.skeleton).toBeDefined();
    expect([...source.tensors.keys()]).toContain('optimizer_state_dict.state.0.exp_avg');
    expect(describeState(await materializeState(source))).toEqual(describeState(tree));
  });

  it('without a skeleton the tree is a flat Map in storage order (a Python dict once written as .pth)', async () => {
    const a = Tensor.from('F32', [1], [1]);
    const b = Tensor.from('I8', [2], [1, 2]);
    const tree = await materializeState({ tensors: new Map<string, Tensor>([['z', a], ['a', b]]), metadata: {} });
    expect(tree).toBeInstanceOf(Map);
    expect([...(tree as Map<string, Tensor>).entries()]).toEqual([['z', a], ['a', b]]);
  });

  it('isFlatSkeleton: only a plain dict of tensors under their own names, in the given order', () => {
    const t = Tensor.from('F32', [1], [1]);
    const flat = sourceFromState(new Map([['x', t], ['y', Tensor.from('F32', [1], [2])]]));
    expect(isFlatSkeleton(flat.skeleton ?? null, ['x', 'y'])).toBe(true);
    expect(isFlatSkeleton(flat.skeleton ?? null, ['y', 'x'])).toBe(false);
    expect(isFlatSkeleton(sourceFromState({ x: t }).skeleton ?? null, ['x'])).toBe(true);
    expect(isFlatSkeleton(sourceFromState(new OrderedDict([['x', t]])).skeleton ?? null, ['x'])).toBe(false);
    expect(isFlatSkeleton(sourceFromState({ x: t, epoch: 1 }).skeleton ?? null, ['x'])).toBe(false);
    expect(isFlatSkeleton(sourceFromState({ x: { y: t } }).skeleton ?? null, ['x.y'])).toBe(false);
  });

  it('a tensor the skeleton does not place is E_CORRUPT, never silently dropped', async () => {
    const t = Tensor.from('F32', [1], [1]);
    const source = { tensors: new Map([['a', t], ['extra', Tensor.from('F32', [1], [2])]]), skeleton: { a: { $tensor: 'a' } }, metadata: {} };
    await expect(materializeState(source)).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringContaining('extra') as string });
  });

  it('a skeleton naming a tensor that is not there, or malformed, is E_CORRUPT', async () => {
    const t = Tensor.from('F32', [1], [1]);
    await expect(materializeState({ tensors: new Map([['a', t]]), skeleton: { a: { $tensor: 'b' } }, metadata: {} })).rejects.toMatchObject({ code: 'E_CORRUPT' });
    await expect(materializeState({ tensors: new Map([['a', t]]), skeleton: { a: { $nope: 1 } }, metadata: {} })).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('tapSource counts every byte once, and hands back tensors in memory without copying', async () => {
    const t = Tensor.from('F64', [4], [1, 2, 3, 4]);
    const source = sourceFromState({ a: t, b: Tensor.from('U8', [3], [1, 2, 3]) });
    let seen = 0;
    const tapped = tapSource(source, (n) => (seen += n));
    expect(sourceBytes(tapped)).toBe(35);
    expect(await materializeTensor('a', tapped.tensors.get('a') ?? t)).toBe(t);
    for await (const chunk of (tapped.tensors.get('b') as { chunks(): AsyncIterable<Uint8Array> }).chunks()) expect(chunk.byteLength).toBe(3);
    expect(seen).toBe(35);
  });

  it('state metadata: ckpt.* keys split from the rest; bad JSON or a bad record is E_CORRUPT', () => {
    const joined = joinStateMetadata({ format: 'pt' }, { epoch: 1 }, { epoch: 2, step: 3, metrics: { loss: NaN, acc: 0.5 } });
    expect(Object.keys(joined)).toEqual(['format', SKELETON_KEY, RECORD_KEY]);
    const split = splitStateMetadata(joined, 'f');
    expect(split).toEqual({ metadata: { format: 'pt' }, skeleton: { epoch: 1 }, record: { epoch: 2, step: 3, metrics: { loss: NaN, acc: 0.5 } } });
    expect(() => splitStateMetadata({ [SKELETON_KEY]: '{nope' }, 'f.safetensors')).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }) as Error);
    expect(() => splitStateMetadata({ [RECORD_KEY]: '{"epoch":-1,"step":0,"metrics":{}}' }, 'f')).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }) as Error);
    expect(() => splitStateMetadata({ [RECORD_KEY]: '{"epoch":0,"step":0,"metrics":{"a":"x"}}' }, 'f')).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }) as Error);
  });

  it('any state tree survives .safetensors and a checkpoint directory exactly (property)', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(stateArb, async (tree) => {
        const dir = tempDir();
        const want = plain(describeState(tree));
        const file = join(dir, `t${i}.safetensors`);
        const ckdir = join(dir, `t${i++}`);
        await safetensorsFormat.write?.(file, sourceFromState(tree));
        expect(plain(describeState(await materializeState(await safetensorsFormat.read(file))))).toEqual(want);
        await checkpointDirFormat.write?.(ckdir, sourceFromState(tree));
        expect(plain(describeState(await materializeState(await checkpointDirFormat.read(ckdir))))).toEqual(want);
      }),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
