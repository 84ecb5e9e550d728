/**
 * Comparing two sets of named tensors: can B be loaded where A was, and how far apart are the
 * values. The engine behind `ckpt diff`.
 *
 * @module
 */
import type { Tensor } from './tensor.js';
import { isNumericDType, toFloat64Array } from './values.js';

/** One tensor present in both sets. */
export interface TensorDifference {
  name: string;
  /** `shape` / `dtype` when they differ (then no values are compared), else `values`. */
  status: 'equal' | 'values' | 'shape' | 'dtype';
  dtypeA: string;
  dtypeB: string;
  shapeA: readonly number[];
  shapeB: readonly number[];
  /** Largest |a - b| over the elements; null when not compared. NaN vs NaN counts as equal. */
  maxAbsDiff: number | null;
  /** Largest |a - b| / max(|a|, |b|) over the elements; null when not compared. */
  maxRelDiff: number | null;
  /** Elements whose values differ (bytes for non-numeric dtypes); null when not compared. */
  differing: number | null;
}

/** The comparison of two tensor sets. */
export interface TensorSetComparison {
  /** Names in A and not in B: what loading B where A was would leave unset. */
  missing: string[];
  /** Names in B and not in A. */
  unexpected: string[];
  /** Every name in both, in A's order. */
  common: TensorDifference[];
  /** True when B can be loaded where A was: same names, shapes and dtypes. */
  compatible: boolean;
  /** True when also every value is identical. */
  identical: boolean;
}

function compareValues(a: Tensor, b: Tensor): Pick<TensorDifference, 'maxAbsDiff' | 'maxRelDiff' | 'differing'> {
  if (!isNumericDType(a.dtype)) {
    let differing = 0;
    for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) differing++;
    return { maxAbsDiff: null, maxRelDiff: null, differing };
  }
  const va = toFloat64Array(a) ?? new Float64Array(0);
  const vb = toFloat64Array(b) ?? new Float64Array(0);
  let maxAbs = 0;
  let maxRel = 0;
  let differing = 0;
  for (let i = 0; i < va.length; i++) {
    const x = va[i] ?? 0;
    const y = vb[i] ?? 0;
    if (Object.is(x, y) || x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    differing++;
    const abs = Math.abs(x - y);
    const rel = abs / Math.max(Math.abs(x), Math.abs(y));
    if (!(abs <= maxAbs)) maxAbs = abs;
    if (!(rel <= maxRel)) maxRel = rel;
  }
  return { maxAbsDiff: maxAbs, maxRelDiff: maxRel, differing };
}

/** Compares tensor sets A and B by name. */
export function compareTensorSets(a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Tensor>): TensorSetComparison {
  const missing = [...a.keys()].filter((k) => !b.has(k));
  const unexpected = [...b.keys()].filter((k) => !a.has(k));
  const common: TensorDifference[] = [];
  for (const [name, ta] of a) {
    const tb = b.get(name);
    if (tb === undefined) continue;
    const base = { name, dtypeA: ta.dtype, dtypeB: tb.dtype, shapeA: ta.shape, shapeB: tb.shape };
    const sameShape = ta.shape.length === tb.shape.length && ta.shape.every((d, i) => d === tb.shape[i]);
    if (!sameShape) common.push({ ...base, status: 'shape', maxAbsDiff: null, maxRelDiff: null, differing: null });
    else if (ta.dtype !== tb.dtype) common.push({ ...base, status: 'dtype', maxAbsDiff: null, maxRelDiff: null, differing: null });
    else {
      const values = compareValues(ta, tb);
      common.push({ ...base, ...values, status: values.differing === 0 ? 'equal' : 'values' });
    }
  }
  const compatible = missing.length === 0 && unexpected.length === 0 && common.every((c) => c.status === 'equal' || c.status === 'values');
  return { missing, unexpected, common, compatible, identical: compatible && common.every((c) => c.status === 'equal') };
}
