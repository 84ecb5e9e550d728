/**
 * The allow-list of globals and what calling each one does. This is the whole of the "code" a
 * pickle can reach: building containers, bytes and tensor references. Anything else is refused
 * with `E_UNSAFE_PICKLE` naming the global; nothing is ever looked up dynamically.
 *
 * @module
 */
import { CkptError } from '../../../errors.js';
import {
  OTHER_TORCH_DTYPES, STORAGE_CLASS_DTYPE, TORCH_DTYPE, UNSUPPORTED_STORAGE_CLASSES,
} from '../torch-dtypes.js';
import { PyComplex, PyDict, PyGlobal, PyList, PyTuple, StorageRef, TensorRef, type GlobalKind, type PyValue } from './values.js';

/** Python 2 module names that protocol-2 pickles use for builtins. */
const MODULE_ALIASES: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

const FIXED: Readonly<Record<string, GlobalKind>> = {
  'collections.OrderedDict': 'OrderedDict',
  'builtins.set': 'set',
  'builtins.frozenset': 'frozenset',
  'builtins.bytearray': 'bytearray',
  'builtins.bytes': 'bytes',
  'builtins.complex': 'complex',
  '_codecs.encode': 'codecs.encode',
  'torch._utils._rebuild_tensor': 'rebuild_tensor',
  'torch._utils._rebuild_tensor_v2': 'rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3': 'rebuild_tensor_v3',
  'torch._utils._rebuild_parameter': 'rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state': 'rebuild_parameter_with_state',
  'torch.Size': 'Size',
  'torch.device': 'device',
  'torch.UntypedStorage': 'untyped_storage',
  'torch.storage.UntypedStorage': 'untyped_storage',
  'torch.storage._UntypedStorage': 'untyped_storage',
};

function unsafe(message: string, global: string): CkptError {
  return new CkptError('E_UNSAFE_PICKLE', message, { details: { global } });
}

function badPickle(message: string): CkptError {
  return new CkptError('E_BAD_PICKLE', message);
}

/** Resolves `module name` (as GLOBAL spells it) against the allow-list, or throws `E_UNSAFE_PICKLE`. */
export function resolveGlobal(rawModule: string, name: string): PyGlobal {
  const module = MODULE_ALIASES[rawModule] ?? rawModule;
  const qualified = `${module}.${name}`;
  const kind = FIXED[qualified];
  if (kind !== undefined) return new PyGlobal(module, name, kind);
  if (module === 'torch' || module === 'torch.storage') {
    const dtype = STORAGE_CLASS_DTYPE[name];
    if (dtype !== undefined) return new PyGlobal(module, name, 'storage', dtype);
    if (UNSUPPORTED_STORAGE_CLASSES.has(name)) {
      throw new CkptError('E_UNSUPPORTED', `tensors of storage class torch.${name} are not supported`, { details: { global: qualified } });
    }
  }
  if (module === 'torch') {
    const dtype = TORCH_DTYPE[name];
    if (dtype !== undefined) return new PyGlobal(module, name, 'dtype', dtype);
    if (OTHER_TORCH_DTYPES.has(name)) return new PyGlobal(module, name, 'dtype');
  }
  throw unsafe(`the pickle asks for global ${qualified}, which is not on the allow-list (a pickle can run code through globals; ckpt never does)`, qualified);
}

/** What a call needs from the unpickler. */
export interface CallContext {
  warn(message: string): void;
}

function arg(args: readonly PyValue[], i: number): PyValue {
  return i < args.length ? (args[i] as PyValue) : null;
}

function intArg(v: PyValue, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw badPickle(`${what} must be a non-negative integer, got ${describe(v)}`);
  return v;
}

function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple)) throw badPickle(`${what} must be a tuple, got ${describe(v)}`);
  return v.items.map((x, i) => intArg(x, `${what}[${i}]`));
}

function boolArg(v: PyValue, what: string): boolean {
  if (typeof v !== 'boolean') throw badPickle(`${what} must be a bool, got ${describe(v)}`);
  return v;
}

function emptyDict(v: PyValue, what: string, ctx: CallContext): void {
  if (v === null) return;
  if (!(v instanceof PyDict)) throw badPickle(`${what} must be a dict, got ${describe(v)}`);
  if (v.map.size > 0) ctx.warn(`${what} is not empty; ckpt drops it`);
}

