/**
 * Reading what a run holds, from the manifests (the truth): list, read one manifest, delete, and
 * sweep leftovers. Listing and reading never write, so they work on a run another process owns.
 *
 * @module
 */
import { CkptError, isCkptError } from '../errors.js';
import { childFolders, type Store } from '../storage/store.js';
import { CHECKPOINTS_DIR, checkpointFolder, checkpointKey, MANIFEST_FILE } from './layout.js';
import { decodeManifest, recordOf, type Manifest } from './manifest.js';
import { compareOldestFirst } from './policies/order.js';
import type { CheckpointRecord } from './policies/types.js';
import { FsStore } from '../storage/fs-store.js';
import { STEPS_DIR } from './step-history.js';

/** A committed checkpoint: what policies see (name, epoch, step, metrics, time), plus its manifest. */
export interface CheckpointInfo extends CheckpointRecord {
  readonly manifest: Manifest;
  /** Total bytes of its files, manifest excluded. */
  readonly bytes: number;
}

/** The {@link CheckpointInfo} of a manifest found in folder `name`. */
export function infoOf(name: string, manifest: Manifest): CheckpointInfo {
  let bytes = 0;
  for (const f of Object.values(manifest.files)) bytes += f.size;
  return { ...recordOf(name, manifest), manifest, bytes };
}

/** What a run's `checkpoints/` folder holds. */
export interface Catalog {
  /** Committed checkpoints, oldest first (step, then time, then name). */
  readonly checkpoints: readonly CheckpointInfo[];
  /** Folders without a valid manifest (interrupted deletes, torn object-store writes, damage), with why. */
  readonly incomplete: ReadonlyMap<string, string>;
}

/** Manifests read at once when listing a run: enough to hide latency, few enough for any store. */
export const MANIFEST_READ_CONCURRENCY = 32;

/**
 * Names of the folders directly under `checkpoints/` (staging leftovers excluded), sorted: one
 * listing, not a walk of every file. On a filesystem this may include empty directories: see
 * {@link holdsFiles}, which callers ask only about folders without a manifest (rare).
 */
export async function checkpointFolders(store: Store): Promise<string[]> {
  return childFolders(store, CHECKPOINTS_DIR);
}

/** False for an empty directory under `checkpoints/` (which is nothing, not an incomplete checkpoint). */
export async function holdsFiles(store: Store, name: string): Promise<boolean> {
  return (await store.list(checkpointFolder(name))).length > 0;
}

/** Reads and validates the manifest of `name`; `E_INCOMPLETE` when missing or invalid. */
export async function readManifest(store: Store, name: string): Promise<Manifest> {
  const key = checkpointKey(name, MANIFEST_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (err) {
    if (isCkptError(err, 'E_NOT_FOUND')) {
      throw new CkptError('E_INCOMPLETE', `checkpoint "${name}" has no ${MANIFEST_FILE}: it was never committed or is being deleted`, { cause: err, details: { checkpoint: name } });
    }
    throw err;
  }
  return decodeManifest(bytes, `${MANIFEST_FILE} of checkpoint "${name}"`);
}

/** Lists a run's checkpoints from their manifests, read {@link MANIFEST_READ_CONCURRENCY} at a time. Read-only. */
export async function readCatalog(store: Store): Promise<Catalog> {
  const names = await checkpointFolders(store);
  const results = new Array<CheckpointInfo | CkptError | undefined>(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      const name = names[i] ?? '';
      try {
        results[i] = infoOf(name, await readManifest(store, name));
      } catch (err) {
        if (!isCkptError(err, 'E_INCOMPLETE')) throw err;
        results[i] = (await holdsFiles(store, name)) ? err : undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MANIFEST_READ_CONCURRENCY, names.length) }, worker));
  const found: CheckpointInfo[] = [];
  const incomplete = new Map<string, string>();
  for (const [i, r] of results.entries()) {
    if (r instanceof CkptError) incomplete.set(names[i] ?? '', r.message);
    else if (r !== undefined) found.push(r);
  }
  return { checkpoints: found.sort(compareOldestFirst), incomplete };
}

/** Deletes checkpoint `name`: the manifest first (it stops existing), then its files. */
export async function deleteCheckpoint(store: Store, name: string): Promise<void> {
  await store.delete(checkpointKey(name, MANIFEST_FILE));
  await store.deletePrefix(checkpointFolder(name));
}

/**
 * Removes staging leftovers and folders without a manifest. Only the run's writer (the lock
 * holder) may call this: another writer's in-flight object-store upload has no manifest yet.
 * Returns the removed names.
 */
export async function sweepRun(store: Store): Promise<string[]> {
  const removed = [...(await store.sweep(CHECKPOINTS_DIR)), ...(await store.sweep('')), ...(await store.sweep(STEPS_DIR))];
  const { incomplete } = await readCatalog(store);
  for (const name of incomplete.keys()) {
    if ((await store.stat(checkpointKey(name, MANIFEST_FILE))) !== undefined) continue; // a damaged manifest: keep for inspection
    await store.deletePrefix(checkpointFolder(name));
    removed.push(CHECKPOINTS_DIR + name);
  }
  return removed;
}

/** A store for `run`: the store itself, or an `FsStore` on a run directory. */
export function runStore(run: string | Store): Store {
  return typeof run === 'string' ? new FsStore(run) : run;
}

/** The committed checkpoints of a run (a directory or a store), oldest first. Read-only: no lock taken. */
export async function listCheckpoints(run: string | Store): Promise<CheckpointInfo[]> {
  return [...(await readCatalog(runStore(run))).checkpoints];
}
