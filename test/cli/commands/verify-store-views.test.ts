import { describe, expect, it } from 'vitest';
import { ReadCountingStore } from '../../../src/cli/store-views.js';
import { isCkptError } from '../../../src/errors.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.byteLength;
  return n;
}

describe('the byte-counting store view of ckpt verify', () => {
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
