/**
 * Exact summation of float64 values, so that metric states merge without any rounding: the sum
 * of any split of the data, merged in any order, is bit-for-bit the sum of the whole.
 *
 * Each value is split (Veltkamp) into a high and a low half of 26 bits and both halves are added
 * into a float64 bin chosen by the value's exponent; the bins cannot round for 2^24 additions, and
 * are then folded into one arbitrary-precision integer (the sum in units of 2^-1074).
 *
 * @module
 */
import { CkptError } from '../errors.js';

const BINS = 2048;
const FLUSH_EVERY = 1 << 24;
/** Values per {@link ExactSum.reserve} call in loops. */
export const RESERVE_CHUNK = 1 << 20;
const SPLITTER = 134217729; // 2^27 + 1
/** Exponents (biased) outside this range take the slow path: no Veltkamp split there. */
const MIN_FAST_EXP = 80;
const MAX_FAST_EXP = 1990;
/** The sum is stored as an integer count of this unit. */
const UNIT_EXP = -1074;

const NO_BINS = new Float64Array(0);
const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** `x` as an exact integer multiple of 2^-1074 (x must be finite). */
export function floatToUnits(x: number): bigint {
  if (x === 0) return 0n;
  scratch[0] = x;
  const hi = scratchBits[1] as number;
  const lo = scratchBits[0] as number;
  const exp = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp !== 0) mantissa |= 1n << 52n;
  const shift = BigInt(Math.max(exp, 1) - 1);
  const units = mantissa << shift;
  return x < 0 ? -units : units;
}

/** Bits of a non-negative `n` (from its hex digits: much faster than its binary string). */
function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return 4 * (hex.length - 1) + (32 - Math.clz32(parseInt(hex[0] as string, 16)));
}

/** `n * 2^exp2` rounded to the nearest float64 (ties to even). */
export function scaledBigToNumber(n: bigint, exp2: number): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  const a = negative ? -n : n;
  const len = bitLength(a);
  let top: bigint;
  let e = exp2;
  if (len <= 64) {
    top = a;
  } else {
    const shift = len - 64;
    top = a >> BigInt(shift);
    if ((top << BigInt(shift)) !== a) top |= 1n; // sticky bit: rounds ties correctly
    e += shift;
  }
  // Number() of a <= 64-bit integer is correctly rounded; scaling by 2^e is exact unless the result
  // overflows or falls into the subnormal range (then it rounds once more).
  let v = Number(top);
  while (e > 1000) {
    v *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    v *= 2 ** -1000;
    e += 1000;
  }
  v *= 2 ** e;
  return negative ? -v : v;
}

/** `num / den * 2^exp2` rounded to the nearest float64 (den > 0). */
export function ratioToNumber(num: bigint, den: bigint, exp2: number): number {
  if (den <= 0n) throw new CkptError('E_INTERNAL', 'ratioToNumber needs a positive denominator');
  if (num === 0n) return 0;
  const shift = Math.max(0, 70 + bitLength(den) - bitLength(num < 0n ? -num : num));
  const scaled = num << BigInt(shift);
  let q = scaled / den;
  if (q * den !== scaled) q |= 1n; // sticky bit (q has >= 70 bits, so this only breaks ties)
  return scaledBigToNumber(q, exp2 - shift);
}

/** JSON form of an {@link ExactSum}: the sum in units of 2^-1074 as a decimal string, or a non-finite value's name. */
export type ExactSumState = string;

/** Options of {@link ExactSum}. */
export interface ExactSumOptions {
  /**
   * Allocate the 32 KiB of bins behind {@link ExactSum.add} at the first `add`, not at once: for
   * sums filled by {@link ExactSum.addExact} and merges (the native kernel's), which never need
   * them. Such a sum adds more slowly once it does. Default: false.
   */
  lazyBins?: boolean;
}

/** An exact, order-independent sum of float64 values. */
export class ExactSum {
  /** Per-exponent partial sums of {@link add}; empty with `lazyBins` until the first `add`. */
  private bins: Float64Array;
  /** Whether a bin may be non-zero: flushes skip the scan of the bins otherwise. */
  private dirty = false;
  private pending = 0;
  private units = 0n;
  /** Sum of the non-finite values seen (NaN, Infinity, -Infinity), 0 when none. */
  private special = 0;

  /** An empty sum. */
  constructor(options: ExactSumOptions = {}) {
    this.bins = options.lazyBins ? NO_BINS : new Float64Array(2 * BINS);
  }

