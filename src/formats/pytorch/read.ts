/**
 * Reading `.pth` files: detect the layout, unpickle with the restricted unpickler, then read each
 * storage by range and build the tensors. Nothing in the file is ever executed.
 *
 * @module
 */
import { constants } from 'node:buffer';
import { CkptError } from '../../errors.js';
import type { StateValue } from '../../tensor/state-tree.js';
import { loadArchive } from './archive.js';
import { loadLegacy } from './legacy.js';
import { MAX_TENSOR_EXPANSION_BYTES, resolveReadOptions, type ReadPthOptions, type ResolvedReadOptions } from './limits.js';
import type { LoadedPickle } from './loaded.js';
import type { StorageRef } from './pickle/values.js';
import { checkView, materialize } from './rebuild.js';
import { bytesSource, fileSource, type ByteSource } from './source.js';
import { listTensorRefs } from './tensor-refs.js';
import { toStateValue } from './to-state.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const PREVIEW_MAGIC = 'PYTORCH1';
const MAX_LENGTH = constants.MAX_LENGTH;

/** Opens the pickle of a torch file of either layout. */
export async function loadPickle(src: ByteSource, o: ResolvedReadOptions): Promise<LoadedPickle> {
  const head = await src.read(0, Math.min(src.size, 8));
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return loadArchive(src, o);
  if (Buffer.from(head).toString('latin1') === PREVIEW_MAGIC) throw new CkptError('E_UNSUPPORTED', 'this file uses the 1.4 preview format (PYTORCH1), which torch itself no longer reads');
  if (head[0] === 0x80) return loadLegacy(src, o);
  throw new CkptError('E_BAD_PICKLE', 'not a torch file: neither a zip archive nor a pickle stream');
}

/**
 * Storages read at once: while one is being checksummed on the main thread, the next is already
 * being read on the thread pool, so the pipeline never drains between storages.
 */
const STORAGES_IN_FLIGHT = 2;

/**
 * Storages read from a file share allocations of up to this many bytes: each allocation of fresh
 * memory of 64 MiB or more makes V8 run a full garbage collection ("external memory pressure"),
 * so one allocation per slab instead of one per storage saves a GC per storage. The price: a
 * slab is freed only when no tensor in it is referenced any more.
 */
const SLAB_BYTES = 1024 * 1024 * 1024;
/** Offsets of storages inside a slab are multiples of this (typed-array views need alignment). */
const SLAB_ALIGN = 64;

/** Memory for storages that can be read into caller memory, grouped into shared slabs. */
function planSlabs(loaded: LoadedPickle, storages: readonly StorageRef[]): Map<StorageRef, Uint8Array> {
  const into = new Map<StorageRef, Uint8Array>();
  const canReadInto = loaded.canReadInto?.bind(loaded);
  if (canReadInto === undefined) return into;
  let group: StorageRef[] = [];
  let groupBytes = 0;
  const flush = (): void => {
    if (group.length > 1) {
      const slab = new Uint8Array(Buffer.allocUnsafeSlow(groupBytes).buffer, 0, groupBytes);
      let at = 0;
      for (const s of group) {
        into.set(s, slab.subarray(at, at + s.byteLength));
        at += Math.ceil(s.byteLength / SLAB_ALIGN) * SLAB_ALIGN;
      }
    }
    group = [];
    groupBytes = 0;
  };
  for (const s of storages) {
    if (s.byteLength === 0 || !canReadInto(s)) continue;
    const padded = Math.ceil(s.byteLength / SLAB_ALIGN) * SLAB_ALIGN;
    if (groupBytes + padded > Math.min(SLAB_BYTES, MAX_LENGTH)) flush();
    group.push(s);
    groupBytes += padded;
  }
  flush();
  return into;
}

/** Reads every storage, a few at a time, in order; the first failure (in order) is thrown. */
async function readStorages(loaded: LoadedPickle, storages: readonly StorageRef[]): Promise<Map<StorageRef, Uint8Array>> {
  const bytes = new Map<StorageRef, Uint8Array>();
  const into = planSlabs(loaded, storages);
  const inFlight: Promise<Uint8Array>[] = [];
  let next = 0;
  try {
    for (const s of storages) {
      while (inFlight.length < STORAGES_IN_FLIGHT && next < storages.length) {
        const ref = storages[next++] as StorageRef;
        const p = loaded.readStorage(ref, into.get(ref));
        p.catch(() => undefined); // awaited below, in order
        inFlight.push(p);
      }
      bytes.set(s, await (inFlight.shift() as Promise<Uint8Array>));
    }
  } catch (err) {
    await Promise.allSettled(inFlight);
    throw err;
  }
  return bytes;
}

/** Builds every tensor of a loaded pickle into a state tree. */
export async function buildState(loaded: LoadedPickle, o: ResolvedReadOptions): Promise<StateValue> {
  // First pass: collect the tensor references, check them and the byte budget before any read.
  const refs = listTensorRefs(loaded.root, o.pickle.maxDepth).map((r) => r.ref);
  let storageBytes = 0;
  for (const s of new Set(refs.map((r) => r.storage))) storageBytes += s.byteLength;
  const max = o.maxTensorBytes ?? storageBytes + MAX_TENSOR_EXPANSION_BYTES;
  let total = 0;
  for (const ref of refs) {
    const n = checkView(ref, ref.storage.byteLength);
    total += n;
    if (total > max) throw new CkptError('E_LIMIT', `the tensors need more than ${max} bytes (maxTensorBytes); expanded views?`);
    if (n > MAX_LENGTH) throw new CkptError('E_LIMIT', `a tensor of ${n} bytes is larger than Node's ${MAX_LENGTH}-byte buffer limit`);
  }
  const bytes = await readStorages(loaded, [...new Set(refs.map((r) => r.storage))]);
  const big = loaded.byteorder === 'big';
  return toStateValue(loaded.root, (ref) => materialize(ref, bytes.get(ref.storage) ?? new Uint8Array(0), big), o.pickle.maxDepth);
}

async function readFrom(src: ByteSource, options: ReadPthOptions): Promise<StateValue> {
  const o = resolveReadOptions(options);
  try {
    return await buildState(await loadPickle(src, o), o);
  } finally {
    await src.close();
  }
}

/**
 * Reads a `.pth` / `.pt` file written by `torch.save` (zip layout, or the legacy pre-1.6 stream)
 * into a state tree, without executing anything in it. Storages are read by range.
 *
 * @example
 * ```ts
 * const ckpt = await readPth('checkpoint.pth');
 * ```
 * @throws CkptError `E_UNSAFE_PICKLE` (a global or opcode outside the allow-list), `E_BAD_PICKLE`,
 *   `E_BAD_ZIP`, `E_CORRUPT` (CRC), `E_LIMIT`, `E_UNSUPPORTED`, `E_NOT_FOUND`, `E_IO`.
 */
export async function readPth(path: string, options: ReadPthOptions = {}): Promise<StateValue> {
  return readFrom(await fileSource(path, { mmap: options.mmap ?? true }), options);
}

/** {@link readPth} over bytes in memory. Contiguous tensors view `bytes` without copying. */
export async function parsePth(bytes: Uint8Array, options: ReadPthOptions = {}): Promise<StateValue> {
  return readFrom(bytesSource(bytes), options);
}
