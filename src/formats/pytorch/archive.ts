/**
 * Loads the zip layout of `torch.save` (torch >= 1.6): finds the archive folder, checks the
 * `version` and `byteorder` records, unpickles `data.pkl` and maps each persistent id to a
 * `data/<key>` record whose size must match the storage it declares.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import type { ResolvedReadOptions } from './limits.js';
import type { LoadedPickle } from './loaded.js';
import { describe } from './pickle/globals.js';
import { unpickle } from './pickle/unpickler.js';
import { PyGlobal, PyTuple, StorageRef, type PyValue } from './pickle/values.js';
import { elementSize } from './rebuild.js';
import type { ByteSource } from './source.js';
import { ZipReader } from './zip/reader.js';

/** Highest `version` record accepted (torch 2.x writes 3; its reader accepts up to 10). */
const MAX_FILE_VERSION = 10;
/** Largest small text record (`version`, `byteorder`). */
const MAX_TEXT_RECORD = 64;

const latin1 = new TextDecoder('latin1');

function badZip(message: string): CkptError {
  return new CkptError('E_BAD_ZIP', message);
}

/** Parses a persistent id `('storage', cls, key, location, numel)` into its parts. */
export function parseStoragePid(pid: PyValue, legacy: boolean): { cls: PyGlobal; key: string; location: string; numel: number; view: PyValue } {
  if (!(pid instanceof PyTuple)) throw new CkptError('E_BAD_PICKLE', `persistent id must be a tuple, got ${describe(pid)}`);
  const [tag, cls, key, location, numel, view] = pid.items;
  const tagText = tag instanceof Uint8Array ? latin1.decode(tag) : tag;
  if (tagText === 'module') throw new CkptError('E_UNSAFE_PICKLE', 'the file embeds Python module source (legacy nn.Module pickling); ckpt never loads code', { details: { global: 'module' } });
  if (tagText !== 'storage') throw new CkptError('E_UNSAFE_PICKLE', `persistent id of kind ${describe(tag ?? null)} is not allowed (only storages)`, { details: { global: 'persistent_id' } });
  const expected = legacy ? 6 : 5;
  if (pid.items.length !== expected) throw new CkptError('E_BAD_PICKLE', `storage persistent id has ${pid.items.length} fields, expected ${expected}`);
  if (!(cls instanceof PyGlobal) || (cls.kind !== 'storage' && cls.kind !== 'untyped_storage')) throw new CkptError('E_BAD_PICKLE', `storage class must be a torch storage type, got ${describe(cls ?? null)}`);
  if (typeof key !== 'string' || !/^\d{1,40}$/.test(key)) throw new CkptError('E_BAD_PICKLE', `storage key must be a decimal string, got ${describe(key ?? null)}`);
  if (typeof location !== 'string') throw new CkptError('E_BAD_PICKLE', `storage location must be a string, got ${describe(location ?? null)}`);
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw new CkptError('E_BAD_PICKLE', `storage size must be a non-negative integer, got ${describe(numel ?? null)}`);
  return { cls, key, location, numel, view: view ?? null };
}

/** Opens and unpickles a zip-layout torch file. */
export async function loadArchive(src: ByteSource, o: ResolvedReadOptions): Promise<LoadedPickle> {
  const zip = await ZipReader.open(src, o.zip);
  const first = zip.entries[0];
  if (first === undefined) throw badZip('the archive is empty');
  const slash = first.name.indexOf('/');
  if (slash <= 0) throw badZip(`first entry ${JSON.stringify(first.name)} is not inside an archive folder`);
  const folder = first.name.slice(0, slash + 1);
  for (const e of zip.entries) {
    if (!e.name.startsWith(folder)) throw badZip(`entry ${JSON.stringify(e.name)} lies outside the archive folder ${JSON.stringify(folder)}`);
  }
  if (zip.get(`${folder}constants.pkl`) !== undefined) throw new CkptError('E_UNSUPPORTED', 'this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint');

  const text = async (name: string): Promise<string | undefined> => {
    const e = zip.get(folder + name);
    if (e === undefined) return undefined;
    if (e.size > MAX_TEXT_RECORD) throw badZip(`record ${name} is ${e.size} bytes; expected a short text`);
    return latin1.decode(await zip.read(e)).trim();
  };
  const versionText = (await text('.data/version')) ?? (await text('version'));
  if (versionText === undefined) throw badZip('the archive has no version record');
  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || version < 1 || version > MAX_FILE_VERSION) {
    throw new CkptError('E_UNSUPPORTED', `archive version ${JSON.stringify(versionText)} is not supported (1..${MAX_FILE_VERSION})`);
  }
  const order = (await text('byteorder')) ?? 'little';
  if (order !== 'little' && order !== 'big') throw badZip(`byteorder record must be "little" or "big", got ${JSON.stringify(order)}`);

  const pklEntry = zip.get(`${folder}data.pkl`);
  if (pklEntry === undefined) throw badZip('the archive has no data.pkl');
  if (pklEntry.size > o.maxPickleBytes) throw new CkptError('E_LIMIT', `data.pkl is ${pklEntry.size} bytes; the limit is ${o.maxPickleBytes}`);
  const pkl = await zip.read(pklEntry);

  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const p = parseStoragePid(pid, false);
    const es = p.cls.kind === 'untyped_storage' ? 1 : elementSize(p.cls.dtype ?? 'U8');
    const byteLength = p.numel * es;
    const known = storages.get(p.key);
    if (known !== undefined) {
      if (known.byteLength !== byteLength) throw new CkptError('E_BAD_PICKLE', `storage ${p.key} is declared with ${known.byteLength} and ${byteLength} bytes`);
      return known;
    }
    const entry = zip.get(`${folder}data/${p.key}`);
    if (entry === undefined) throw badZip(`storage ${p.key} has no data/${p.key} record`);
    if (entry.size !== byteLength) throw badZip(`record data/${p.key} holds ${entry.size} bytes, but its storage needs ${byteLength}`);
    const ref = new StorageRef(p.key, 0, byteLength, p.cls.dtype, p.location);
    storages.set(p.key, ref);
    return ref;
  };
  const { value, end } = unpickle(pkl, 0, { ...o.pickle, persistentLoad, warn: o.zip.onWarning });
  if (end !== pkl.byteLength) o.zip.onWarning(`data.pkl has ${pkl.byteLength - end} bytes after its STOP opcode`);

  return {
    format: 'zip',
    archiveName: folder.slice(0, -1),
    byteorder: order,
    version,
    root: value,
    storages,
    readStorage: async (ref, into) => {
      const entry = zip.get(`${folder}data/${ref.key}`);
      if (entry === undefined) throw badZip(`storage ${ref.key} has no record`);
      return zip.read(entry, into);
    },
    canReadInto: (ref) => {
      const entry = zip.get(`${folder}data/${ref.key}`);
      return entry !== undefined && entry.size === ref.byteLength && zip.canReadInto(entry);
    },
  };
}
