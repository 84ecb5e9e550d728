/**
 * A fast ascending sort of float64 values: an LSD radix sort on the IEEE-754 bits (mapped so
 * that unsigned order is numeric order), six passes of 11 bits, skipping passes where every key
 * has the same digit. Linear time; about 10x faster than `Float64Array.prototype.sort` on
 * millions of scores. NaN must not occur (callers validate); `-0` sorts just before `+0`.
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

/** Sorts finite values ascending, in place, and returns the array. */
export function sortFloat64(values: Float64Array): Float64Array {
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
