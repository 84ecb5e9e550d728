/**
 * Exact decimal rounding of doubles, the base of Python-compatible number formatting: a double is
 * expanded to its exact decimal value with BigInt and rounded half-to-even, as CPython does
 * (JavaScript's `toFixed` rounds ties away from zero and switches to exponents past 1e21).
 *
 * @module
 */

/** The exact value of a finite `x >= 0` as `digits / 10^scale` (`digits` a BigInt). */
function exact(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** `n / 10^k` rounded half to even (k >= 0). */
function divRoundHalfEven(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const unit = 10n ** BigInt(k);
  const q = n / unit;
  const twice = (n % unit) * 2n;
  if (twice > unit || (twice === unit && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `|x|` (finite) in fixed notation with exactly `precision` digits after the point (none and no point when 0). */
export function toFixedExact(x: number, precision: number): string {
  const { digits, scale } = exact(Math.abs(x));
  const q = divRoundHalfEven(digits, scale - precision).toString();
  if (precision === 0) return q;
  const padded = q.padStart(precision + 1, '0');
  return `${padded.slice(0, -precision)}.${padded.slice(-precision)}`;
}

/**
 * `|x|` (finite) rounded to `significant` digits (>= 1): the digit string (exactly `significant`
 * digits) and the decimal exponent of its first digit. Zero gives zeros and exponent 0.
 */
export function toSignificantExact(x: number, significant: number): { digits: string; exponent: number } {
  const abs = Math.abs(x);
  if (abs === 0) return { digits: '0'.repeat(significant), exponent: 0 };
  const { digits, scale } = exact(abs);
  let exponent = digits.toString().length - 1 - scale;
  let q = divRoundHalfEven(digits, scale - (significant - 1 - exponent)).toString();
  if (q.length > significant) {
    q = q.slice(0, significant);
    exponent += 1;
  }
  return { digits: q, exponent };
}

/** The shortest digits that read back as `|x|` (finite, non-zero), with the exponent of the first. */
export function toShortest(x: number): { digits: string; exponent: number } {
  const [mantissa = '0', exp = '0'] = Math.abs(x).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}
