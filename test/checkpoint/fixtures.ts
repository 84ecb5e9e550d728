/** Small state trees and clocks for checkpoint tests. */
import { Tensor } from '../../src/tensor/tensor.js';
import { Tuple, type StateValue } from '../../src/tensor/state-tree.js';

/** A model + optimizer + RNG state whose tensor values depend on `seed`. */
export function trainingState(seed: number, n = 16): StateValue {
  const w = new Float32Array(n).map((_, i) => seed * 1000 + i);
  const m = new Float32Array(n).map((_, i) => -seed - i / 10);
  return {
    model: { 'layer.weight': Tensor.from('F32', [n], w), bias: Tensor.from('F64', [2], [seed, -seed]) },
    optimizer: { state: new Map<number, StateValue>([[0, { exp_avg: Tensor.from('F32', [n], m), step: seed }]]), param_groups: [{ lr: 0.001 }] },
    rng: { seed: BigInt(seed) * 2n ** 40n, state: new Tuple([seed, 'mt19937']) },
    epoch: seed,
    counts: Tensor.from('I64', [1], [BigInt(seed)]),
  };
}

/** A manual clock: `now()` returns the time, `advance(ms)` moves it. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Collects warnings. */
export function warnings(): { list: string[]; onWarning: (m: string) => void } {
  const list: string[] = [];
  return { list, onWarning: (m) => void list.push(m) };
}
