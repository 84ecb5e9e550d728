/**
 * Verifying checkpoints against their manifests: every listed file present, with the listed size
 * and CRC32C; files the manifest does not list are reported too. Read-only and streamed (a file is
 * never held in memory whole), so it runs on a live run and on huge checkpoints.
 *
 * @module
 */
import { basename, dirname, resolve } from 'node:path';
import { isCkptError } from '../errors.js';
import { FsStore } from '../storage/fs-store.js';
import type { Store } from '../storage/store.js';
import { Crc32c, crc32cHex } from '../util/crc32c.js';
import { CHECKPOINTS_DIR, checkpointFolder, checkpointKey, MANIFEST_FILE } from './layout.js';
import { checkpointFolders, holdsFiles, readManifest } from './catalog.js';

/** What can be wrong with one file of a checkpoint. */
export type ProblemKind = 'manifest' | 'missing' | 'size' | 'checksum' | 'extra';

/** One problem found by {@link verifyCheckpoint}. */
export interface VerifyProblem {
  /** File name inside the checkpoint folder (`manifest.json` for manifest problems). */
  readonly file: string;
  readonly kind: ProblemKind;
  /** What it should be (size in bytes or CRC32C hex), when it applies. */
  readonly expected?: string;
  /** What it is, when it applies. */
  readonly actual?: string;
  /** A sentence for people. */
  readonly message: string;
}

/** The verdict on one checkpoint. */
export interface VerifyReport {
  readonly name: string;
  /** True when nothing but `extra` files was found: every listed file is present and intact. */
  readonly ok: boolean;
  readonly problems: readonly VerifyProblem[];
}

/** Size and CRC32C of `key`, streamed; `undefined` when it does not exist. */
async function measure(store: Store, key: string): Promise<{ size: number; crc32c: string } | undefined> {
  const crc = new Crc32c();
  let size = 0;
  try {
    for await (const chunk of store.read(key)) {
      crc.update(chunk);
      size += chunk.byteLength;
    }
  } catch (err) {
    if (isCkptError(err, 'E_NOT_FOUND')) return undefined;
    throw err;
  }
  return { size, crc32c: crc32cHex(crc.digest()) };
}

/** Checks checkpoint `name` of a run against its manifest. Never throws for damage: it reports it. */
export async function verifyCheckpoint(store: Store, name: string): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  let manifest;
  try {
    manifest = await readManifest(store, name);
  } catch (err) {
    if (!isCkptError(err, 'E_INCOMPLETE')) throw err;
    return { name, ok: false, problems: [{ file: MANIFEST_FILE, kind: 'manifest', message: err.message }] };
  }
  for (const [file, want] of Object.entries(manifest.files)) {
    const got = await measure(store, checkpointKey(name, file));
    if (got === undefined) {
      problems.push({ file, kind: 'missing', message: `${name}/${file} is listed in the manifest but missing` });
    } else if (got.size !== want.size) {
      problems.push({ file, kind: 'size', expected: String(want.size), actual: String(got.size), message: `${name}/${file} is ${got.size} bytes, the manifest says ${want.size}` });
    } else if (got.crc32c !== want.crc32c) {
      problems.push({ file, kind: 'checksum', expected: want.crc32c, actual: got.crc32c, message: `${name}/${file} has CRC32C ${got.crc32c}, the manifest says ${want.crc32c}: the file is corrupt` });
    }
  }
  const folder = checkpointFolder(name);
  for (const key of await store.list(folder)) {
    const file = key.slice(folder.length);
    if (file !== MANIFEST_FILE && !Object.hasOwn(manifest.files, file)) {
      problems.push({ file, kind: 'extra', message: `${name}/${file} is not listed in the manifest` });
    }
  }
  return { name, ok: problems.every((p) => p.kind === 'extra'), problems };
}

/** Verifies every checkpoint folder of a run (folders without a manifest included), sorted by name. */
export async function verifyRun(store: Store): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const name of await checkpointFolders(store)) {
    const report = await verifyCheckpoint(store, name);
    if (!report.ok && !(await holdsFiles(store, name))) continue; // an empty directory: nothing to verify
    reports.push(report);
  }
  return reports;
}

/**
 * Verifies what a path holds, for `ckpt verify PATH`: a run directory (every checkpoint folder) or
 * one checkpoint directory (`<run>/checkpoints/<name>`). Read-only, no lock.
 */
export async function verifyPath(path: string): Promise<VerifyReport[]> {
  const abs = resolve(path);
  if (basename(dirname(abs)) === CHECKPOINTS_DIR.slice(0, -1)) {
    return [await verifyCheckpoint(new FsStore(dirname(dirname(abs))), basename(abs))];
  }
  return verifyRun(new FsStore(abs));
}
