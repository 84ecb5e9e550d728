import { describe, expect, it } from 'vitest';
import { formatDuration, keepEveryNEpochs, keepLastN, keepTopK, keepWithin } from '../../../src/checkpoint/policies/retention-policies.js';
import type { RetentionContext } from '../../../src/checkpoint/policies/types.js';
import { ckpt, T0 } from './records.js';

const rctx: RetentionContext = { now: T0 + 3_600_000, protected: new Map() };
const entries = (m: ReadonlyMap<string, string>) => [...m.entries()];

describe('keepTopK', () => {
  const top2 = keepTopK({ k: 2, monitor: 'val_acc', mode: 'max' });
  it('keeps the k best, best first, with self-describing reasons', () => {
    const cs = [ckpt(0, { val_acc: 0.9 }), ckpt(1, { val_acc: 0.97222 }), ckpt(2, { val_acc: 0.95 })];
    expect(entries(top2.keep(cs, rctx))).toEqual([
      ['e1', 'top 1/2 by val_acc=0.9722'],
      ['e2', 'top 2/2 by val_acc=0.95'],
    ]);
    expect(top2.name).toBe('top 2 by val_acc (max)');
  });
  it('follows mode min', () => {
    const cs = [ckpt(0, { loss: 3 }), ckpt(1, { loss: 1 }), ckpt(2, { loss: 2 })];
    expect([...keepTopK({ k: 1, monitor: 'loss', mode: 'min' }).keep(cs, rctx).keys()]).toEqual(['e1']);
  });
  it('never puts NaN or a missing metric in the top', () => {
    const cs = [ckpt(0, { val_acc: Number.NaN }), ckpt(1, {}), ckpt(2, { val_acc: 0.1 })];
    expect([...top2.keep(cs, rctx).keys()]).toEqual(['e2']);
  });
  it('breaks ties by keeping the older checkpoint, as Lightning', () => {
    const cs = [ckpt(2, { val_acc: 0.9 }), ckpt(0, { val_acc: 0.9 }), ckpt(1, { val_acc: 0.9 })];
    expect([...top2.keep(cs, rctx).keys()]).toEqual(['e0', 'e1']);
  });
  it('counts checkpoints from before a restart like any other', () => {
    const before = [ckpt(0, { val_acc: 0.99 }), ckpt(1, { val_acc: 0.5 })];
    const after = [ckpt(2, { val_acc: 0.9 }), ckpt(3, { val_acc: 0.8 })];
    expect([...top2.keep([...before, ...after], rctx).keys()]).toEqual(['e0', 'e2']);
  });
  it('k = 0 keeps none; negative k is rejected', () => {
    expect(keepTopK({ k: 0, monitor: 'a', mode: 'max' }).keep([ckpt(0, { a: 1 })], rctx).size).toBe(0);
    expect(() => keepTopK({ k: -1, monitor: 'a', mode: 'max' })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('keepLastN', () => {
  it('keeps the n latest by step, whatever the input order', () => {
    const cs = [ckpt(3), ckpt(0), ckpt(2), ckpt(1)];
    expect(entries(keepLastN(2).keep(cs, rctx))).toEqual([
      ['e3', 'last 1/2'],
      ['e2', 'last 2/2'],
    ]);
    expect(keepLastN(0).keep(cs, rctx).size).toBe(0);
    expect(keepLastN(10).keep(cs, rctx).size).toBe(4);
  });
  it('orders equal steps by time', () => {
    const cs = [ckpt(1, {}, { name: 'late', time: T0 + 5 }), ckpt(1, {}, { name: 'early', time: T0 + 1 })];
    expect([...keepLastN(1).keep(cs, rctx).keys()]).toEqual(['late']);
  });
});

describe('keepEveryNEpochs', () => {
  it('keeps the oldest, then each first checkpoint n epochs past the last kept one', () => {
    const cs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((e) => ckpt(e));
    expect([...keepEveryNEpochs(5).keep(cs, rctx).keys()]).toEqual(['e0', 'e5', 'e10']);
    expect(keepEveryNEpochs(5).keep(cs, rctx).get('e5')).toBe('every 5 epochs (epoch 5)');
  });
  it('copes with gaps in the saved epochs', () => {
    const cs = [1, 3, 7, 8, 12, 13].map((e) => ckpt(e));
    expect([...keepEveryNEpochs(5).keep(cs, rctx).keys()]).toEqual(['e1', 'e7', 'e12']);
  });
  it('keeps the same choice after the others are removed', () => {
    const cs = [0, 1, 2, 3, 4, 5, 6].map((e) => ckpt(e));
    const first = [...keepEveryNEpochs(3).keep(cs, rctx).keys()];
    const survivors = cs.filter((c) => first.includes(c.name));
    expect([...keepEveryNEpochs(3).keep([...survivors, ckpt(7), ckpt(9)], rctx).keys()]).toEqual(['e0', 'e3', 'e6', 'e9']);
  });
});

describe('keepWithin', () => {
  it('keeps what was saved within the duration before ctx.now', () => {
    const cs = [ckpt(0, {}, { time: T0 }), ckpt(1, {}, { time: T0 + 600_000 }), ckpt(2, {}, { time: T0 + 3_000_000 })];
    const p = keepWithin(3_000_000);
    expect(p.name).toBe('within 50m');
    expect(entries(p.keep(cs, rctx))).toEqual([
      ['e1', 'within 50m (saved 50m ago)'],
      ['e2', 'within 50m (saved 10m ago)'],
    ]);
  });
  it('keeps checkpoints timed after now', () => {
    expect(keepWithin(0).keep([ckpt(0, {}, { time: rctx.now + 1 })], rctx).size).toBe(1);
  });
});

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [42_000, '42s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [90_061_000, '1d1h'],
  ])('%d ms -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
