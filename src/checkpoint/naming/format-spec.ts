/**
 * The number part of Python's format-specification mini-language, as `format(value, spec)` renders
 * it: `[[fill]align][sign][0][width][grouping][.precision][type]` with align `< > ^ =`, sign
 * `+ - space`, grouping `,` or `_`, and types `d f F e E g G %` or none. Outputs match CPython
 * digit for digit (exact half-to-even rounding). Not supported, with a clear E_TEMPLATE: `#`, `z`,
 * `n`, and the types `b c o x X s`.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { toFixedExact, toShortest, toSignificantExact } from './decimal.js';

/** The largest width or precision accepted (names are single path segments of at most 255 bytes). */
export const MAX_FORMAT_WIDTH = 255;

/** The presentation types supported. `''` is no type. */
export type FormatType = '' | 'd' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%';

/** A parsed format spec. */
export interface FormatSpec {
  /** The padding character. Default: space, or `0` after the `0` flag. */
  readonly fill: string;
  /** Where the padding goes; `=` pads between the sign and the digits. Default: `>`, or `=` after the `0` flag. */
  readonly align: '<' | '>' | '^' | '=';
  /** `+`: sign always; space: a space for non-negative numbers; `-`: sign only when negative. Default: `-`. */
  readonly sign: '+' | '-' | ' ';
  /** The minimum width of the whole result. Default: `0`. */
  readonly width: number;
  /** Separator inserted every three digits of the integer part. Default: none (`''`). */
  readonly grouping: ',' | '_' | '';
  /** Digits after the point (`f e %`) or significant digits (`g`, none). Default: `undefined`, i.e. 6 (or shortest for no type). */
  readonly precision: number | undefined;
  /** The presentation type. Default: `''` (integers as `d`, floats as Python's `str`). */
  readonly type: FormatType;
}

/** Whether a number is an integer (`epoch`, `step`: Python `int`) or a float (metrics: Python `float`). */
export type NumberKind = 'int' | 'float';

const ALIGNS = '<>^=';
const TYPES = 'dfFeEgG%';
const UNSUPPORTED_TYPES = 'bcoxXns';

function specError(spec: string, why: string): CkptError {
  return new CkptError('E_TEMPLATE', `format spec "${spec}": ${why}`, { details: { spec } });
}

/** Parses `spec` (the text after `:` in `{val_loss:.4f}`); throws E_TEMPLATE when malformed or unsupported. */
export function parseFormatSpec(spec: string): FormatSpec {
  const chars = Array.from(spec);
  let i = 0;
  let fill: string | undefined;
  let align: FormatSpec['align'] | undefined;
  if (chars.length >= 2 && ALIGNS.includes(chars[1] ?? '')) {
    fill = chars[0];
    align = chars[1] as FormatSpec['align'];
    i = 2;
  } else if (chars.length >= 1 && ALIGNS.includes(chars[0] ?? '')) {
    align = chars[0] as FormatSpec['align'];
    i = 1;
  }
  let sign: FormatSpec['sign'] = '-';
  if (chars[i] === '+' || chars[i] === '-' || chars[i] === ' ') sign = chars[i++] as FormatSpec['sign'];
  if (chars[i] === 'z' || chars[i] === '#') throw specError(spec, `option "${chars[i]}" is not supported`);
  if (chars[i] === '0') {
    i++;
    fill ??= '0';
    align ??= '=';
  }
  const readInt = (): number | undefined => {
    const start = i;
    while (i < chars.length && /[0-9]/.test(chars[i] ?? '')) i++;
    if (i === start) return undefined;
    const n = Number(chars.slice(start, i).join(''));
    if (n > MAX_FORMAT_WIDTH) throw specError(spec, `${n} is larger than the limit ${MAX_FORMAT_WIDTH}`);
    return n;
  };
  const width = readInt() ?? 0;
  let grouping: FormatSpec['grouping'] = '';
  if (chars[i] === ',' || chars[i] === '_') grouping = chars[i++] as FormatSpec['grouping'];
  let precision: number | undefined;
  if (chars[i] === '.') {
    i++;
    precision = readInt();
    if (precision === undefined) throw specError(spec, 'missing precision after "."');
  }
  let type: FormatType = '';
  const t = chars[i];
  if (t !== undefined && TYPES.includes(t)) {
    type = t as FormatType;
    i++;
  } else if (t !== undefined && UNSUPPORTED_TYPES.includes(t)) {
    throw specError(spec, `type "${t}" is not supported (supported: d f F e E g G % or none)`);
  }
  if (i !== chars.length) throw specError(spec, `unexpected "${chars.slice(i).join('')}" (expected [[fill]align][sign][0][width][,|_][.precision][type])`);
  return { fill: fill ?? ' ', align: align ?? '>', sign, width, grouping, precision, type };
}

/**
 * `value` formatted as Python's `format(value, spec)` would format an `int` (`kind = 'int'`) or a
 * `float` (`kind = 'float'`). One deliberate difference: type `d` accepts a float kind whose value
 * is a whole number (`3` but not `3.5`), since JavaScript numbers do not say int or float.
 */
