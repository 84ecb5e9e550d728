/**
 * Converts unpickled values into a ckpt state tree. Python dicts with only string keys become
 * plain objects, unless a key is integer-like (`"10"`), which objects would reorder; other dicts
 * become `Map`s (int keys survive, order kept), `OrderedDict` stays an
 * `OrderedDict` (attributes such as `_metadata` in `.attributes`), tuples become `Tuple`s, sets
 * become arrays, `bytes` become `Uint8Array`, complex numbers `{real, imag}`, dtype objects the
 * string `"torch.float32"` etc. Objects shared in the pickle stay shared; cycles are refused.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { OrderedDict, Tuple, type StateObject, type StateValue } from '../../tensor/state-tree.js';
import type { Tensor } from '../../tensor/tensor.js';
import { describe } from './pickle/globals.js';
import { PyComplex, PyDict, PyGlobal, PyList, PyTuple, StorageRef, TensorRef, type PyValue } from './pickle/values.js';

/** True for a string that JavaScript objects order as an integer index (`"0"`, `"42"`, not `"01"`). */
function isArrayIndexKey(k: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(k) && Number(k) < 2 ** 32 - 1;
}

function setOwn(obj: StateObject, key: string, value: StateValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Converts `root`; `tensor` turns each tensor reference into a Tensor (called once per reference). */
export function toStateValue(root: PyValue, tensor: (ref: TensorRef) => Tensor, maxDepth: number): StateValue {
  const done = new Map<object, StateValue>();
  const active = new Set<object>();

  const visit = (v: PyValue, depth: number): StateValue => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const known = done.get(v);
    if (known !== undefined) return known;
    if (depth > maxDepth) throw new CkptError('E_LIMIT', `pickled structure nests deeper than ${maxDepth}`);
    if (active.has(v)) throw new CkptError('E_UNSUPPORTED', `the pickled structure contains a cycle (a ${describe(v)} inside itself); state trees cannot`);
    active.add(v);
    let out: StateValue;
    if (v instanceof TensorRef) out = tensor(v);
    else if (v instanceof PyTuple) out = new Tuple(v.items.map((x) => visit(x, depth + 1)));
    else if (v instanceof PyList) out = v.items.map((x) => visit(x, depth + 1));
    else if (v instanceof PyDict) out = dict(v, depth);
    else if (v instanceof PyComplex) out = { real: v.real, imag: v.imag };
    else if (v instanceof PyGlobal && v.kind === 'dtype') out = `torch.${v.name}`;
    else if (v instanceof StorageRef) throw new CkptError('E_UNSUPPORTED', 'a bare storage (not inside a tensor) cannot be represented');
    else throw new CkptError('E_UNSUPPORTED', `a bare ${describe(v)} object cannot be represented in a state tree`);
    active.delete(v);
    done.set(v, out);
    return out;
  };

  const dict = (d: PyDict, depth: number): StateValue => {
    if (d.ordered) {
      const od = new OrderedDict();
      for (const [k, x] of d.map) od.set(k, visit(x, depth + 1));
      if (d.attributes !== undefined) {
        const attrs: StateObject = {};
        for (const [k, x] of d.attributes) setOwn(attrs, k, visit(x, depth + 1));
        od.attributes = attrs;
      }
      return od;
    }
    const keys = [...d.map.keys()];
    // A plain object only when it keeps the dict's order: JavaScript enumerates integer-like
    // keys ("2", "10") first and ascending, so a dict holding them stays a Map.
    if (keys.every((k) => typeof k === 'string' && !isArrayIndexKey(k))) {
      const obj: StateObject = {};
      for (const [k, x] of d.map) setOwn(obj, k as string, visit(x, depth + 1));
      return obj;
    }
    const m = new Map<string | number | bigint | boolean | null, StateValue>();
    for (const [k, x] of d.map) m.set(k, visit(x, depth + 1));
    return m;
  };

  return visit(root, 0);
}
