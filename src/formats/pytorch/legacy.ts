/**
 * Loads the legacy stream layout (torch < 1.6, or `_use_new_zipfile_serialization=False`):
 * magic number, protocol version, system info and the object, each its own pickle, then the
 * list of storage keys, then each storage as an i64 element count and raw bytes. Read only.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import type { ResolvedReadOptions } from './limits.js';
import type { LoadedPickle } from './loaded.js';
import { parseStoragePid } from './archive.js';
import { describe } from './pickle/globals.js';
import { unpickle, type UnpickleOptions } from './pickle/unpickler.js';
import { PyDict, PyList, PyTuple, StorageRef, type PyValue } from './pickle/values.js';
import { elementSize } from './rebuild.js';
import type { ByteSource } from './source.js';
import type { DType } from '../../tensor/dtype.js';

/** The legacy format's magic number (the first pickle). */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
/** The legacy protocol version (the second pickle). */
export const LEGACY_PROTOCOL = 1001;
/** Bytes read first; the pickles of small files fit, bigger ones are re-read up to the pickle limit. */
const FIRST_READ = 1 << 20;

function bad(message: string): CkptError {
  return new CkptError('E_BAD_PICKLE', message);
}

interface Root {
  dtype: DType | undefined;
  bytes: number;
  location: string;
}

/** Opens and unpickles a legacy-layout torch file. */
export async function loadLegacy(src: ByteSource, o: ResolvedReadOptions): Promise<LoadedPickle> {
  let headLen = Math.min(src.size, FIRST_READ);
  for (;;) {
    const head = await src.read(0, headLen);
    try {
      return await parse(src, head, o);
    } catch (err) {
      const truncated = err instanceof CkptError && err.code === 'E_BAD_PICKLE' && err.message.includes('truncated');
      if (!truncated || headLen === src.size) throw err;
      if (headLen >= o.maxPickleBytes) throw new CkptError('E_LIMIT', `the legacy pickles are longer than the ${o.maxPickleBytes}-byte limit`, { cause: err });
      headLen = Math.min(src.size, o.maxPickleBytes);
    }
  }
}

async function parse(src: ByteSource, head: Uint8Array, o: ResolvedReadOptions): Promise<LoadedPickle> {
  const roots = new Map<string, Root>();
  const views = new Map<string, StorageRef>();
  const refs = new Map<string, StorageRef>();
  const noPersistent = (): PyValue => {
    throw bad('persistent id outside the object pickle');
  };
  const base: UnpickleOptions = { ...o.pickle, persistentLoad: noPersistent, warn: o.zip.onWarning };
  const magic = unpickle(head, 0, base);
  if (magic.value !== LEGACY_MAGIC) throw bad('not a torch file: invalid magic number (corrupt file?)');
  const proto = unpickle(head, magic.end, base);
  if (proto.value !== LEGACY_PROTOCOL) throw new CkptError('E_UNSUPPORTED', `legacy protocol version ${describe(proto.value)} is not supported`);
  const sys = unpickle(head, proto.end, base);
  if (!(sys.value instanceof PyDict)) throw bad('legacy system info is not a dict');
  const little = sys.value.map.get('little_endian');
  if (typeof little !== 'boolean') throw bad('legacy system info has no little_endian flag');

  const persistentLoad = (pid: PyValue): PyValue => {
    const p = parseStoragePid(pid, true);
    const dtype = p.cls.kind === 'untyped_storage' ? 'U8' : p.cls.dtype;
    const es = elementSize(dtype ?? 'U8');
    const bytes = p.numel * es;
    const root = roots.get(p.key);
    if (root === undefined) roots.set(p.key, { dtype, bytes, location: p.location });
    else if (root.bytes !== bytes || root.dtype !== dtype) throw bad(`storage ${p.key} is declared twice with different types or sizes`);
    if (p.view === null) {
      let ref = refs.get(p.key);
      if (ref === undefined) {
        ref = new StorageRef(p.key, 0, bytes, dtype, p.location);
        refs.set(p.key, ref);
      }
      return ref;
    }
    if (!(p.view instanceof PyTuple) || p.view.items.length !== 3) throw bad('legacy view metadata must be (view_key, offset, size)');
    const [viewKey, offset, size] = p.view.items;
    if (typeof viewKey !== 'string' || typeof offset !== 'number' || typeof size !== 'number' || !Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) {
      throw bad('legacy view metadata has bad fields');
    }
    if ((offset + size) * es > bytes) throw bad(`legacy view ${viewKey} reaches past storage ${p.key}`);
    let ref = views.get(viewKey);
    if (ref === undefined) {
      ref = new StorageRef(p.key, offset * es, size * es, dtype, p.location);
      views.set(viewKey, ref);
    }
    return ref;
  };
  const obj = unpickle(head, sys.end, { ...base, persistentLoad });
  const keyList = unpickle(head, obj.end, base);
  if (!(keyList.value instanceof PyList) || !keyList.value.items.every((k) => typeof k === 'string')) throw bad('legacy storage key list is not a list of strings');

  // Storage records follow in key-list order: i64 element count, then the bytes.
  const ranges = new Map<string, number>();
  let pos = keyList.end;
  for (const key of keyList.value.items as string[]) {
    const root = roots.get(key);
    if (root === undefined) throw bad(`legacy storage ${key} is listed but never used, so its element size is unknown`);
    if (ranges.has(key)) throw bad(`legacy storage ${key} is listed twice`);
    const countBytes = await src.read(pos, 8);
    const count = new DataView(countBytes.buffer, countBytes.byteOffset, 8).getBigInt64(0, little);
    const es = elementSize(root.dtype ?? 'U8');
    if (count < 0n || count * BigInt(es) !== BigInt(root.bytes)) throw bad(`legacy storage ${key} holds ${count} elements, but its tensors declare ${root.bytes / es}`);
    ranges.set(key, pos + 8);
    pos += 8 + root.bytes;
    if (pos > src.size) throw new CkptError('E_BAD_ZIP', `legacy storage ${key} runs past the end of the file (truncated?)`);
  }
  for (const key of roots.keys()) if (!ranges.has(key)) throw bad(`legacy storage ${key} is used but not stored`);

  const all = new Map<string, StorageRef>(refs);
  for (const [k, v] of views) all.set(`view:${k}`, v);
  return {
    format: 'legacy',
    archiveName: null,
    byteorder: little ? 'little' : 'big',
    version: LEGACY_PROTOCOL,
    root: obj.value,
    storages: all,
    readStorage: (ref) => src.read((ranges.get(ref.key) ?? 0) + ref.byteOffset, ref.byteLength),
  };
}
