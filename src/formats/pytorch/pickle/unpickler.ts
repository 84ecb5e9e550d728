/**
 * A restricted unpickler: a small interpreter for the pickle opcodes torch uses (opcodes.ts), in
 * which the only reachable "code" is the allow-list in globals.ts. It never evaluates anything,
 * and bounds work and memory: opcodes executed, values created, MARK depth, memo size and string
 * length. Persistent ids (storages) are handed to a callback.
 *
 * @module
 */
import { CkptError } from '../../../errors.js';
import type { PickleLimits } from '../limits.js';
import { callGlobal, checkKey, describe, resolveGlobal } from './globals.js';
import { OP, opcodeName } from './opcodes.js';
import { PyDict, PyGlobal, PyList, PyTuple, TensorRef, type PyValue } from './values.js';

/** What the unpickler needs besides the bytes. */
export interface UnpickleOptions extends Required<PickleLimits> {
  /** Resolves a persistent id (BINPERSID) to a value, usually a storage. */
  persistentLoad(pid: PyValue): PyValue;
  /** Receives non-fatal findings. */
  warn(message: string): void;
}

/** The unpickled value and where the pickle ended (the byte after STOP). */
export interface UnpickleResult {
  value: PyValue;
  end: number;
}

/** Longest module or name line of a GLOBAL opcode. */
const MAX_GLOBAL_LINE = 256;

/** Kinds of global that NEWOBJ (`cls.__new__(cls, *args)`) may construct. */
const NEWOBJ_KINDS: ReadonlySet<string> = new Set(['OrderedDict', 'set', 'frozenset', 'bytearray', 'complex', 'Size']);

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function bad(message: string, pos: number): CkptError {
  return new CkptError('E_BAD_PICKLE', `${message} (at byte ${pos})`, { details: { offset: pos } });
}

function limit(message: string, pos: number): CkptError {
  return new CkptError('E_LIMIT', `${message} (at byte ${pos})`, { details: { offset: pos } });
}

/** Unpickles one pickle starting at `start`. Throws `E_BAD_PICKLE`, `E_UNSAFE_PICKLE` or `E_LIMIT`. */
export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): UnpickleResult {
  return new Machine(bytes, start, options).run();
}

class Machine {
  private pos: number;
  private opStart: number;
  private stack: PyValue[] = [];
  private readonly metastack: PyValue[][] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly dv: DataView;
  private ops = 0;
  private objects = 0;

  constructor(private readonly bytes: Uint8Array, start: number, private readonly o: UnpickleOptions) {
    this.pos = start;
    this.opStart = start;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    const at = this.pos;
    if (n > this.bytes.byteLength - at) throw bad(`pickle is truncated: ${opcodeName(this.bytes[this.opStart] ?? 0)} needs ${n} more bytes`, at);
    this.pos += n;
    return at;
  }

  private charge(n: number): void {
    this.objects += n;
    if (this.objects > this.o.maxObjects) throw limit(`pickle creates more than ${this.o.maxObjects} values`, this.opStart);
  }

  private push(v: PyValue): void {
    this.charge(1);
    this.stack.push(v);
  }

  private pop(): PyValue {
    if (this.stack.length === 0) throw bad(`${opcodeName(this.bytes[this.opStart] ?? 0)} on an empty stack`, this.opStart);
    return this.stack.pop() as PyValue;
  }

  private top(): PyValue {
    if (this.stack.length === 0) throw bad(`${opcodeName(this.bytes[this.opStart] ?? 0)} on an empty stack`, this.opStart);
    return this.stack[this.stack.length - 1] as PyValue;
  }

  private popMark(): PyValue[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (prev === undefined) throw bad(`${opcodeName(this.bytes[this.opStart] ?? 0)} without a MARK`, this.opStart);
    this.stack = prev;
    return items;
  }

