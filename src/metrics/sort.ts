/**
 * A fast ascending sort of float64 values (scores of ranking metrics). Values are first spread
 * into up to 2^20 buckets by a monotone affine map of the value range (one scatter pass), then
 * each bucket is sorted where it sits in cache: insertion sort when small, an LSD radix sort on the
 * IEEE-754 bits (six 11-bit passes) when a skewed distribution makes it large. Several times
 * faster than `Float64Array.prototype.sort` on millions of scores. NaN must not occur (callers
 * validate); `-0` and `+0` compare equal and may come in either order.
 *
 * @module
 */

const SMALL = 1024;
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const MASK = RADIX - 1;
/** Digit positions: [word (0 = low 32 bits, 1 = high), shift]. */
const DIGITS: readonly (readonly [0 | 1, number])[] = [[0, 0], [0, 11], [0, 22], [1, 0], [1, 11], [1, 22]];

function inc(a: Int32Array, i: number): void {
  a[i] = (a[i] as number) + 1;
}

const MAX_BUCKETS = 1 << 20;
const INSERTION_MAX = 64;

/** Sorts finite values ascending, in place, and returns the array. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < SMALL) return values.sort();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const buckets = Math.min(MAX_BUCKETS, n >>> 3);
  const scale = (buckets - 1) / (max - min);
  if (!(max > min) || !Number.isFinite(scale) || scale === 0) return radixSortFloat64(values);
  // floor((x - min) * scale) never decreases as x grows (each step rounds monotonically).
  const keys = new Int32Array(n);
  const starts = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(((values[i] as number) - min) * scale);
    keys[i] = b;
    inc(starts, b + 1);
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  const out = new Float64Array(n);
  const next = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) {
    const b = keys[i] as number;
    const at = next[b] as number;
    out[at] = values[i] as number;
    next[b] = at + 1;
  }
  for (let b = 0; b < buckets; b++) {
    const lo = starts[b] as number;
    const hi = starts[b + 1] as number;
    if (hi - lo <= 1) continue;
    if (hi - lo <= INSERTION_MAX) insertionSort(out, lo, hi);
    else radixSortFloat64(out.subarray(lo, hi));
  }
  values.set(out);
  return values;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= lo && (a[j] as number) > x) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = x;
  }
}

/** LSD radix sort on the IEEE-754 bits; in place. */
function radixSortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < SMALL) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  const counts = new Int32Array(DIGITS.length * RADIX);
  for (let i = 0; i < n; i++) {
    let l = words[2 * i] as number;
    let h = words[2 * i + 1] as number;
    if (h >= 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    lo[i] = l;
    hi[i] = h;
    inc(counts, l & MASK);
    inc(counts, RADIX + ((l >>> 11) & MASK));
    inc(counts, 2 * RADIX + (l >>> 22));
    inc(counts, 3 * RADIX + (h & MASK));
    inc(counts, 4 * RADIX + ((h >>> 11) & MASK));
    inc(counts, 5 * RADIX + (h >>> 22));
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const next = new Int32Array(RADIX);
  for (let d = 0; d < DIGITS.length; d++) {
    const [word, shift] = DIGITS[d] as readonly [0 | 1, number];
    const base = d * RADIX;
    let sum = 0;
    let trivial = false;
    for (let b = 0; b < RADIX; b++) {
      const c = counts[base + b] as number;
      if (c === n) trivial = true;
      next[b] = sum;
      sum += c;
    }
    if (trivial) continue;
    const key = word === 0 ? lo : hi;
    for (let i = 0; i < n; i++) {
      const b = ((key[i] as number) >>> shift) & MASK;
      const at = next[b] as number;
      next[b] = at + 1;
      lo2[at] = lo[i] as number;
      hi2[at] = hi[i] as number;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i] as number;
    if (h >= 0x80000000) {
      words[2 * i] = lo[i] as number;
      words[2 * i + 1] = h ^ 0x80000000;
    } else {
      words[2 * i] = ~(lo[i] as number) >>> 0;
      words[2 * i + 1] = ~h >>> 0;
    }
  }
  return values;
}
