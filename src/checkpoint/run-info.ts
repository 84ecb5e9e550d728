/**
 * `run.json`: provenance of a run, written when the run is created: id, creation time,
 * hyperparameters, git commit/branch/dirty of the training code, host, Node and package versions.
 * Two optional fields are kept up to date by the run's writer (older files without them still load):
 * `checkpointing` (how the run judges "best": monitor, mode, policy names) and `resumedFrom`.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, platform, arch } from 'node:os';
import { promisify } from 'node:util';
import { isCkptError } from '../errors.js';
import type { Store } from '../storage/store.js';
import { parseJson } from '../util/json.js';
import { RUN_FILE } from './layout.js';

const exec = promisify(execFile);

/** A JSON value, as hyperparameters may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Git state of the training code, or `null` outside a repository or without git. */
export interface GitInfo {
  readonly commit: string;
  /** `null` on a detached HEAD. */
  readonly branch: string | null;
  /** True when tracked files have uncommitted changes. */
  readonly dirty: boolean;
}

/** The content of `run.json`. */
export interface RunInfo {
  readonly format: 'ckpt.run';
  readonly version: 1;
  readonly id: string;
  /** ISO 8601. */
  readonly created: string;
  readonly hparams: { readonly [key: string]: JsonValue };
  readonly git: GitInfo | null;
  readonly host: { readonly name: string; readonly platform: string; readonly arch: string };
  readonly versions: { readonly node: string; readonly ckpt: string };
  /** How the run judges and keeps checkpoints; absent in runs never opened with a `monitor`. */
  readonly checkpointing?: RunCheckpointing;
  /** Name of the checkpoint the run last restored (resumed from); retention and `ckpt prune` keep it. */
  readonly resumedFrom?: string;
}

/** The `checkpointing` field of `run.json`, written by the manager from its options. */
export interface RunCheckpointing {
  /** The monitored metric, e.g. `val_acc`. */
  readonly monitor: string;
  /** `min` or `max`. */
  readonly mode: 'min' | 'max';
  /** Names of the save policies (any of them saves). */
  readonly savePolicies: readonly string[];
  /** Names of the retention policies (the union is kept); `[]` keeps everything. */
  readonly retentionPolicies: readonly string[];
}

let ckptVersion: string | undefined;

/** The version of this package, from its package.json. */
export function ckptPackageVersion(): string {
  if (ckptVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      ckptVersion = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      ckptVersion = '0.0.0';
    }
  }
  return ckptVersion;
}

/** Git commit, branch and dirty flag of the repository containing `cwd`; `null` when there is none. */
export async function gitInfo(cwd: string): Promise<GitInfo | null> {
  const git = async (...args: string[]): Promise<string> => (await exec('git', args, { cwd, timeout: 10_000 })).stdout.trim();
  try {
    const commit = await git('rev-parse', 'HEAD');
    const branch = await git('rev-parse', '--abbrev-ref', 'HEAD');
    const status = await git('status', '--porcelain', '--untracked-files=no');
    return { commit, branch: branch === 'HEAD' ? null : branch, dirty: status.length > 0 };
  } catch {
    return null;
  }
}

/** Options of {@link ensureRunInfo}. */
export interface RunInfoOptions {
  /** Hyperparameters to record. Default: `{}`. */
  hparams?: { readonly [key: string]: JsonValue };
  /** Where the training code lives, for git. Default: `process.cwd()`. */
  cwd?: string;
  /** Clock, ms since the Unix epoch. Default: `Date.now`. */
  now?: () => number;
}

/**
 * The run's `run.json`, or `undefined` when it is missing or not a run file. Read-only (no lock).
 * The optional fields are checked: a malformed `checkpointing` or `resumedFrom` is dropped, not trusted.
 */
export async function readRunInfo(store: Store): Promise<RunInfo | undefined> {
  let raw: unknown;
  try {
    raw = parseJson(new TextDecoder().decode(await store.get(RUN_FILE)), RUN_FILE);
  } catch (err) {
    if (isCkptError(err, 'E_NOT_FOUND') || isCkptError(err, 'E_CORRUPT') || isCkptError(err, 'E_LIMIT')) return undefined;
    throw err;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { checkpointing, resumedFrom, ...rest } = raw as Record<string, unknown>;
  if (typeof rest.id !== 'string') return undefined;
  const info = rest as unknown as RunInfo;
  const c = checkedCheckpointing(checkpointing);
  return { ...info, ...(c === undefined ? {} : { checkpointing: c }), ...(typeof resumedFrom === 'string' && resumedFrom !== '' ? { resumedFrom } : {}) };
}

function checkedCheckpointing(v: unknown): RunCheckpointing | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as Record<string, unknown>;
  const names = (x: unknown): string[] | undefined => (Array.isArray(x) && x.every((n) => typeof n === 'string') ? (x as string[]) : undefined);
  const savePolicies = names(c.savePolicies) ?? [];
  const retentionPolicies = names(c.retentionPolicies) ?? [];
  if (typeof c.monitor !== 'string' || c.monitor === '' || (c.mode !== 'min' && c.mode !== 'max')) return undefined;
  return { monitor: c.monitor, mode: c.mode, savePolicies, retentionPolicies };
}

/** Writes `info` as the run's `run.json` (atomically). Call only while holding the lock. */
export async function writeRunInfo(store: Store, info: RunInfo): Promise<void> {
  await store.put(RUN_FILE, new TextEncoder().encode(JSON.stringify(info, null, 2) + '\n'));
}

/** Returns the run's `run.json`, writing it first when the run is new. Call only while holding the lock. */
export async function ensureRunInfo(store: Store, options: RunInfoOptions = {}): Promise<RunInfo> {
  const existing = await readRunInfo(store);
  if (existing !== undefined) return existing;
  const info: RunInfo = {
    format: 'ckpt.run',
    version: 1,
    id: randomBytes(8).toString('hex'),
    created: new Date((options.now ?? Date.now)()).toISOString(),
    hparams: options.hparams ?? {},
    git: await gitInfo(options.cwd ?? process.cwd()),
    host: { name: hostname(), platform: platform(), arch: arch() },
    versions: { node: process.version, ckpt: ckptPackageVersion() },
  };
  await writeRunInfo(store, info);
  return info;
}
