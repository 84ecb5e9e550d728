/**
 * A small, bounded JSON parser for safetensors headers. Unlike `JSON.parse` it reports duplicate
 * object keys (JSON.parse silently keeps the last one) and keeps the literal text of numbers, so
 * the validator can tell `1` from `1.0` and read integers beyond 2^53 exactly.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { METADATA_KEY } from './types.js';

/** A JSON number as written in the text, e.g. `"24"`, `"1.0"`, `"-3e2"`. */
export class JsonNumberLiteral {
  constructor(readonly text: string) {}

  /** The value as a bigint when the literal is a plain non-negative integer (no sign, fraction or exponent), else undefined. */
  asUnsignedInteger(): bigint | undefined {
    return /^(0|[1-9][0-9]*)$/.test(this.text) ? BigInt(this.text) : undefined;
  }
}

/** A parsed JSON value. Objects are Maps in key order; numbers keep their literal text. */
export type HeaderJsonValue = string | boolean | null | JsonNumberLiteral | HeaderJsonValue[] | HeaderJsonObject;

/** A parsed JSON object, keys in text order. */
export type HeaderJsonObject = Map<string, HeaderJsonValue>;

/** Deepest nesting accepted (the reference parser, serde_json, stops at 128). */
export const MAX_HEADER_JSON_DEPTH = 128;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class HeaderJsonParser {
  private pos = 0;
  /** The top-level key whose value is being parsed (a tensor name), for error messages. */
  private topLevelKey: string | undefined;

  constructor(private readonly text: string) {}

  parseDocument(): HeaderJsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('trailing characters after the JSON object');
    return value;
  }

  private fail(reason: string): never {
    throw new CkptError('E_INVALID_HEADER', `safetensors header is not valid JSON: ${reason} at character ${this.pos}`, {
      details: { position: this.pos },
    });
  }

  private duplicate(key: string, position: number, topLevel: boolean): never {
    if (topLevel && key !== METADATA_KEY) {
      throw new CkptError('E_DUPLICATE_NAME', `safetensors header names the tensor ${JSON.stringify(key)} twice; names must be unique`, {
        details: { tensor: key },
      });
    }
    const owner = topLevel ? undefined : this.topLevelKey;
    const where = owner === undefined ? '' : owner === METADATA_KEY ? ` in ${METADATA_KEY}` : ` in the entry of tensor ${JSON.stringify(owner)}`;
    const details = owner === undefined || owner === METADATA_KEY ? { key, position } : { key, position, tensor: owner };
    throw new CkptError('E_INVALID_HEADER', `safetensors header has the key ${JSON.stringify(key)} twice${where} (character ${position})`, { details });
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  private parseValue(depth: number): HeaderJsonValue {
    if (depth > MAX_HEADER_JSON_DEPTH) this.fail(`nested deeper than ${MAX_HEADER_JSON_DEPTH} levels`);
    const c = this.text[this.pos];
    if (c === '{') return this.parseObject(depth);
    if (c === '[') return this.parseArray(depth);
    if (c === '"') return this.parseString();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    return new JsonNumberLiteral(m[0]);
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private parseObject(depth: number): HeaderJsonObject {
    const out: HeaderJsonObject = new Map();
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const keyAt = this.pos;
      const key = this.parseString();
      if (out.has(key)) this.duplicate(key, keyAt, depth === 0);
      if (depth === 0) this.topLevelKey = key;
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipWhitespace();
      out.set(key, this.parseValue(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') return out;
      if (next !== ',') {
        this.pos--;
        this.fail('expected "," or "}"');
      }
    }
  }

  private parseArray(depth: number): HeaderJsonValue[] {
    const out: HeaderJsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') return out;
      if (next !== ',') {
        this.pos--;
        this.fail('expected "," or "]"');
      }
    }
  }

  private parseString(): string {
    const t = this.text;
    const start = this.pos;
    let escaped = false;
    for (let i = start + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 0x20) {
        this.pos = i;
        this.fail('control character inside a string');
      }
      if (c === 0x5c) {
        escaped = true;
        i++;
        continue;
      }
      if (c === 0x22) {
        this.pos = i + 1;
        if (!escaped) return t.slice(start + 1, i);
        try {
          return JSON.parse(t.slice(start, i + 1)) as string;
        } catch {
          this.pos = start;
          return this.fail('invalid escape in a string');
        }
      }
    }
    this.pos = t.length;
    return this.fail('unterminated string');
  }
}

/**
 * Parses header text. Throws `E_INVALID_HEADER` on malformed JSON or nesting past
 * {@link MAX_HEADER_JSON_DEPTH}, `E_DUPLICATE_NAME` on a repeated tensor name, and
 * `E_INVALID_HEADER` on any other repeated key (`__metadata__`, a field, a metadata key).
 */
export function parseHeaderJson(text: string): HeaderJsonValue {
  return new HeaderJsonParser(text).parseDocument();
}
