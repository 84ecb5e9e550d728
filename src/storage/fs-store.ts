/**
 * The filesystem store, the default. Every write is durable before it is visible: files are
 * written to a sibling `.tmp-*` name, fsynced, renamed into place, and the directory is fsynced.
 * A staged write is a `.tmp-<name>-<random>` directory beside the target, renamed into place after
 * the commit record is written and fsynced.
 *
 * @module
 */
import { createReadStream, readFile as readFileCallback } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CkptError, fromSystemError } from '../errors.js';
import { fsyncDirectory } from '../util/atomic-file.js';
import { mapFileRange } from '../util/mmap.js';
import { checkFolder, checkKey, chunksOf, isStagingKey, randomSuffix, STAGING_MARK, type PutData, type StagedWrite, type Store, type StoreStat } from './store.js';

function errCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** Writes `data` to a new file at `path` (fails if it exists), fsyncs and closes it. Returns bytes written. */
async function writeDurable(path: string, data: PutData): Promise<number> {
  const fh = await open(path, 'wx');
  let total = 0;
  try {
    for await (const chunk of chunksOf(data)) {
      let off = 0;
      while (off < chunk.byteLength) {
        const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
        off += bytesWritten;
      }
      total += chunk.byteLength;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return total;
}

/** Creates `dir` and missing parents; fsyncs the parent of every directory it created, so they survive a power loss. */
async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDirectory(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}


class FsStagedWrite implements StagedWrite {
  private aborted = false;
  constructor(private readonly tmpDir: string, private readonly target: string) {}

  async put(relKey: string, data: PutData): Promise<number> {
    checkKey(relKey);
    const path = join(this.tmpDir, ...relKey.split('/'));
    try {
      await mkdirDurable(dirname(path));
      return await writeDurable(path, data);
    } catch (err) {
      throw fromSystemError(err, 'write', path);
    }
  }

  async commit(relKey: string, record: Uint8Array): Promise<void> {
    await this.put(relKey, record);
    try {
      await fsyncDirectory(this.tmpDir);
      await rename(this.tmpDir, this.target);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new CkptError('E_SAVE_FAILED', `${this.target} already exists; a committed checkpoint is never overwritten`, { cause: err, details: { path: this.target } });
      }
      throw fromSystemError(err, 'rename into place', this.target);
    }
    try {
      await fsyncDirectory(dirname(this.target));
    } catch (err) {
      throw fromSystemError(err, 'fsync', dirname(this.target));
    }
  }

  async abort(): Promise<void> {
    if (this.aborted) return;
    this.aborted = true;
    await rm(this.tmpDir, { recursive: true, force: true });
  }
}

/**
 * `fs.readFile` with a callback, as a promise: on Node 20 it reads a small file in one thread-pool
 * trip, `fs/promises.readFile` in several (about 4x slower on 10,000 manifests: `bench/ls.ts`).
 */
function readWholeFile(path: string): Promise<Buffer> {
  return new Promise((ok, fail) => readFileCallback(path, (err, data) => (err === null ? ok(data) : fail(err))));
}

/** A {@link Store} on a local directory, with fsync of files and directories. */
export class FsStore implements Store {
  /** Absolute path of the root directory (created on first write). */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  /** The filesystem path of `key`. */
  pathOf(key: string): string {
    checkKey(key, true);
    return join(this.root, ...key.replace(/\/$/, '').split('/'));
  }

  async put(key: string, data: PutData): Promise<number> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    const tmp = join(dir, `${STAGING_MARK}${basename(target)}-${randomSuffix()}`);
    try {
      await mkdirDurable(dir);
      const n = await writeDurable(tmp, data);
      await rename(tmp, target);
      await fsyncDirectory(dir);
      return n;
    } catch (err) {
      await rm(tmp, { force: true });
      throw fromSystemError(err, 'write', target);
    }
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    const tmp = join(dir, `${STAGING_MARK}${basename(target)}-${randomSuffix()}`);
    try {
      await mkdirDurable(dir);
      await writeDurable(tmp, bytes);
      // link() fails with EEXIST atomically, and the new name appears with its whole content.
      try {
        await link(tmp, target);
      } catch (err) {
        if (errCode(err) === 'EEXIST') return false;
        throw err;
      }
      await fsyncDirectory(dir);
      return true;
    } catch (err) {
      throw fromSystemError(err, 'create', target);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    try {
      const b = await readWholeFile(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (err) {
      throw fromSystemError(err, 'read', path);
    }
  }

  async getMapped(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    let mapped: Uint8Array | undefined;
    try {
      const fh = await open(path, 'r');
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new CkptError('E_WRONG_KIND', `${path} is not a regular file`, { details: { path } });
        mapped = mapFileRange(fh.fd, 0, st.size);
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw fromSystemError(err, 'read', path);
    }
    return mapped ?? this.get(key); // no addon, or the map failed: an ordinary read
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const path = this.pathOf(key);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new CkptError('E_INVALID_ARGUMENT', `invalid range ${offset}+${length} of ${key}`);
    }
    try {
      const fh = await open(path, 'r');
      try {
        const size = (await fh.stat()).size;
        const n = Math.max(0, Math.min(length, size - offset));
        const out = new Uint8Array(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await fh.read(out, got, n - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === n ? out : out.subarray(0, got);
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw fromSystemError(err, 'read', path);
    }
  }

  async *read(key: string): AsyncGenerator<Uint8Array> {
    const path = this.pathOf(key);
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
        const b = chunk as Buffer;
        yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
    } catch (err) {
      throw fromSystemError(err, 'read', path);
    }
  }

  async stat(key: string): Promise<StoreStat | undefined> {
    const path = this.pathOf(key);
    try {
      const s = await stat(path);
      return s.isFile() ? { size: s.size } : undefined;
    } catch (err) {
      if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return undefined;
      throw fromSystemError(err, 'stat', path);
    }
  }

  async list(prefix: string): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/')) checkKey(prefix);
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const keys: string[] = [];
    const walk = async (dirKey: string): Promise<void> => {
      const dirPath = dirKey === '' ? this.root : this.pathOf(dirKey);
      let entries;
      try {
        entries = await readdir(dirPath, { withFileTypes: true });
      } catch (err) {
        if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return;
        throw fromSystemError(err, 'list', dirPath);
      }
      for (const e of entries) {
        if (e.name.startsWith(STAGING_MARK)) continue;
        const key = dirKey + e.name;
        if (e.isDirectory()) {
          if (prefix.startsWith(key + '/') || (key + '/').startsWith(prefix)) await walk(key + '/');
        } else if (e.isFile() && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(folder);
    return keys.filter((k) => !isStagingKey(k)).sort();
  }

  /** One `readdir` of the folder: its subdirectories (empty ones included), staging leftovers excluded. */
  async listFolders(prefix: string): Promise<string[]> {
    const dir = prefix === '' ? this.root : (checkFolder(prefix), this.pathOf(prefix));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return [];
      throw fromSystemError(err, 'list', dir);
    }
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith(STAGING_MARK)).map((e) => e.name).sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
      await fsyncDirectory(dirname(path));
    } catch (err) {
      if (errCode(err) === 'ENOENT') return;
      throw fromSystemError(err, 'delete', path);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    checkFolder(prefix);
    const path = this.pathOf(prefix);
    try {
      await rm(path, { recursive: true, force: true });
      await fsyncDirectory(dirname(path));
    } catch (err) {
      if (errCode(err) === 'ENOENT') return;
      throw fromSystemError(err, 'delete', path);
    }
  }

  async stage(prefix: string): Promise<StagedWrite> {
    checkFolder(prefix);
    const target = this.pathOf(prefix);
    const parent = dirname(target);
    const tmp = join(parent, `${STAGING_MARK}${basename(target)}-${randomSuffix()}`);
    try {
      await mkdirDurable(parent);
      await mkdir(tmp);
    } catch (err) {
      throw fromSystemError(err, 'create', tmp);
    }
    return new FsStagedWrite(tmp, target);
  }

  async sweep(prefix: string): Promise<string[]> {
    const dir = prefix === '' ? this.root : (checkFolder(prefix), this.pathOf(prefix));
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.startsWith(STAGING_MARK));
    } catch (err) {
      if (errCode(err) === 'ENOENT') return [];
      throw fromSystemError(err, 'list', dir);
    }
    for (const n of names) await rm(join(dir, n), { recursive: true, force: true });
    if (names.length > 0) await fsyncDirectory(dir);
    return names.map((n) => prefix + n);
  }
}