/** A short description of a value for error messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return `str ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v !== 'object') return `${typeof v} ${String(v)}`;
  if (v instanceof PyGlobal) return v.qualifiedName;
  return v.constructor.name;
}

function rebuildTensor(kind: GlobalKind, args: readonly PyValue[], ctx: CallContext): TensorRef {
  const storage = arg(args, 0);
  if (!(storage instanceof StorageRef)) throw badPickle(`${kind}: first argument must be a storage, got ${describe(storage)}`);
  const offset = intArg(arg(args, 1), `${kind} storage_offset`);
  const shape = intTuple(arg(args, 2), `${kind} size`);
  const stride = intTuple(arg(args, 3), `${kind} stride`);
  if (shape.length !== stride.length) throw badPickle(`${kind}: size has ${shape.length} dimensions but stride has ${stride.length}`);
  if (kind === 'rebuild_tensor') {
    if (args.length !== 4) throw badPickle(`_rebuild_tensor takes 4 arguments, got ${args.length}`);
    return new TensorRef(storage, needDtype(storage.dtype), offset, shape, stride, false, false);
  }
  const requiresGrad = boolArg(arg(args, 4), `${kind} requires_grad`);
  emptyDict(arg(args, 5), `${kind} backward_hooks`, ctx);
  let dtype = storage.dtype;
  let metaAt = 6;
  if (kind === 'rebuild_tensor_v3') {
    const d = arg(args, 6);
    if (!(d instanceof PyGlobal) || d.kind !== 'dtype') throw badPickle(`_rebuild_tensor_v3 dtype must be a torch dtype, got ${describe(d)}`);
    if (d.dtype === undefined) throw new CkptError('E_UNSUPPORTED', `tensors of dtype torch.${d.name} are not supported`, { details: { dtype: d.name } });
    dtype = d.dtype;
    metaAt = 7;
  }
  if (args.length > metaAt + 1 || args.length < metaAt) throw badPickle(`${kind} got ${args.length} arguments`);
  const meta = arg(args, metaAt);
  if (meta instanceof PyDict && meta.map.size > 0) {
    throw new CkptError('E_UNSUPPORTED', `a tensor carries metadata flags (${[...meta.map.keys()].join(', ')}), e.g. a lazily conjugated view; resolve it before saving`);
  }
  return new TensorRef(storage, needDtype(dtype), offset, shape, stride, requiresGrad, false);
}

function needDtype(d: TensorRef['dtype'] | undefined): TensorRef['dtype'] {
  if (d === undefined) throw badPickle('an untyped storage is used without a dtype');
  return d;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw badPickle('latin-1 text holds a character above U+00FF');
    out[i] = c;
  }
  return out;
}

function isLatin1Name(v: PyValue): boolean {
  return v === 'latin1' || v === 'latin-1' || v === 'iso-8859-1';
}

function sequenceItems(v: PyValue, what: string): PyValue[] {
  if (v instanceof PyList) return [...v.items];
  if (v instanceof PyTuple) return [...v.items];
  throw badPickle(`${what} takes a list or tuple, got ${describe(v)}`);
}

/** Calls an allow-listed global (REDUCE / NEWOBJ). */
export function callGlobal(g: PyGlobal, argsValue: PyValue, ctx: CallContext): PyValue {
  if (!(argsValue instanceof PyTuple)) throw badPickle(`arguments of ${g.qualifiedName} must be a tuple, got ${describe(argsValue)}`);
  const args = argsValue.items;
  switch (g.kind) {
    case 'OrderedDict': {
      const d = new PyDict(true);
      if (args.length === 0) return d;
      for (const pair of sequenceItems(arg(args, 0), 'OrderedDict')) {
        if (!(pair instanceof PyTuple) || pair.items.length !== 2) throw badPickle('OrderedDict items must be (key, value) pairs');
        const [k, v] = pair.items as [PyValue, PyValue];
        d.map.set(checkKey(k), v);
      }
      return d;
    }
    case 'set':
    case 'frozenset': {
      const l = new PyList();
      if (args.length > 0) l.items.push(...sequenceItems(arg(args, 0), g.name));
      return l;
    }
    case 'bytes':
      if (args.length !== 0) throw unsafe('builtins.bytes is only allowed with no arguments (empty bytes)', g.qualifiedName);
      return new Uint8Array(0);
    case 'bytearray': {
      if (args.length === 0) return new Uint8Array(0);
      const a = arg(args, 0);
      if (a instanceof Uint8Array) return a.slice();
      if (typeof a === 'string' && isLatin1Name(arg(args, 1))) return latin1Bytes(a);
      throw badPickle(`bytearray of ${describe(a)} is not supported`);
    }
    case 'codecs.encode': {
      const s = arg(args, 0);
      if (typeof s !== 'string' || !isLatin1Name(arg(args, 1))) throw unsafe('_codecs.encode is only allowed as (str, "latin1"), the way pickle encodes bytes', g.qualifiedName);
      return latin1Bytes(s);
    }
    case 'complex': {
      const re = arg(args, 0);
      const im = args.length > 1 ? arg(args, 1) : 0;
      if (typeof re !== 'number' || typeof im !== 'number') throw badPickle('complex takes two numbers');
      return new PyComplex(re, im);
    }
    case 'Size':
      if (args.length === 0) return new PyTuple([]);
      return new PyTuple(intTuple(arg(args, 0), 'torch.Size'));
    case 'device': {
      const type = arg(args, 0);
      const index = arg(args, 1);
      if (typeof type !== 'string') throw badPickle('torch.device takes a string');
      return index === null ? type : `${type}:${intArg(index, 'device index')}`;
    }
    case 'rebuild_tensor':
    case 'rebuild_tensor_v2':
    case 'rebuild_tensor_v3':
      return rebuildTensor(g.kind, args, ctx);
    case 'rebuild_parameter':
    case 'rebuild_parameter_with_state': {
      const t = arg(args, 0);
      if (!(t instanceof TensorRef)) throw badPickle(`${g.name}: data must be a tensor, got ${describe(t)}`);
      const requiresGrad = boolArg(arg(args, 1), `${g.name} requires_grad`);
      emptyDict(arg(args, 2), `${g.name} backward_hooks`, ctx);
      if (g.kind === 'rebuild_parameter_with_state') {
        const state = arg(args, 3);
        if (state !== null && !(state instanceof PyDict && state.map.size === 0)) ctx.warn('a Parameter carries Python attributes; ckpt keeps only its data');
      }
      return new TensorRef(t.storage, t.dtype, t.storageOffset, t.shape, t.stride, requiresGrad, true);
    }
    case 'storage':
    case 'untyped_storage':
    case 'dtype':
      throw unsafe(`calling ${g.qualifiedName} is not allowed`, g.qualifiedName);
  }
}

/** A value usable as a dict key in a state tree, or `E_UNSUPPORTED`. */
export function checkKey(k: PyValue): string | number | bigint | boolean | null {
  if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
  throw new CkptError('E_UNSUPPORTED', `a dict key of type ${describe(k)} cannot be represented (keys must be str, int, float, bool or None)`);
}
