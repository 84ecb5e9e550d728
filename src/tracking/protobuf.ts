/**
 * A minimal protocol-buffers wire codec: just what the TensorBoard event messages need.
 *
 * {@link ProtoWriter} appends fields in the order it is called (write fields in field-number order
 * to match what protoc-generated code emits, byte for byte). {@link ProtoReader} walks the fields
 * of one message; callers switch on the field number and skip what they do not know.
 * Every length is checked against the bytes that remain before it is used; a malformed input is a
 * `CkptError` with code `E_BAD_RECORD`, never an out-of-range read.
 *
 * @module
 */
import { CkptError } from '../errors.js';

/** Wire types of the protobuf encoding. Groups (3, 4) are obsolete and rejected. */
export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;
/** A wire type this codec handles. */
export type WireType = (typeof WireType)[keyof typeof WireType];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** Builds one serialized message. Nested messages are written with {@link ProtoWriter.message}. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private size = 0;

  /** Total bytes written so far. */
  get length(): number {
    return this.size;
  }

  private reserve(n: number): void {
    if (this.size + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.size + n));
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }

  private push(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.size);
    this.size += bytes.length;
  }

  private tag(field: number, wire: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new CkptError('E_INTERNAL', `protobuf field number ${field} out of range`);
    }
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number | bigint): void {
    this.reserve(10);
    if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) {
      let v = value;
      while (v >= 0x80) {
        this.buf[this.size++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buf[this.size++] = v;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.buf[this.size++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.size++] = Number(v);
  }

  /** A varint field (int32, int64, uint64, enum, bool). Negative values take 10 bytes, as int64. */
  varint(field: number, value: number | bigint | boolean): this {
    if (typeof value === 'number' && !Number.isInteger(value)) throw new CkptError('E_INTERNAL', `varint field ${field} given ${value}`);
    this.tag(field, WireType.VARINT);
    this.rawVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  /** A `double` field (fixed64, little-endian IEEE 754). */
  double(field: number, value: number): this {
    this.tag(field, WireType.FIXED64);
    scratch.setFloat64(0, value, true);
    this.push(scratchBytes);
    return this;
  }

  /** A `float` field (fixed32, little-endian IEEE 754 single; the value is rounded to float32). */
  float(field: number, value: number): this {
    this.tag(field, WireType.FIXED32);
    scratch.setFloat32(0, value, true);
    this.push(scratchBytes.subarray(0, 4));
    return this;
  }

  /** A `bytes` field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** A nested message field, built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.view());
  }

  private view(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }

  /** The serialized message (a copy; the writer may be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.size);
  }
}

/** One field as {@link ProtoReader.next} returns it. */
export type ProtoField =
  | { readonly field: number; readonly wire: typeof WireType.VARINT; readonly value: bigint }
  | { readonly field: number; readonly wire: typeof WireType.FIXED64; readonly value: DataView }
  | { readonly field: number; readonly wire: typeof WireType.FIXED32; readonly value: DataView }
  | { readonly field: number; readonly wire: typeof WireType.LENGTH_DELIMITED; readonly value: Uint8Array };

/** Reads the fields of one serialized message, in order. Bounded: never reads past `bytes`. */
export class ProtoReader {
  private pos = 0;
  private readonly view: DataView;

  /** `what` names the message in error messages ("Event", "Summary.Value"). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(reason: string): never {
    throw new CkptError('E_BAD_RECORD', `malformed protobuf ${this.what} at byte ${this.pos}: ${reason}`, {
      details: { message: this.what, offset: this.pos },
    });
  }

  private varint(): bigint {
    // Fast path: up to 4 bytes (28 bits) fit a small integer.
    let small = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.bytes[this.pos + i];
      if (b === undefined) break;
      small |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        this.pos += i + 1;
        return BigInt(small);
      }
    }
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.bytes[this.pos];
      if (b === undefined) this.fail('varint runs past the end');
      this.pos++;
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail('varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) this.fail(`field of ${n} bytes but only ${this.bytes.length - this.pos} remain`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The next field, or `undefined` at the end of the message. Unknown fields are returned too: ignore them. */
  next(): ProtoField | undefined {
    if (this.pos >= this.bytes.length) return undefined;
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0 || key >> 3n > 0x1fffffffn) this.fail(`invalid field number ${key >> 3n}`);
    switch (wire) {
      case WireType.VARINT:
        return { field, wire, value: this.varint() };
      case WireType.FIXED64: {
        const b = this.take(8);
        return { field, wire, value: new DataView(b.buffer, b.byteOffset, 8) };
      }
      case WireType.FIXED32: {
        const b = this.take(4);
        return { field, wire, value: new DataView(b.buffer, b.byteOffset, 4) };
      }
      case WireType.LENGTH_DELIMITED: {
        const len = this.varint();
        if (len > BigInt(this.bytes.length - this.pos)) this.fail(`length ${len} past the end of the message`);
        return { field, wire, value: this.take(Number(len)) };
      }
      default:
        return this.fail(`unsupported wire type ${wire} (field ${field})`);
    }
  }

  /** Byte position of the next field, for error messages. */
  get offset(): number {
    return this.pos;
  }

  /** Fails with the reader's message name and position. */
  error(reason: string): never {
    return this.fail(reason);
  }

  /** `view` as a double; for FIXED64 fields. */
  static double(f: ProtoField): number | undefined {
    return f.wire === WireType.FIXED64 ? f.value.getFloat64(0, true) : undefined;
  }

  /** `view` as a float32 widened to a JS number; for FIXED32 fields. */
  static float(f: ProtoField): number | undefined {
    return f.wire === WireType.FIXED32 ? f.value.getFloat32(0, true) : undefined;
  }

  /** A varint as a signed 64-bit integer (int64 / int32 semantics), or `undefined` for another wire type. */
  static int64(f: ProtoField): bigint | undefined {
    return f.wire === WireType.VARINT ? BigInt.asIntN(64, f.value) : undefined;
  }

  /** A length-delimited field as UTF-8 text; malformed UTF-8 is an `E_BAD_RECORD`. */
  static string(f: ProtoField, what: string): string | undefined {
    if (f.wire !== WireType.LENGTH_DELIMITED) return undefined;
    try {
      return decoder.decode(f.value);
    } catch (err) {
      throw new CkptError('E_BAD_RECORD', `${what}: field ${f.field} is not valid UTF-8`, { cause: err });
    }
  }

  /** A length-delimited field's bytes, or `undefined` for another wire type. */
  static bytes(f: ProtoField): Uint8Array | undefined {
    return f.wire === WireType.LENGTH_DELIMITED ? f.value : undefined;
  }
}

/** Decodes a packed (or single unpacked) repeated float / double field into numbers. */
export function decodePackedFixed(f: ProtoField, width: 4 | 8, what: string): number[] {
  if (f.wire === WireType.FIXED32 && width === 4) return [f.value.getFloat32(0, true)];
  if (f.wire === WireType.FIXED64 && width === 8) return [f.value.getFloat64(0, true)];
  if (f.wire !== WireType.LENGTH_DELIMITED) throw new CkptError('E_BAD_RECORD', `${what}: field ${f.field} has wire type ${f.wire}`);
  if (f.value.length % width !== 0) {
    throw new CkptError('E_BAD_RECORD', `${what}: packed field ${f.field} of ${f.value.length} bytes is not a multiple of ${width}`);
  }
  const view = new DataView(f.value.buffer, f.value.byteOffset, f.value.byteLength);
  const out: number[] = [];
  for (let i = 0; i < f.value.length; i += width) out.push(width === 4 ? view.getFloat32(i, true) : view.getFloat64(i, true));
  return out;
}
