/**
 * State trees: what a user saves. Nested objects, arrays, maps and scalars with tensors at the
 * leaves. A tree splits into a flat `name -> Tensor` map (dotted paths) plus a JSON skeleton, and
 * joins back exactly, including what plain JSON cannot say: non-string dict keys, tuples, ordered
 * dicts, bigints, NaN/Infinity/-0, and raw bytes.
 *
 * @module
 */
import { CkptError } from '../errors.js';
import { Tensor } from './tensor.js';

/** A dictionary key as Python allows it in checkpoints. */
export type StateKey = string | number | bigint | boolean | null;

/** A Python tuple: an immutable sequence, kept apart from lists so round trips are exact. */
export class Tuple {
  readonly items: readonly StateValue[];
  constructor(items: readonly StateValue[]) {
    this.items = Object.freeze([...items]);
  }
  get length(): number {
    return this.items.length;
  }
}

/** A Python `collections.OrderedDict`. `attributes` holds instance attributes (torch's `_metadata`). */
export class OrderedDict extends Map<StateKey, StateValue> {
  /** Instance attributes set on the dict (e.g. torch state_dict `_metadata`). Default: none. */
  attributes: StateValue | undefined;
}

/** A plain string-keyed object in a state tree. */
export interface StateObject {
  [key: string]: StateValue;
}

/** Any value a state tree may hold. `Uint8Array` is raw bytes (Python `bytes`), not a tensor. */
export type StateValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Tensor
  | Tuple
  | readonly StateValue[]
  | Map<StateKey, StateValue>
  | StateObject;

/** The JSON skeleton of a state tree: the tree with each tensor replaced by `{"$tensor": name}`. */
export type Skeleton = null | boolean | number | string | Skeleton[] | { [key: string]: Skeleton };

/** A state tree split apart: tensors by dotted name, and the skeleton that places them. */
export interface FlatState {
  tensors: Map<string, Tensor>;
  skeleton: Skeleton;
}

/** Options of {@link flattenState}. */
export interface FlattenOptions {
  /** Prefix for every tensor name, e.g. `"model"`. Default: no prefix. */
  prefix?: string;
}

const MAX_DEPTH = 512;

function pathName(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/**
 * Splits a state tree into tensors and a JSON skeleton. A tensor object that appears at several
 * places is stored once (shared storage survives the round trip). Object properties that are
 * `undefined` are dropped, as JSON drops them. Throws `E_STATE_TREE` for functions, symbols,
 * class instances, typed arrays other than `Uint8Array`, cycles and nesting deeper than 512.
 */
export function flattenState(tree: StateValue, options: FlattenOptions = {}): FlatState {
  const tensors = new Map<string, Tensor>();
  const names = new Map<Tensor, string>();
  const active = new Set<object>();
  const prefix = options.prefix === undefined || options.prefix === '' ? [] : [options.prefix];

  const uniqueName = (path: readonly string[]): string => {
    const base = path.length === 0 ? 'tensor' : path.join('.');
    let name = base;
    for (let i = 1; tensors.has(name); i++) name = `${base}#${i}`;
    return name;
  };

  const visit = (value: unknown, path: string[]): Skeleton => {
    if (path.length - prefix.length > MAX_DEPTH) throw new CkptError('E_STATE_TREE', `state tree deeper than ${MAX_DEPTH} at ${pathName(path)}`);
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return { $float: 'NaN' };
      if (value === Infinity) return { $float: 'Infinity' };
      if (value === -Infinity) return { $float: '-Infinity' };
      if (Object.is(value, -0)) return { $float: '-0' };
      return value;
    }
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Tensor) {
      let name = names.get(value);
      if (name === undefined) {
        name = uniqueName(path);
        names.set(value, name);
        tensors.set(name, value);
      }
      return { $tensor: name };
    }
    if (value instanceof Uint8Array && value.constructor === Uint8Array) {
      return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    }
    if (typeof value !== 'object') {
      throw new CkptError('E_STATE_TREE', `cannot store a ${typeof value} at ${pathName(path)} in a state tree`);
    }
    if (ArrayBuffer.isView(value)) {
      throw new CkptError('E_STATE_TREE', `a ${value.constructor.name} at ${pathName(path)}: wrap typed arrays in Tensor.fromTypedArray()`);
    }
    if (active.has(value)) throw new CkptError('E_STATE_TREE', `cycle in state tree at ${pathName(path)}`);
    active.add(value);
    try {
      if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, String(i)]));
      if (value instanceof Tuple) return { $tuple: value.items.map((v, i) => visit(v, [...path, String(i)])) };
      if (value instanceof Map) {
        const entries: Skeleton[] = [];
        for (const [k, v] of value) entries.push([encodeKey(k, path), visit(v, [...path, String(k)])]);
        if (value instanceof OrderedDict) {
          const out: { [key: string]: Skeleton } = { $odict: entries };
          if (value.attributes !== undefined) out.$attrs = visit(value.attributes, [...path, '$attrs']);
          return out;
        }
        return { $dict: entries };
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CkptError('E_STATE_TREE', `cannot store a ${(value as object).constructor?.name ?? 'class instance'} at ${pathName(path)}; use plain objects, arrays, Map, Tuple, OrderedDict or Tensor`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      if (keys.some((k) => k.startsWith('$'))) {
        return { $object: keys.map((k) => [k, visit(obj[k], [...path, k])]) };
      }
      const out: { [key: string]: Skeleton } = {};
      for (const k of keys) out[k] = visit(obj[k], [...path, k]);
      return out;
    } finally {
      active.delete(value);
    }
  };

  const skeleton = visit(tree, prefix);
  return { tensors, skeleton };
}

