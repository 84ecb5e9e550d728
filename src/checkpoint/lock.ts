/**
 * One writer per run: `ckpt.lock` holds the writer's pid, host, start time and a random token.
 * It is created atomically (O_EXCL semantics through `Store.putIfAbsent`). A second writer gets
 * `E_LOCKED` naming the holder. A lock whose process is dead (same host, pid gone) is stale and is
 * taken over: replaced atomically (write-new + rename), then re-read after a pause to check that no
 * other process took it over at the same moment.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CkptError, isCkptError } from '../errors.js';
import type { Store } from '../storage/store.js';
import { LOCK_FILE } from './layout.js';

/** What the lock file says about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the holder took the lock, ISO 8601. */
  readonly started: string;
  /** Random, to tell two holders with the same pid apart. */
  readonly token: string;
}

/** Options of {@link acquireRunLock}. */
export interface LockOptions {
  /** Clock, ms since the Unix epoch. Default: `Date.now`. */
  now?: () => number;
  /** Called when a stale lock is taken over. Default: nothing. */
  onWarning?: (message: string) => void;
  /** Tells whether a pid on this host is alive. Default: `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  /** Pause before re-checking a taken-over lock, ms. Default: 50. */
  settleMs?: number;
}

/** A held run lock. */
export interface RunLock {
  readonly holder: LockHolder;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return typeof err === 'object' && err !== null && 'code' in err && err.code === 'EPERM';
  }
}

function parseHolder(bytes: Uint8Array): LockHolder | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.started === 'string' && typeof v.token === 'string') {
      return { pid: v.pid, host: v.host, started: v.started, token: v.token };
    }
  } catch {
    // fall through
  }
  return undefined;
}

async function readLock(store: Store): Promise<Uint8Array | undefined> {
  try {
    return await store.get(LOCK_FILE);
  } catch (err) {
    if (isCkptError(err, 'E_NOT_FOUND')) return undefined;
    throw err;
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Takes the run lock of `store`, or throws `E_LOCKED` naming the live holder. */
export async function acquireRunLock(store: Store, options: LockOptions = {}): Promise<RunLock> {
  const now = options.now ?? Date.now;
  const isAlive = options.isAlive ?? pidAlive;
  const mine: LockHolder = { pid: process.pid, host: hostname(), started: new Date(now()).toISOString(), token: randomBytes(8).toString('hex') };
  const bytes = new TextEncoder().encode(JSON.stringify(mine) + '\n');
  const lock: RunLock = {
    holder: mine,
    release: async () => {
      const cur = await readLock(store);
      if (cur !== undefined && parseHolder(cur)?.token === mine.token) await store.delete(LOCK_FILE);
    },
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await store.putIfAbsent(LOCK_FILE, bytes)) return lock;
    const held = await readLock(store);
    if (held === undefined) continue; // released meanwhile
    const holder = parseHolder(held);
    if (holder !== undefined && (holder.host !== mine.host || isAlive(holder.pid))) {
      throw new CkptError(
        'E_LOCKED',
        `run ${store.location} is locked by pid ${holder.pid} on ${holder.host} since ${holder.started}; ` +
          'stop that process, or use another run directory' + (holder.host !== mine.host ? ` (if it is dead, delete ${LOCK_FILE})` : ''),
        { details: { pid: holder.pid, host: holder.host, started: holder.started } },
      );
    }
    // Stale (dead pid on this host, or unreadable): replace it only if nobody changed it meanwhile.
    const again = await readLock(store);
    if (again === undefined || !sameBytes(again, held)) continue;
    await store.put(LOCK_FILE, bytes);
    await sleep(options.settleMs ?? 50);
    const after = await readLock(store);
    if (after !== undefined && parseHolder(after)?.token === mine.token) {
      const who = holder === undefined ? 'an unreadable lock' : `the stale lock of dead pid ${holder.pid} (since ${holder.started})`;
      options.onWarning?.(`took over ${who} of run ${store.location}`);
      return lock;
    }
  }
  const cur = await readLock(store);
  const holder = cur === undefined ? undefined : parseHolder(cur);
  throw new CkptError('E_LOCKED', `run ${store.location} is locked${holder === undefined ? '' : ` by pid ${holder.pid} on ${holder.host}`}: another process is taking it over`, {
    details: holder === undefined ? {} : { pid: holder.pid, host: holder.host, started: holder.started },
  });
}