  private line(): string {
    const start = this.pos;
    const end = Math.min(this.bytes.byteLength, start + MAX_GLOBAL_LINE + 1);
    for (let i = start; i < end; i++) {
      if (this.bytes[i] === 0x0a) {
        this.pos = i + 1;
        return utf8.decode(this.bytes.subarray(start, i));
      }
    }
    if (end === this.bytes.byteLength) throw bad('pickle is truncated inside a GLOBAL name', start);
    throw bad(`GLOBAL name longer than ${MAX_GLOBAL_LINE} bytes`, start);
  }

  private string(len: number): Uint8Array {
    if (len > this.o.maxStringBytes) throw limit(`string of ${len} bytes is past the ${this.o.maxStringBytes}-byte limit`, this.opStart);
    const at = this.need(len);
    return this.bytes.subarray(at, at + len);
  }

  private memoPut(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.o.maxMemoEntries) throw limit(`memo holds more than ${this.o.maxMemoEntries} entries`, this.opStart);
    this.memo.set(index, this.top());
  }

  private memoGet(index: number): void {
    const v = this.memo.get(index);
    if (v === undefined) throw bad(`memo entry ${index} is read before it is written`, this.opStart);
    this.push(v);
  }

  private setItems(d: PyValue, items: readonly PyValue[]): void {
    if (!(d instanceof PyDict)) throw new CkptError('E_UNSAFE_PICKLE', `SETITEM(S) on ${describe(d)}: only dicts take items`, { details: { offset: this.opStart } });
    if (items.length % 2 !== 0) throw bad('SETITEMS with an odd number of values', this.opStart);
    this.charge(items.length);
    for (let i = 0; i < items.length; i += 2) d.map.set(checkKey(items[i] as PyValue), items[i + 1] as PyValue);
  }

  private appendItems(l: PyValue, items: readonly PyValue[]): void {
    if (!(l instanceof PyList)) throw new CkptError('E_UNSAFE_PICKLE', `APPEND(S) on ${describe(l)}: only lists take items`, { details: { offset: this.opStart } });
    this.charge(items.length);
    for (const v of items) l.items.push(v);
  }

  private call(fn: PyValue, args: PyValue, op: string): void {
    if (!(fn instanceof PyGlobal)) throw new CkptError('E_UNSAFE_PICKLE', `${op} of ${describe(fn)}: only allow-listed globals can be called`, { details: { offset: this.opStart } });
    if (op === 'NEWOBJ' && !NEWOBJ_KINDS.has(fn.kind)) {
      throw new CkptError('E_UNSAFE_PICKLE', `NEWOBJ of ${fn.qualifiedName} is not allowed`, { details: { global: fn.qualifiedName } });
    }
    const result = callGlobal(fn, args, { warn: (m) => this.o.warn(m) });
    if (result instanceof PyList) this.charge(result.items.length);
    else if (result instanceof PyDict) this.charge(result.map.size);
    this.push(result);
  }

  private build(): void {
    const state = this.pop();
    const inst = this.top();
    if (inst instanceof PyDict && inst.ordered && state instanceof PyDict) {
      inst.attributes ??= new Map();
      for (const [k, v] of state.map) {
        if (typeof k !== 'string') throw bad('BUILD state has a non-string attribute name', this.opStart);
        inst.attributes.set(k, v);
      }
      return;
    }
    const empty = (s: PyValue): boolean => s === null || (s instanceof PyDict && s.map.size === 0);
    if (inst instanceof TensorRef && (empty(state) || (state instanceof PyTuple && state.items.every(empty)))) return;
    throw new CkptError('E_UNSUPPORTED', `BUILD of ${describe(inst)} with ${describe(state)} is not supported`, { details: { offset: this.opStart } });
  }

  run(): UnpickleResult {
    const b = this.bytes;
    const dv = this.dv;
    for (;;) {
      if (++this.ops > this.o.maxOps) throw limit(`pickle runs more than ${this.o.maxOps} opcodes`, this.pos);
      this.opStart = this.pos;
      const op = b[this.need(1)] as number;
      switch (op) {
        case OP.PROTO: {
          const v = b[this.need(1)] as number;
          if (v < 1 || v > 5) throw bad(`unknown pickle protocol ${v}`, this.opStart);
          break;
        }
        case OP.STOP: {
          if (this.metastack.length !== 0) throw bad('STOP inside an open MARK', this.opStart);
          return { value: this.pop(), end: this.pos };
        }
        case OP.GLOBAL: {
          const module = this.line();
          const name = this.line();
          this.push(resolveGlobal(module, name));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop();
          this.call(this.pop(), args, 'REDUCE');
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop();
          this.call(this.pop(), args, 'NEWOBJ');
          break;
        }
        case OP.BUILD:
          this.build();
          break;
        case OP.BINPERSID:
          this.push(this.o.persistentLoad(this.pop()));
          break;
        case OP.MARK:
          if (this.metastack.length >= this.o.maxDepth) throw limit(`MARKs nested deeper than ${this.o.maxDepth}`, this.opStart);
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case OP.TUPLE:
          this.push(new PyTuple(this.popMark()));
          break;
        case OP.TUPLE1: {
          const a = this.pop();
          this.push(new PyTuple([a]));
          break;
        }
        case OP.TUPLE2: {
          const b2 = this.pop();
          const a = this.pop();
          this.push(new PyTuple([a, b2]));
          break;
        }
        case OP.TUPLE3: {
          const c = this.pop();
          const b2 = this.pop();
          const a = this.pop();
          this.push(new PyTuple([a, b2, c]));
          break;
        }
        case OP.EMPTY_TUPLE:
          this.push(new PyTuple([]));
          break;
        case OP.EMPTY_LIST:
        case OP.EMPTY_SET:
          this.push(new PyList());
          break;
        case OP.EMPTY_DICT:
          this.push(new PyDict(false));
          break;
        case OP.APPEND: {
          const v = this.pop();
          this.appendItems(this.top(), [v]);
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case OP.NONE:
          this.push(null);
          break;
        case OP.NEWTRUE:
          this.push(true);
          break;
        case OP.NEWFALSE:
          this.push(false);
          break;
        case OP.BININT:
          this.push(dv.getInt32(this.need(4), true));
          break;
        case OP.BININT1:
          this.push(b[this.need(1)] as number);
          break;
        case OP.BININT2:
          this.push(dv.getUint16(this.need(2), true));
          break;
        case OP.LONG1: {
          const n = b[this.need(1)] as number;
          this.push(decodeLong(this.bytes.subarray(this.need(n), this.pos)));
          break;
        }
        case OP.BINFLOAT:
          this.push(dv.getFloat64(this.need(8), false));
          break;
        case OP.BINUNICODE: {
          const len = dv.getUint32(this.need(4), true);
          this.push(utf8.decode(this.string(len)));
          break;
        }
        case OP.SHORT_BINSTRING: {
          const len = b[this.need(1)] as number;
          this.push(latin1.decode(this.string(len)));
          break;
        }
        case OP.BINGET:
          this.memoGet(b[this.need(1)] as number);
          break;
        case OP.LONG_BINGET:
          this.memoGet(dv.getUint32(this.need(4), true));
          break;
        case OP.BINPUT:
          this.memoPut(b[this.need(1)] as number);
          break;
        case OP.LONG_BINPUT:
          this.memoPut(dv.getUint32(this.need(4), true));
          break;
        default:
          throw new CkptError('E_UNSAFE_PICKLE', `opcode ${opcodeName(op)} at byte ${this.opStart} is not on the allow-list`, {
            details: { opcode: opcodeName(op), offset: this.opStart },
          });
      }
    }
  }
}

/** Two's-complement little-endian bytes -> number when safe, else bigint. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(bytes.length * 8);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
