import { closeSync, openSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mapDamaged, mapFileRange, mmapSupport } from '../../src/util/mmap.js';
import { prng } from '../helpers/random.js';
import { useTempDirs } from '../helpers/tmp.js';

const tmp = useTempDirs();
const support = mmapSupport();

function randomFile(dir: string, size: number, seed: number): { path: string; bytes: Uint8Array } {
  const random = prng(seed);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  const path = join(dir, 'data.bin');
  writeFileSync(path, bytes);
  return { path, bytes };
}

function mapWhole(path: string, position: number, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const m = mapFileRange(fd, position, length);
    if (m === undefined) throw new Error('map failed');
    return m;
  } finally {
    closeSync(fd);
  }
}

describe('native addon', () => {
  it('is built and loads (CI requires it; elsewhere a missing compiler only costs speed)', () => {
    if (process.env.CI === 'true') expect(support, 'npm install should have built build/Release/ckpt_native.node').toEqual({ available: true });
    else if (!support.available) console.warn(`memory maps unavailable here (${support.reason}); the map tests are skipped`);
  });
});

describe.runIf(support.available)('mapFileRange', () => {
  it('returns exactly the requested bytes at any position, page-aligned or not', () => {
    const { path, bytes } = randomFile(tmp(), 3 * 4096 + 123, 1);
    for (const [pos, len] of [[0, bytes.byteLength], [1, 100], [4095, 2], [4096, 4096], [5000, 7411], [bytes.byteLength - 1, 1]] as const) {
      expect(mapWhole(path, pos, len)).toEqual(bytes.subarray(pos, pos + len));
    }
    expect(mapWhole(path, 10, 0).byteLength).toBe(0);
  });

  it('is copy-on-write: writing into the map never changes the file', () => {
    const { path, bytes } = randomFile(tmp(), 10_000, 2);
    const m = mapWhole(path, 0, bytes.byteLength);
    m.fill(0);
    expect(m.every((b) => b === 0)).toBe(true);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  });

  it('stays readable after the file is unlinked (how retention deletes)', () => {
    const { path, bytes } = randomFile(tmp(), 50_000, 3);
    const m = mapWhole(path, 0, bytes.byteLength);
    unlinkSync(path);
    expect(m).toEqual(bytes);
    expect(mapDamaged(m)).toBe(false);
  });

  it('survives the file being truncated under it: lost pages read as zeros and the map reports damage', () => {
    const { path, bytes } = randomFile(tmp(), 64 * 4096, 4);
    const m = mapWhole(path, 0, bytes.byteLength);
    expect(m[0]).toBe(bytes[0]);
    truncateSync(path, 3 * 4096);
    let tail = 0;
    for (let i = 3 * 4096; i < m.byteLength; i++) tail += m[i] ?? 0; // would be SIGBUS without the handler
    expect(tail).toBe(0);
    expect(m.subarray(0, 3 * 4096)).toEqual(bytes.subarray(0, 3 * 4096));
    expect(mapDamaged(m)).toBe(true);
    m[m.byteLength - 1] = 9; // the zero pages are writable, like the rest of the map
    expect(m[m.byteLength - 1]).toBe(9);
  });

  it('returns undefined (callers then read) when the map cannot be made', () => {
    expect(mapFileRange(987_654, 0, 4096)).toBeUndefined(); // not an open descriptor
  });
});

describe('without the addon', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('CKPT_NO_MMAP=1 turns maps off with a reason, and mapFileRange says to read instead', async () => {
    vi.stubEnv('CKPT_NO_MMAP', '1');
    vi.resetModules();
    const fresh = await import('../../src/util/mmap.js');
    expect(fresh.mmapSupport()).toEqual({ available: false, reason: 'disabled by CKPT_NO_MMAP=1' });
    const { path } = randomFile(tmp(), 100, 5);
    const fd = openSync(path, 'r');
    try {
      expect(fresh.mapFileRange(fd, 0, 100)).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});
