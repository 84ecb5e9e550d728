import { describe, expect, it } from 'vitest';
import { checkName, joinTensors, splitTensors } from '../../src/checkpoint/layout.js';
import { decodeManifest, encodeManifest, type Manifest } from '../../src/checkpoint/manifest.js';
import { Tensor } from '../../src/tensor/tensor.js';

const t = (v: number): Tensor => Tensor.from('F32', [1], [v]);

describe('tensor files', () => {
  it('sends model.* and optimizer.* to their files without the prefix, everything else to extra', () => {
    const flat = new Map([
      ['model.layer.weight', t(1)],
      ['optimizer.state.0.exp_avg', t(2)],
      ['modelish', t(3)],
      ['model', t(4)],
    ]);
    const files = splitTensors(flat);
    expect([...files.keys()]).toEqual(['model.safetensors', 'optimizer.safetensors', 'extra.safetensors']);
    expect([...(files.get('model.safetensors')?.keys() ?? [])]).toEqual(['layer.weight']);
    expect([...(files.get('optimizer.safetensors')?.keys() ?? [])]).toEqual(['state.0.exp_avg']);
    expect([...(files.get('extra.safetensors')?.keys() ?? [])]).toEqual(['modelish', 'model']);
    expect([...joinTensors(files).keys()].sort()).toEqual([...flat.keys()].sort());
  });

  it('always has a model file, even without model tensors', () => {
    expect([...splitTensors(new Map()).keys()]).toEqual(['model.safetensors']);
  });

  it('rejects a name found in two files', () => {
    const files = new Map([
      ['model.safetensors', new Map([['a', t(1)]])],
      ['extra.safetensors', new Map([['model.a', t(2)]])],
    ]);
    expect(() => joinTensors(files)).toThrow(/two files/);
  });

  it('accepts only single-directory checkpoint names', () => {
    for (const bad of ['', '.', '..', 'a/b', '.tmp-x', 'x'.repeat(256)]) expect(() => checkName(bad)).toThrow(/invalid checkpoint name/);
    expect(() => checkName('epoch=0003-val_acc=0.9722')).not.toThrow();
  });
});

describe('manifest', () => {
  const m: Manifest = {
    format: 'ckpt.checkpoint', version: 1, name: 'e1', created: '2026-01-01T00:00:00.000Z', time: 1, epoch: 1, step: 10,
    metrics: { loss: NaN, acc: 0.5, up: Infinity }, reasons: ['every call'], trigger: 'force',
    files: { 'model.safetensors': { size: 8, crc32c: '0000abcd' } },
  };

  it('round-trips, non-finite metrics included', () => {
    const back = decodeManifest(encodeManifest(m), 'test');
    expect(back).toEqual(m);
    expect(Number.isNaN(back.metrics.loss)).toBe(true);
  });

  it('rejects what is not a manifest as E_INCOMPLETE, with where', () => {
    const enc = (v: object): Uint8Array => new TextEncoder().encode(JSON.stringify({ ...v, metrics: { acc: 0.5 } }));
    expect(() => decodeManifest(new Uint8Array([0x7b]), 'x')).toThrow(expect.objectContaining({ code: 'E_INCOMPLETE' }));
    expect(() => decodeManifest(enc({ ...m, version: 2 }), 'x')).toThrow(/version/);
    expect(() => decodeManifest(enc({ ...m, files: { '../evil': { size: 1, crc32c: '00000000' } } }), 'x')).toThrow(expect.objectContaining({ code: 'E_INCOMPLETE' }));
    expect(() => decodeManifest(enc({ ...m, files: { 'manifest.json': { size: 1, crc32c: '00000000' } } }), 'x')).toThrow(/lists itself/);
    expect(() => decodeManifest(enc({ ...m, files: { a: { size: -1, crc32c: '00000000' } } }), 'x')).toThrow(expect.objectContaining({ code: 'E_INCOMPLETE' }));
  });
});
