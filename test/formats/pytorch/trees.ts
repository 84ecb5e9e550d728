/**
 * Seeded generators of state trees for the write tests: every dtype torch 1.13 has, and a
 * fast-check arbitrary of nested Python-like values.
 */
import fc from 'fast-check';
import type { DType } from '../../../src/tensor/dtype.js';
import { OrderedDict, Tuple, type StateValue } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { prng } from '../../helpers/random.js';

/** The dtypes `writePth` supports (torch 1.13's legacy storage classes). */
export const TORCH_DTYPES: readonly DType[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'C64'];

/** A tensor of `dtype` and `shape` with random bytes (booleans 0/1). */
export function randomTensor(dtype: DType, shape: readonly number[], rand: () => number): Tensor {
  const t = Tensor.zeros(dtype, shape);
  for (let i = 0; i < t.bytes.length; i++) t.bytes[i] = dtype === 'BOOL' ? (rand() < 0.5 ? 1 : 0) : Math.floor(rand() * 256);
  return t;
}

const tensorArb: fc.Arbitrary<StateValue> = fc
  .tuple(fc.constantFrom(...TORCH_DTYPES), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.integer())
  .map(([dtype, shape, seed]) => randomTensor(dtype, shape, prng(seed)));

const keyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -1000, max: 1000 }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }));

/** Nested Python-like values: what a checkpoint's non-tensor part can hold. */
export const stateArb: fc.Arbitrary<StateValue> = fc.letrec<{ value: StateValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.uint8Array({ maxLength: 8 }),
    tensorArb,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 4 }).map((xs) => new Tuple(xs)),
    fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie('value')), { maxLength: 4 }).map((es) => Object.fromEntries(es) as StateValue),
    fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map((es) => new Map(es)),
    fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie('value')), { maxLength: 4 }).map((es) => new OrderedDict(es)),
  ),
})).value;

/** The seed article's checkpoint dict, with every dtype in the model part and int-keyed optimizer state. */
export function seedCheckpoint(seed: number): StateValue {
  const rand = prng(seed);
  const sd = new OrderedDict();
  TORCH_DTYPES.forEach((d, i) => sd.set(`layer${i}.weight`, randomTensor(d, [2, i % 3 + 1], rand)));
  sd.set('bn.num_batches_tracked', randomTensor('I64', [], rand));
  sd.set('empty', Tensor.zeros('F32', [0, 3]));
  const meta = new OrderedDict([['', { version: 1 }], ['bn', { version: 2 }]]);
  sd.attributes = { _metadata: meta };
  const shared = randomTensor('F32', [3], rand);
  const state = new Map<number, StateValue>([
    [0, { step: randomTensor('F32', [], rand), exp_avg: shared, exp_avg_sq: randomTensor('F32', [3], rand) }],
    [1, { step: 12, momentum_buffer: shared }],
  ]);
  return {
    epoch: 7,
    model_state_dict: sd,
    optimizer_state_dict: {
      state,
      param_groups: [{ lr: 0.001, betas: new Tuple([0.9, 0.999]), eps: 1e-8, weight_decay: 0, amsgrad: false, foreach: null, params: [0, 1] }],
    },
    best_val_acc: 0.9133,
    big: 2n ** 64n + 5n,
    neg_big: -(2n ** 63n),
    blob: new Uint8Array([0, 255, 128, 10]),
    empty_blob: new Uint8Array(0),
    name: 'ünï€ode 😀',
  };
}