function encodeKey(k: StateKey, path: readonly string[]): Skeleton {
  if (k === null || typeof k === 'string' || typeof k === 'boolean') return k;
  if (typeof k === 'bigint') return { $bigint: k.toString() };
  if (typeof k === 'number') {
    if (!Number.isFinite(k) || Object.is(k, -0)) return { $float: Number.isNaN(k) ? 'NaN' : Object.is(k, -0) ? '-0' : String(k) };
    return k;
  }
  throw new CkptError('E_STATE_TREE', `unsupported dict key type ${typeof k} at ${pathName(path)}`);
}

function isRecord(v: Skeleton): v is { [key: string]: Skeleton } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badSkeleton(what: string): CkptError {
  return new CkptError('E_STATE_TREE', `malformed state skeleton: ${what}`);
}

function decodeFloat(s: Skeleton): number {
  switch (s) {
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case '-0': return -0;
    default: throw badSkeleton(`$float ${JSON.stringify(s)}`);
  }
}

function decodeBigint(s: Skeleton): bigint {
  if (typeof s !== 'string' || !/^-?\d{1,100000}$/.test(s)) throw badSkeleton(`$bigint ${JSON.stringify(s)?.slice(0, 40)}`);
  return BigInt(s);
}

function decodeKey(k: Skeleton): StateKey {
  if (k === null || typeof k === 'string' || typeof k === 'boolean' || typeof k === 'number') return k;
  if (isRecord(k) && '$bigint' in k) return decodeBigint(k.$bigint ?? null);
  if (isRecord(k) && '$float' in k) return decodeFloat(k.$float ?? null);
  throw badSkeleton('dict key of unknown form');
}

/**
 * Joins tensors and a skeleton back into the state tree. The skeleton is treated as untrusted:
 * every node is checked, nesting is bounded, and a `$tensor` name that is not in `tensors`
 * throws `E_NOT_FOUND`. Shared tensors come back as the same object.
 */
export function unflattenState(tensors: ReadonlyMap<string, Tensor>, skeleton: Skeleton): StateValue {
  const visit = (node: Skeleton, depth: number): StateValue => {
    if (depth > MAX_DEPTH + 2) throw badSkeleton(`nesting deeper than ${MAX_DEPTH}`);
    if (node === null || typeof node === 'boolean' || typeof node === 'string' || typeof node === 'number') return node;
    if (Array.isArray(node)) return node.map((n) => visit(n, depth + 1));
    const keys = Object.keys(node);
    const tag = keys.find((k) => k.startsWith('$'));
    if (tag === undefined) {
      const out: StateObject = {};
      for (const k of keys) out[k] = visit(node[k] ?? null, depth + 1);
      return out;
    }
    const body = node[tag] ?? null;
    switch (tag) {
      case '$tensor': {
        if (typeof body !== 'string') throw badSkeleton('$tensor name is not a string');
        const t = tensors.get(body);
        if (t === undefined) throw new CkptError('E_NOT_FOUND', `the state refers to tensor ${JSON.stringify(body)}, which is not in the checkpoint`, { details: { tensor: body } });
        return t;
      }
      case '$float': return decodeFloat(body);
      case '$bigint': return decodeBigint(body);
      case '$bytes': {
        if (typeof body !== 'string') throw badSkeleton('$bytes is not a string');
        const b = Buffer.from(body, 'base64');
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
      case '$tuple':
        if (!Array.isArray(body)) throw badSkeleton('$tuple is not an array');
        return new Tuple(body.map((n) => visit(n, depth + 1)));
      case '$dict':
      case '$odict': {
        if (!Array.isArray(body)) throw badSkeleton(`${tag} is not an array`);
        const map = tag === '$odict' ? new OrderedDict() : new Map<StateKey, StateValue>();
        for (const entry of body) {
          if (!Array.isArray(entry) || entry.length !== 2) throw badSkeleton(`${tag} entry is not a [key, value] pair`);
          map.set(decodeKey(entry[0] ?? null), visit(entry[1] ?? null, depth + 1));
        }
        if (map instanceof OrderedDict && '$attrs' in node) map.attributes = visit(node.$attrs ?? null, depth + 1);
        return map;
      }
      case '$object': {
        if (!Array.isArray(body)) throw badSkeleton('$object is not an array');
        const out: StateObject = {};
        for (const entry of body) {
          if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') throw badSkeleton('$object entry is not a [string, value] pair');
          out[entry[0]] = visit(entry[1] ?? null, depth + 1);
        }
        return out;
      }
      default:
        throw badSkeleton(`unknown tag ${JSON.stringify(tag)}`);
    }
  };
  return visit(skeleton, 0);
}

/** Every tensor of a state tree with its dotted name, in tree order (shared tensors once). */
export function tensorsOf(tree: StateValue): Map<string, Tensor> {
  return flattenState(tree).tensors;
}