  /**
   * Makes room for `count` more additions (`addSquare` counts as 2) without rounding: flushes
   * the bins when needed. Callers of {@link add} in a loop call this first, once per 2^20 values;
   * {@link addAll} does it itself.
   */
  reserve(count: number): void {
    if (count > FLUSH_EVERY) throw new CkptError('E_INTERNAL', `reserve(${count}): at most ${FLUSH_EVERY} additions at a time`);
    if (this.pending + count > FLUSH_EVERY) this.flush();
    this.pending += count;
  }

  /** Adds every value of `values`. */
  addAll(values: ArrayLike<number>): void {
    for (let start = 0; start < values.length; start += RESERVE_CHUNK) {
      const end = Math.min(values.length, start + RESERVE_CHUNK);
      this.reserve(end - start);
      for (let i = start; i < end; i++) this.add(values[i] as number);
    }
  }

  /** Adds one value (after {@link reserve}). */
  add(x: number): void {
    scratch[0] = x;
    const exp = ((scratchBits[1] as number) >>> 20) & 0x7ff;
    if (exp < MIN_FAST_EXP || exp > MAX_FAST_EXP) {
      this.addSlow(x, exp);
      return;
    }
    const c = SPLITTER * x;
    const hi = c - (c - x);
    let bins = this.bins;
    if (bins.length === 0) bins = this.bins = new Float64Array(2 * BINS);
    this.dirty = true;
    bins[2 * exp] = (bins[2 * exp] as number) + hi;
    bins[2 * exp + 1] = (bins[2 * exp + 1] as number) + (x - hi);
  }

  /** Adds `x * x` exactly (both the rounded square and its rounding error; after `reserve(2)`). */
  addSquare(x: number): void {
    const p = x * x;
    const c = SPLITTER * x;
    const xh = c - (c - x);
    const xl = x - xh;
    this.add(p);
    if (p - p === 0) this.add(xh * xh - p + 2 * xh * xl + xl * xl);
  }

  private addSlow(x: number, exp: number): void {
    if (exp === 0x7ff) this.special += x;
    else this.units += floatToUnits(x);
  }

  private flush(): void {
    this.pending = 0;
    if (!this.dirty) return;
    this.dirty = false;
    const bins = this.bins;
    let acc = this.units;
    for (let i = 0; i < bins.length; i++) {
      const b = bins[i] as number;
      if (b !== 0) {
        acc += floatToUnits(b);
        bins[i] = 0;
      }
    }
    this.units = acc;
  }

  /**
   * Adds an exact sum computed elsewhere (the native kernel): `units` counts of 2^-1074 and the
   * sum of the non-finite values added, 0 when none.
   */
  addExact(units: bigint, special: number): void {
    this.units += units;
    this.special += special;
  }

  /** Adds everything another sum holds (exactly). */
  merge(other: ExactSum): void {
    other.flush();
    this.flush();
    this.units += other.units;
    this.special += other.special;
  }

  /** The exact sum as an integer number of 2^-1074 units (undefined when a non-finite value was added). */
  exact(): bigint | undefined {
    this.flush();
    return this.special === 0 ? this.units : undefined;
  }

  /** The sum, correctly rounded to float64 (NaN/±Infinity when such values were added). */
  value(): number {
    const units = this.exact();
    return units === undefined ? this.special : scaledBigToNumber(units, UNIT_EXP);
  }

  /** The sum divided by `n`, correctly rounded. */
  mean(n: number): number {
    const units = this.exact();
    if (units === undefined) return this.special;
    if (n === 0) return NaN;
    return ratioToNumber(units, BigInt(n), UNIT_EXP);
  }

  /** Forgets every value. */
  reset(): void {
    if (this.dirty) this.bins.fill(0);
    this.dirty = false;
    this.pending = 0;
    this.units = 0n;
    this.special = 0;
  }

  /** The JSON form of the sum. */
  state(): ExactSumState {
    this.flush();
    return this.special === 0 ? this.units.toString() : String(this.special);
  }

  /** Rebuilds a sum from {@link ExactSum.state}; throws `E_INVALID_ARGUMENT` on a malformed state. */
  static fromState(s: ExactSumState): ExactSum {
    const sum = new ExactSum({ lazyBins: true });
    if (/^-?\d+$/.test(s)) sum.units = BigInt(s);
    else if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') sum.special = Number(s);
    else throw new CkptError('E_INVALID_ARGUMENT', `not an exact-sum state: ${JSON.stringify(s.slice(0, 40))}`);
    return sum;
  }
}

/** The unit exponent of {@link ExactSum.exact}: the sum is `exact() * 2^UNIT_EXPONENT`. */
export const UNIT_EXPONENT = UNIT_EXP;
