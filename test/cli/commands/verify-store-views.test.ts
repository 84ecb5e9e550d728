import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointFolderStore, ReadCountingStore } from '../../../src/cli/store-views.js';
import { isCkptError } from '../../../src/errors.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';
import { useTempDirs } from '../../helpers/tmp.js';

async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.byteLength;
  return n;
}

describe('store views used by ckpt verify and diff', () => {
  const tempDir = useTempDirs();

  it('shows one directory as checkpoints/<name>/ and nothing else', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'manifest.json'), '{}');
    writeFileSync(join(dir, 'sub', 'x.bin'), 'abc');
    const store = new CheckpointFolderStore(dir, 'best');
    expect(await store.list('checkpoints/')).toEqual(['checkpoints/best/manifest.json', 'checkpoints/best/sub/x.bin']);
    expect(await store.list('checkpoints/best/sub/')).toEqual(['checkpoints/best/sub/x.bin']);
    expect(await store.list('checkpoints/other/')).toEqual([]);
    expect(new TextDecoder().decode(await store.get('checkpoints/best/sub/x.bin'))).toBe('abc');
    expect(await store.stat('checkpoints/best/manifest.json')).toEqual({ size: 2 });
    expect(await store.stat('run.json')).toBeUndefined();
    await expect(store.get('checkpoints/other/manifest.json')).rejects.toSatisfy((e) => isCkptError(e, 'E_NOT_FOUND'));
    const outside = store.read('run.json'); // lazily: the error comes on the first read, as the Store contract says
    await expect(drain(outside)).rejects.toSatisfy((e) => isCkptError(e, 'E_NOT_FOUND'));
    expect(await drain(store.read('checkpoints/best/sub/x.bin'))).toBe(3);
    await expect(store.get('checkpoints/best/missing')).rejects.toSatisfy((e) => isCkptError(e, 'E_NOT_FOUND'));
  });

  it('refuses every write', async () => {
    const store = new CheckpointFolderStore(tempDir(), 'best');
    const readOnly = (e: unknown) => isCkptError(e, 'E_UNSUPPORTED');
    await expect(store.put()).rejects.toSatisfy(readOnly);
    await expect(store.delete()).rejects.toSatisfy(readOnly);
    await expect(store.deletePrefix()).rejects.toSatisfy(readOnly);
    await expect(store.putIfAbsent()).rejects.toSatisfy(readOnly);
    await expect(store.stage()).rejects.toSatisfy(readOnly);
    await expect(store.sweep()).rejects.toSatisfy(readOnly);
  });

  it('counts the bytes read through read() and get()', async () => {
    const inner = new MemoryStore();
    await inner.put('a', new Uint8Array(1000));
    await inner.put('b', new Uint8Array(24));
    let counted = 0;
    const store = new ReadCountingStore(inner, (n) => { counted += n; });
    expect(await drain(store.read('a'))).toBe(1000);
    expect((await store.get('b')).byteLength).toBe(24);
    expect(counted).toBe(1024);
    expect(await store.list('')).toEqual(['a', 'b']);
    await expect(store.put()).rejects.toSatisfy((e) => isCkptError(e, 'E_UNSUPPORTED'));
  });
});
