/**
 * Every file in test/fixtures/torch-1.13 (written by real torch 1.13.1) read with exact structure
 * and values: hard-coded expectations, plus a byte-exact comparison with torch.load when torch is
 * available.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectPth, readPth } from '../../../src/formats/pytorch/index.js';
import { OrderedDict, Tuple, type StateObject } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../../../src/tensor/half.js';
import { describeWithPython } from '../../helpers/python.js';
import { describeState } from './describe.js';
import { FIXTURES, torchDescribe } from './python.js';

const fixture = (name: string): string => join(FIXTURES, name);
const FILES = ['sd.pt', 'opt.pt', 'ckpt.pt', 'misc.pt', 'buf.pt', 'legacy.pt'];

function tensor(v: unknown): Tensor {
  expect(v).toBeInstanceOf(Tensor);
  return v as Tensor;
}

describe('torch 1.13 fixtures', () => {
  it('sd.pt: an OrderedDict state_dict with _metadata from BUILD', async () => {
    const sd = await readPth(fixture('sd.pt'));
    expect(sd).toBeInstanceOf(OrderedDict);
    const od = sd as OrderedDict;
    expect([...od.keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(tensor(od.get('0.weight')).toString()).toBe('F32[2,3]');
    for (const k of ['0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']) expect(tensor(od.get(k)).toString()).toBe('F32[2]');
    const nbt = tensor(od.get('1.num_batches_tracked'));
    expect(nbt.toString()).toBe('I64[]');
    expect(nbt.data[0]).toBe(1n);
    const meta = (od.attributes as StateObject)._metadata;
    expect(meta).toBeInstanceOf(OrderedDict);
    expect([...(meta as OrderedDict).entries()]).toEqual([['', { version: 1 }], ['0', { version: 1 }], ['1', { version: 2 }]]);
  });

  it('opt.pt: int state keys in a Map, betas as a Tuple, 0-d step tensors', async () => {
    const opt = (await readPth(fixture('opt.pt'))) as StateObject;
    const state = opt.state as Map<number, StateObject>;
    expect(state).toBeInstanceOf(Map);
    expect([...state.keys()]).toEqual([0, 1, 2, 3]);
    for (const s of state.values()) {
      expect(Object.keys(s)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
      expect(tensor(s.step).toString()).toBe('F32[]');
      expect(tensor(s.step).data[0]).toBe(1);
    }
    expect(tensor(state.get(0)?.exp_avg).toString()).toBe('F32[2,3]');
    const [group] = opt.param_groups as StateObject[];
    expect(group).toEqual({
      lr: 0.001, betas: new Tuple([0.9, 0.999]), eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false,
      foreach: null, capturable: false, differentiable: false, fused: false, params: [0, 1, 2, 3],
    });
    expect(group?.betas).toBeInstanceOf(Tuple);
  });

  it('ckpt.pt: the seed-style checkpoint dict with scalars, big ints and nested state', async () => {
    const c = (await readPth(fixture('ckpt.pt'))) as StateObject;
    expect(Object.keys(c)).toEqual(['model', 'optimizer', 'epoch', 'loss', 'big', 'neg', 'name', 'flags']);
    expect(c.epoch).toBe(3);
    expect(c.loss).toBe(0.5);
    expect(c.big).toBe(2 ** 40);
    expect(c.neg).toBe(-5);
    expect(c.name).toBe('run');
    expect(c.flags).toEqual([true, false, null]);
    expect(c.model).toBeInstanceOf(OrderedDict);
    expect(((c.optimizer as StateObject).state as Map<number, unknown>).size).toBe(4);
  });

  it('misc.pt: Parameter, strided view, f16, bf16, bool, 0-d int64', async () => {
    const m = (await readPth(fixture('misc.pt'))) as StateObject;
    expect(Object.keys(m)).toEqual(['p', 'view', 'h', 'b', 'bool', 's']);
    const p = tensor(m.p);
    expect(p.toString()).toBe('F32[2,3]');
    expect([...(p.data as Float32Array)]).toEqual([0, 1, 2, 3, 4, 5]);
    const view = tensor(m.view);
    expect(view.toString()).toBe('I64[3]');
    expect([...(view.data as BigInt64Array)]).toEqual([2n, 4n, 6n]);
    expect([...(tensor(m.h).data as Uint16Array)].map(float16BitsToFloat32)).toEqual([1, 1]);
    expect([...(tensor(m.b).data as Uint16Array)].map(bfloat16BitsToFloat32)).toEqual([1, 1]);
    expect(tensor(m.bool).dtype).toBe('BOOL');
    expect([...tensor(m.bool).bytes]).toEqual([1, 0]);
    expect(tensor(m.s).toString()).toBe('I64[]');
    expect(tensor(m.s).data[0]).toBe(7n);
  });

  it('buf.pt (archive/ folder) and legacy.pt (pre-1.6 stream) hold zeros(3)', async () => {
    for (const f of ['buf.pt', 'legacy.pt']) {
      const t = tensor(await readPth(fixture(f)));
      expect(t.toString()).toBe('F32[3]');
      expect([...(t.data as Float32Array)]).toEqual([0, 0, 0]);
    }
  });

  it('inspectPth reports layout, storages and views without reading data', async () => {
    const info = await inspectPth(fixture('misc.pt'));
    expect(info).toMatchObject({ format: 'zip', archiveName: 'misc', byteorder: 'little', version: 3, storageCount: 6, fileByteLength: 2047 });
    expect(info.tensorByteLength).toBe(24 + 24 + 4 + 4 + 2 + 8);
    expect(info.tensors.map((t) => t.name)).toEqual(['p', 'view', 'h', 'b', 'bool', 's']);
    expect(info.tensors[0]).toMatchObject({ dtype: 'F32', shape: [2, 3], parameter: true, requiresGrad: true, contiguous: true });
    expect(info.tensors[1]).toMatchObject({ dtype: 'I64', shape: [3], stride: [2], storageOffset: 2, storageByteLength: 80, byteLength: 24, contiguous: false });
    expect((await inspectPth(fixture('buf.pt'))).archiveName).toBe('archive');
    const legacy = await inspectPth(fixture('legacy.pt'));
    expect(legacy).toMatchObject({ format: 'legacy', archiveName: null, version: 1001 });
    expect(legacy.tensors[0]).toMatchObject({ dtype: 'F32', shape: [3], storageKey: '490854080' });
  });
});

describeWithPython(['torch'], 'torch 1.13 fixtures against torch.load', () => {
  it('every fixture: same types, key order, dtypes, shapes and bytes as torch.load', async () => {
    const expected = torchDescribe(FILES.map(fixture));
    for (const mmap of [true, false]) {
      for (const [i, f] of FILES.entries()) expect(describeState(await readPth(fixture(f), { mmap })), `${f}, mmap ${mmap}`).toEqual(expected[i]);
    }
  });
});
