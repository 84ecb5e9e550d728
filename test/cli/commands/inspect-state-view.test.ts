/** The compact rendering of a state skeleton that `ckpt inspect` prints. */
import { describe, expect, it } from 'vitest';
import { renderSkeleton } from '../../../src/cli/commands/state-view.js';
import { flattenState, OrderedDict, Tuple } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const t = () => Tensor.from('F32', [2], [1, 2]);

describe('renderSkeleton', () => {
  it('prints Python-style values: None/True/False, tuples (one-element too), exact big ints, nan/inf, bytes by length', () => {
    const { skeleton } = flattenState({
      none: null,
      flags: [true, false],
      one: new Tuple([1]),
      pair: new Tuple([0.9, 0.999]),
      big: 2n ** 70n,
      odd: [NaN, Infinity, -Infinity, -0],
      blob: new Uint8Array(5),
      name: 'run "a"',
    });
    expect(renderSkeleton(skeleton)).toEqual([
      'none: None',
      'flags: [True, False]',
      'one: (1,)',
      'pair: (0.9, 0.999)',
      'big: 1180591620717411303424',
      'odd: [nan, inf, -inf, -0]',
      'blob: bytes(5)',
      'name: "run \\"a\\""',
    ]);
  });

  it('collapses containers of only tensors to a count, describes single tensors, keeps int keys', () => {
    const sd = new OrderedDict([['w', t()], ['b', t()]]);
    const { skeleton } = flattenState({ model: sd, opt: { state: new Map([[0, { exp_avg: t() }]]), lr: 0.1 }, rng: t() });
    expect(renderSkeleton(skeleton, { describeTensor: (name) => (name === 'rng' ? 'U8[4]' : undefined) })).toEqual([
      'model: OrderedDict of 2 tensors',
      'opt: {state: {0: {exp_avg: tensor}}, lr: 0.1}',
      'rng: U8[4]',
    ]);
  });

  it('expands what does not fit on a line, and counts what is past maxChildren', () => {
    const long = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`key_number_${i}`, `value number ${i}`]));
    const { skeleton } = flattenState({ cfg: long, list: Array.from({ length: 5 }, (_, i) => ({ a: i, b: t(), s: 'x'.repeat(30) })) });
    const lines = renderSkeleton(skeleton, { width: 80, maxChildren: 3 });
    expect(lines).toEqual([
      'cfg:',
      '  key_number_0: "value number 0"',
      '  key_number_1: "value number 1"',
      '  key_number_2: "value number 2"',
      '  ... 3 more',
      'list:',
      `  0: {a: 0, b: tensor, s: "${'x'.repeat(30)}"}`,
      `  1: {a: 1, b: tensor, s: "${'x'.repeat(30)}"}`,
      `  2: {a: 2, b: tensor, s: "${'x'.repeat(30)}"}`,
      '  ... 2 more',
    ]);
  });

  it('a root that is not a container is one line', () => {
    expect(renderSkeleton(flattenState(t()).skeleton)).toEqual(['tensor']);
    expect(renderSkeleton(flattenState(3).skeleton)).toEqual(['3']);
  });
});
