/**
 * A protocol-2 pickler for state trees, emitting only what torch's own `weights_only` unpickler
 * accepts: containers, scalars, `OrderedDict` (with BUILD for attributes such as `_metadata`),
 * bytes via `_codecs.encode`, and tensors as `_rebuild_tensor_v2` over legacy storage classes with
 * persistent ids. The same Tensor object met twice is pickled once (memo), so torch.load gives
 * back one shared tensor.
 *
 * @module
 */
import { CkptError } from '../../../errors.js';
import { OrderedDict, Tuple, type StateKey, type StateValue } from '../../../tensor/state-tree.js';
import { Tensor } from '../../../tensor/tensor.js';
import { DTYPE_STORAGE_CLASS } from '../torch-dtypes.js';
import { contiguousStrides, countElements } from '../rebuild.js';
import { OP } from './opcodes.js';

/** Python batches APPENDS/SETITEMS in groups of this many items; so does ckpt. */
const BATCH = 1000;
/** Deepest nesting the pickler follows. */
const MAX_DEPTH = 1000;

/** The pickle and the tensors whose storages it names, in key order (`data/0`, `data/1`, ...). */
export interface PickledTree {
  pickle: Uint8Array;
  storages: Tensor[];
}

class Out {
  private buf = Buffer.allocUnsafe(4096);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.byteLength);
    this.buf.set(b, this.length);
    this.length += b.byteLength;
  }
  u16(v: number): void {
    this.ensure(2);
    this.length = this.buf.writeUInt16LE(v, this.length);
  }
  u32(v: number): void {
    this.ensure(4);
    this.length = this.buf.writeUInt32LE(v, this.length);
  }
  i32(v: number): void {
    this.ensure(4);
    this.length = this.buf.writeInt32LE(v, this.length);
  }
  f64be(v: number): void {
    this.ensure(8);
    this.length = this.buf.writeDoubleBE(v, this.length);
  }
  result(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.length).slice();
  }
}

