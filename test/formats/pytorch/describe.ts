/**
 * The TypeScript half of describe.py: a JSON description of a state tree in Python terms, so a
 * tree read or written by ckpt can be compared exactly with what torch.load returns.
 */
import { OrderedDict, Tuple, type StateValue } from '../../../src/tensor/state-tree.js';
import { Tensor } from '../../../src/tensor/tensor.js';

export type Description = null | { [key: string]: unknown };

function number(v: number): Description {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) return { int: String(v) };
  if (Number.isNaN(v)) return { float: 'nan' };
  if (v === Infinity) return { float: 'inf' };
  if (v === -Infinity) return { float: '-inf' };
  if (Object.is(v, -0)) return { float: '-0.0' };
  return { float: v };
}

function key(k: unknown): Description {
  if (typeof k === 'bigint') return { int: k.toString() };
  if (typeof k === 'number') return number(k);
  if (typeof k === 'string') return { str: k };
  if (typeof k === 'boolean') return { bool: k };
  return null;
}

/** Describes a state tree the way describe.py describes the torch.load result. */
export function describeState(v: StateValue): Description {
  if (v === null) return null;
  if (typeof v === 'boolean') return { bool: v };
  if (typeof v === 'number') return number(v);
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'string') return { str: v };
  if (v instanceof Tensor) return { tensor: [v.dtype, [...v.shape], Buffer.from(v.bytes).toString('hex')] };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof Tuple) return { tuple: v.items.map(describeState) };
  if (Array.isArray(v)) return { list: (v as StateValue[]).map(describeState) };
  if (v instanceof OrderedDict) {
    const out: { [key: string]: unknown } = { odict: [...v.entries()].map(([k, x]) => [key(k), describeState(x)]) };
    if (v.attributes !== undefined && v.attributes !== null && typeof v.attributes === 'object') {
      out.attrs = Object.entries(v.attributes).map(([k, x]) => [k, describeState(x as StateValue)]);
    }
    return out;
  }
  if (v instanceof Map) return { dict: [...v.entries()].map(([k, x]) => [key(k), describeState(x)]) };
  return { dict: Object.entries(v).map(([k, x]) => [{ str: k }, describeState(x)]) };
}