export function formatNumber(value: number, spec: string | FormatSpec, kind: NumberKind): string {
  const source = typeof spec === 'string' ? spec : '(parsed)';
  const s = typeof spec === 'string' ? parseFormatSpec(spec) : spec;
  const intLike = kind === 'int' || (s.type === 'd' && Number.isInteger(value));
  if (s.type === 'd' && !intLike) throw specError(source, `type "d" needs a whole number, got ${value}`);
  if (intLike && (s.type === 'd' || (s.type === '' && kind === 'int')) && s.precision !== undefined) {
    throw specError(source, 'precision is not allowed with integers');
  }
  const negative = value < 0 || (!intLike && Object.is(value, -0));
  const signText = negative ? '-' : s.sign === '-' ? '' : s.sign;

  let body: string;
  if (intLike && (s.type === 'd' || s.type === '')) body = BigInt(value).toString().replace('-', '');
  else body = floatBody(value, s);
  const finite = /^[0-9]/.test(body); // false for inf/nan, including a finite value that overflowed under %
  if (finite && s.grouping !== '') body = groupIntegerPart(body, s.grouping);
  return pad(signText, body, s, finite);
}

/** The unsigned body of a float: digits, point, exponent or `%`, or `inf`/`nan`. */
function floatBody(raw: number, s: FormatSpec): string {
  const value = s.type === '%' ? raw * 100 : raw;
  const upper = s.type === 'F' || s.type === 'E' || s.type === 'G';
  if (!Number.isFinite(value)) {
    const text = Number.isNaN(value) ? 'nan' : 'inf';
    return (upper ? text.toUpperCase() : text) + (s.type === '%' ? '%' : '');
  }
  switch (s.type) {
    case 'f':
    case 'F':
      return toFixedExact(value, s.precision ?? 6);
    case '%':
      return `${toFixedExact(value, s.precision ?? 6)}%`;
    case 'e':
    case 'E': {
      const p = s.precision ?? 6;
      const { digits, exponent } = toSignificantExact(value, p + 1);
      return scientific(digits, exponent, upper);
    }
    case 'g':
    case 'G': {
      const p = Math.max(s.precision ?? 6, 1);
      const { digits, exponent } = toSignificantExact(value, p);
      return general(digits, exponent, exponent >= -4 && exponent < p, false, upper);
    }
    default: {
      if (s.precision === undefined) {
        if (value === 0) return '0.0';
        const { digits, exponent } = toShortest(value);
        return general(digits, exponent, exponent >= -4 && exponent < 16, true, false);
      }
      const p = Math.max(s.precision, 1);
      const { digits, exponent } = toSignificantExact(value, p);
      return general(digits, exponent, exponent >= -4 && exponent < p - 1, true, false);
    }
  }
}

/** `d.ddde+XX` from significant digits and the exponent of the first. */
function scientific(digits: string, exponent: number, upper: boolean): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${mantissa}${upper ? 'E' : 'e'}${exp}`;
}

/** Python's `g` (and no-type) rendering: trailing zeros dropped; `addDot0` keeps `.0` in fixed form. */
function general(digits: string, exponent: number, fixed: boolean, addDot0: boolean, upper: boolean): string {
  const trimmed = digits.replace(/0+$/, '') || '0';
  if (!fixed) return scientific(trimmed, exponent, upper);
  let text: string;
  if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${trimmed}`;
  else if (trimmed.length > exponent + 1) text = `${trimmed.slice(0, exponent + 1)}.${trimmed.slice(exponent + 1)}`;
  else text = trimmed.padEnd(exponent + 1, '0');
  return addDot0 && !text.includes('.') ? `${text}.0` : text;
}

/** Inserts `sep` every three digits in the leading run of digits of `body`. */
function groupIntegerPart(body: string, sep: string): string {
  const match = /^[0-9]+/.exec(body);
  if (match === null) return body;
  const int = match[0];
  return groupDigits(int, sep) + body.slice(int.length);
}

function groupDigits(int: string, sep: string): string {
  const parts: string[] = [];
  for (let end = int.length; end > 0; end -= 3) parts.unshift(int.slice(Math.max(0, end - 3), end));
  return parts.join(sep);
}

/** Applies fill, alignment and width; zero padding with grouping groups the padding, as CPython. */
function pad(sign: string, body: string, s: FormatSpec, finite: boolean): string {
  const missing = s.width - sign.length - body.length;
  if (missing <= 0) return sign + body;
  if (s.align === '=' && s.fill === '0' && s.grouping !== '' && finite) {
    const int = /^[0-9]+/.exec(body.replace(new RegExp(`\\${s.grouping}`, 'g'), ''))?.[0] ?? '';
    const rest = body.slice(groupDigits(int, s.grouping).length);
    const target = s.width - sign.length - rest.length;
    let zeros = int;
    let grouped = groupDigits(zeros, s.grouping);
    while (grouped.length < target) {
      zeros = `0${zeros}`;
      grouped = groupDigits(zeros, s.grouping);
    }
    return sign + grouped + rest;
  }
  const fill = (n: number): string => s.fill.repeat(n);
  switch (s.align) {
    case '<':
      return sign + body + fill(missing);
    case '^':
      return fill(Math.floor(missing / 2)) + sign + body + fill(missing - Math.floor(missing / 2));
    case '=':
      return sign + fill(missing) + body;
    default:
      return fill(missing) + sign + body;
  }
}