function twosComplement(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    out.push(byte);
    x >>= 8n;
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

/** Pickles a state tree; throws `E_STATE_TREE` for values torch cannot hold and `E_UNSUPPORTED` for dtypes torch 1.13 lacks. */
export function pickleTree(tree: StateValue): PickledTree {
  const out = new Out();
  const storages: Tensor[] = [];
  const memo = new Map<Tensor, number>();
  const active = new Set<object>();

  const global = (module: string, name: string): void => {
    out.byte(OP.GLOBAL);
    out.bytes(Buffer.from(`${module}\n${name}\n`, 'utf8'));
  };
  const str = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    out.byte(OP.BINUNICODE);
    out.u32(b.byteLength);
    out.bytes(b);
  };
  const int = (v: number | bigint): void => {
    if (typeof v === 'number' && v >= 0 && v <= 0xff) {
      out.byte(OP.BININT1);
      out.byte(v);
    } else if (typeof v === 'number' && v >= 0 && v <= 0xffff) {
      out.byte(OP.BININT2);
      out.u16(v);
    } else if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      out.byte(OP.BININT);
      out.i32(v);
    } else {
      const b = twosComplement(BigInt(v));
      if (b.byteLength > 255) throw new CkptError('E_STATE_TREE', 'an integer longer than 255 bytes cannot be pickled at protocol 2 by ckpt');
      out.byte(OP.LONG1);
      out.byte(b.byteLength);
      out.bytes(b);
    }
  };
  const intTuple = (xs: readonly number[]): void => {
    out.byte(OP.MARK);
    for (const x of xs) int(x);
    out.byte(OP.TUPLE);
  };
  const emptyOrderedDict = (): void => {
    global('collections', 'OrderedDict');
    out.byte(OP.EMPTY_TUPLE);
    out.byte(OP.REDUCE);
  };
  const putMemo = (index: number): void => {
    if (index <= 0xff) {
      out.byte(OP.BINPUT);
      out.byte(index);
    } else {
      out.byte(OP.LONG_BINPUT);
      out.u32(index);
    }
  };
  const getMemo = (index: number): void => {
    if (index <= 0xff) {
      out.byte(OP.BINGET);
      out.byte(index);
    } else {
      out.byte(OP.LONG_BINGET);
      out.u32(index);
    }
  };

  const tensor = (t: Tensor, path: string): void => {
    const known = memo.get(t);
    if (known !== undefined) {
      getMemo(known);
      return;
    }
    const cls = DTYPE_STORAGE_CLASS[t.dtype];
    if (cls === undefined) throw new CkptError('E_UNSUPPORTED', `tensor ${path} has dtype ${t.dtype}, which torch 1.13 cannot load; convert it first`, { details: { tensor: path, dtype: t.dtype } });
    const key = storages.length;
    storages.push(t);
    global('torch._utils', '_rebuild_tensor_v2');
    out.byte(OP.MARK);
    out.byte(OP.MARK);
    str('storage');
    global('torch', cls);
    str(String(key));
    str('cpu');
    int(countElements(t.shape));
    out.byte(OP.TUPLE);
    out.byte(OP.BINPERSID);
    int(0);
    intTuple(t.shape);
    intTuple(contiguousStrides(t.shape));
    out.byte(OP.NEWFALSE);
    emptyOrderedDict();
    out.byte(OP.TUPLE);
    out.byte(OP.REDUCE);
    const index = memo.size;
    memo.set(t, index);
    putMemo(index);
  };

  const key = (k: StateKey, path: string): void => {
    if (k === null) out.byte(OP.NONE);
    else if (typeof k === 'boolean') out.byte(k ? OP.NEWTRUE : OP.NEWFALSE);
    else if (typeof k === 'string') str(k);
    else scalar(k, path);
  };

  const scalar = (v: number | bigint, _path: string): void => {
    if (typeof v === 'bigint') int(v);
    else if (Number.isSafeInteger(v) && !Object.is(v, -0)) int(v);
    else {
      out.byte(OP.BINFLOAT);
      out.f64be(v);
    }
  };

  const items = (entries: Iterable<readonly [StateKey, StateValue]>, path: string, depth: number): void => {
    let batch: (readonly [StateKey, StateValue])[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      out.byte(OP.MARK);
      for (const [k, v] of batch) {
        key(k, path);
        visit(v, `${path}.${String(k)}`, depth + 1);
      }
      out.byte(OP.SETITEMS);
      batch = [];
    };
    for (const e of entries) {
      batch.push(e);
      if (batch.length === BATCH) flush();
    }
    flush();
  };

  const visit = (v: StateValue, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new CkptError('E_STATE_TREE', `state tree deeper than ${MAX_DEPTH} at ${path}`);
    if (v === null) return out.byte(OP.NONE);
    if (typeof v === 'boolean') return out.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof v === 'number' || typeof v === 'bigint') return scalar(v, path);
    if (typeof v === 'string') return str(v);
    if (v instanceof Tensor) return tensor(v, path);
    if (typeof v !== 'object') throw new CkptError('E_STATE_TREE', `cannot pickle a ${typeof v} at ${path}`);
    if (v instanceof Uint8Array && v.constructor === Uint8Array) {
      if (v.byteLength === 0) {
        global('__builtin__', 'bytes');
        out.byte(OP.EMPTY_TUPLE);
      } else {
        global('_codecs', 'encode');
        str(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1'));
        str('latin1');
        out.byte(OP.TUPLE2);
      }
      return out.byte(OP.REDUCE);
    }
    if (ArrayBuffer.isView(v)) throw new CkptError('E_STATE_TREE', `a ${v.constructor.name} at ${path}: wrap typed arrays in a Tensor`);
    if (active.has(v)) throw new CkptError('E_STATE_TREE', `cycle in state tree at ${path}`);
    active.add(v);
    try {
      if (v instanceof Tuple) {
        if (v.items.length === 0) return out.byte(OP.EMPTY_TUPLE);
        out.byte(OP.MARK);
        v.items.forEach((x, i) => visit(x, `${path}.${i}`, depth + 1));
        return out.byte(OP.TUPLE);
      }
      if (Array.isArray(v)) {
        out.byte(OP.EMPTY_LIST);
        const list = v as readonly StateValue[];
        for (let i = 0; i < list.length; i += BATCH) {
          out.byte(OP.MARK);
          for (let j = i; j < Math.min(list.length, i + BATCH); j++) visit(list[j] as StateValue, `${path}.${j}`, depth + 1);
          out.byte(OP.APPENDS);
        }
        return;
      }
      if (v instanceof OrderedDict) {
        emptyOrderedDict();
        items(v.entries(), path, depth);
        const attrs = v.attributes;
        if (attrs !== undefined && attrs !== null) {
          const entries = attrs instanceof Map ? [...attrs.entries()] : typeof attrs === 'object' && !(attrs instanceof Tensor) && !Array.isArray(attrs) && !(attrs instanceof Tuple) && !(attrs instanceof Uint8Array) ? Object.entries(attrs) : undefined;
          if (entries === undefined || entries.some(([k]) => typeof k !== 'string')) throw new CkptError('E_STATE_TREE', `OrderedDict attributes at ${path} must map attribute names to values`);
          if (entries.length > 0) {
            out.byte(OP.EMPTY_DICT);
            items(entries as [string, StateValue][], `${path}.$attrs`, depth);
            out.byte(OP.BUILD);
          }
        }
        return;
      }
      out.byte(OP.EMPTY_DICT);
      if (v instanceof Map) return items(v.entries(), path, depth);
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new CkptError('E_STATE_TREE', `cannot pickle a ${v.constructor.name} at ${path}`);
      return items(Object.entries(v).filter(([, x]) => x !== undefined) as [string, StateValue][], path, depth);
    } finally {
      active.delete(v);
    }
  };

  out.byte(OP.PROTO);
  out.byte(2);
  visit(tree, '(root)', 0);
  out.byte(OP.STOP);
  return { pickle: out.result(), storages };
}
