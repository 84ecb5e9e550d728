/**
 * Summary statistics of a tensor's values, for `ckpt inspect --stats`.
 *
 * @module
 */
import type { Tensor } from './tensor.js';
import { forEachNumber } from './values.js';

/** Statistics over the finite elements; NaN and infinities are counted apart. */
export interface TensorStats {
  /** Number of elements. */
  count: number;
  /** Smallest finite value, or null when there is none. */
  min: number | null;
  /** Largest finite value, or null when there is none. */
  max: number | null;
  /** Mean of the finite values, or null when there is none. */
  mean: number | null;
  /** Population standard deviation of the finite values, or null when there is none. */
  std: number | null;
  /** Number of NaN elements. */
  nan: number;
  /** Number of +Infinity and -Infinity elements. */
  inf: number;
  /** Number of elements equal to zero. */
  zeros: number;
}

/** Statistics of `t`, or `undefined` for dtypes whose elements are not plain numbers. */
export function tensorStats(t: Tensor): TensorStats | undefined {
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  let nan = 0;
  let inf = 0;
  let zeros = 0;
  // Welford's running mean and variance: stable for large tensors.
  let mean = 0;
  let m2 = 0;
  const ok = forEachNumber(t, (v) => {
    if (Number.isNaN(v)) {
      nan++;
      return;
    }
    if (!Number.isFinite(v)) {
      inf++;
      return;
    }
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
    finite++;
    const d = v - mean;
    mean += d / finite;
    m2 += d * (v - mean);
  });
  if (!ok) return undefined;
  const none = finite === 0;
  return {
    count: t.numel,
    min: none ? null : min,
    max: none ? null : max,
    mean: none ? null : mean,
    std: none ? null : Math.sqrt(m2 / finite),
    nan,
    inf,
    zeros,
  };
}
