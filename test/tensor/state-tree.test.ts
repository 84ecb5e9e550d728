import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../src/errors.js';
import { OrderedDict, Tuple, flattenState, unflattenState, type StateKey, type StateValue } from '../../src/tensor/state-tree.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Deep equality that tells tuples from lists, Maps from objects, -0 from 0, and compares tensors by content. */
function same(a: StateValue, b: StateValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return a === b;
  if (a instanceof Tensor || b instanceof Tensor) return a instanceof Tensor && b instanceof Tensor && a.equals(b);
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  }
  if (a instanceof Tuple || b instanceof Tuple) {
    return a instanceof Tuple && b instanceof Tuple && a.length === b.length && a.items.every((v, i) => same(v, b.items[i] ?? null));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v as StateValue, b[i] as StateValue));
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    if ((a instanceof OrderedDict) !== (b instanceof OrderedDict)) return false;
    if (a instanceof OrderedDict && b instanceof OrderedDict && !same(a.attributes ?? null, b.attributes ?? null)) return false;
    const ea = [...a.entries()];
    const eb = [...b.entries()];
    return ea.every(([k, v], i) => Object.is(k, eb[i]?.[0]) && same(v, eb[i]?.[1] ?? null));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, StateValue>;
  const rb = b as Record<string, StateValue>;
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(ra[k] ?? null, rb[k] ?? null));
}

function roundTrip(tree: StateValue): StateValue {
  const { tensors, skeleton } = flattenState(tree);
  const json = JSON.parse(JSON.stringify(skeleton)) as typeof skeleton;
  return unflattenState(tensors, json);
}

const tensorArb = fc
  .tuple(fc.constantFrom('F32', 'I64', 'U8', 'BF16' as const), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }))
  .map(([dtype, shape]) => Tensor.zeros(dtype, shape));
const keyArb: fc.Arbitrary<StateKey> = fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null));
const leafArb: fc.Arbitrary<StateValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.bigInt(),
  fc.string(),
  fc.uint8Array({ maxLength: 8 }),
  tensorArb,
);
const { tree: treeArb } = fc.letrec<{ tree: StateValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(tie('tree'), { maxLength: 4 }).map((items) => new Tuple(items)),
    fc.dictionary(fc.string(), tie('tree'), { maxKeys: 4 }) as fc.Arbitrary<StateValue>,
    fc.array(fc.tuple(keyArb, tie('tree')), { maxLength: 4 }).map((e) => new Map(e)),
    fc.array(fc.tuple(keyArb, tie('tree')), { maxLength: 4 }).map((e) => new OrderedDict(e)),
  ),
}));

describe('state trees', () => {
  it('split into tensors and a JSON skeleton and join back exactly (property)', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        expect(same(roundTrip(tree), tree)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('names tensors by dotted path and keeps what JSON cannot say', () => {
    const w = Tensor.from('F32', [2], [1, 2]);
    const step = Tensor.from('F32', [], [3]);
    const sd = new OrderedDict([['0.weight', w]]);
    sd.attributes = { _metadata: { '': { version: 1 } } };
    const tree: StateValue = {
      epoch: 7,
      model_state_dict: sd,
      optimizer_state_dict: {
        state: new Map<StateKey, StateValue>([[0, { step, exp_avg: w }]]),
        param_groups: [{ lr: 0.001, betas: new Tuple([0.9, 0.999]), params: [0] }],
      },
      best_val_acc: NaN,
      big: 2n ** 70n,
      neg0: -0,
      raw: new Uint8Array([1, 2, 3]),
      $weird: 'dollar key',
    };
    const { tensors, skeleton } = flattenState(tree);
    expect([...tensors.keys()]).toEqual(['model_state_dict.0.weight', 'optimizer_state_dict.state.0.step']);
    const back = roundTrip(tree);
    expect(same(back, tree)).toBe(true);
    const opt = (back as Record<string, StateValue>).optimizer_state_dict as Record<string, StateValue>;
    const state = opt.state as Map<StateKey, StateValue>;
    // the shared tensor `w` comes back as one object in both places
    expect((state.get(0) as Record<string, StateValue>).exp_avg).toBe(((back as Record<string, StateValue>).model_state_dict as OrderedDict).get('0.weight'));
    expect(JSON.stringify(skeleton)).toContain('"$bigint":"1180591620717411303424"');
  });

  it('prefixes tensor names and makes colliding paths unique', () => {
    const a = Tensor.zeros('U8', [1]);
    const b = Tensor.zeros('U8', [2]);
    const { tensors } = flattenState({ 'x.y': a, x: { y: b } }, { prefix: 'model' });
    expect([...tensors.keys()]).toEqual(['model.x.y', 'model.x.y#1']);
  });

  it('rejects values a checkpoint cannot hold, naming the path', () => {
    const bad: [unknown, RegExp][] = [
      [{ a: { f: () => 1 } }, /a\.f/],
      [{ arr: new Float32Array(2) }, /Tensor\.fromTypedArray/],
      [{ d: new Date() }, /Date/],
      [{ s: Symbol('x') }, /symbol/],
    ];
    for (const [value, message] of bad) {
      let caught: unknown;
      try {
        flattenState(value as StateValue);
      } catch (err) {
        caught = err;
      }
      expect(isCkptError(caught, 'E_STATE_TREE')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => flattenState(cyclic as StateValue)).toThrow(/cycle/);
  });

  it('treats the skeleton as untrusted', () => {
    const cases: unknown[] = [
      { $tensor: 5 },
      { $float: 'nope' },
      { $bigint: '1e5' },
      { $dict: [[1]] },
      { $unknown: 1 },
      { $object: [[1, 2]] },
    ];
    for (const skeleton of cases) {
      expect(() => unflattenState(new Map(), skeleton as never)).toThrow(/malformed state skeleton/);
    }
    let caught: unknown;
    try {
      unflattenState(new Map(), { $tensor: 'missing' });
    } catch (err) {
      caught = err;
    }
    expect(isCkptError(caught, 'E_NOT_FOUND')).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => unflattenState(new Map(), deep as never)).toThrow(/nesting deeper/);
  });
});
