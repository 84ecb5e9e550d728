/**
 * Sums and means computed in exactly NumPy's order, so that small reductions (per-class averages,
 * kappa's expected matrix) give scikit-learn's bits, not just its value.
 *
 * @module
 */

/** NumPy's pairwise summation (`np.add.reduce` on a contiguous float64 array). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i] as number;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (a[start + i + j] as number);
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.mean(values)` (NaN for no values). */
export function npMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/** `np.average(values, weights=weights)`: sum of products over the sum of weights. */
export function npWeightedAverage(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  const products = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) products[i] = (values[i] as number) * (weights[i] as number);
  return pairwiseSum(products) / pairwiseSum(weights);
}
