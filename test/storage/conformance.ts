/**
 * The one conformance suite every Store implementation runs. Call it from a backend's test file
 * with a factory that returns a fresh, empty store.
 */
import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../src/errors.js';
import { childFolders, foldersOfKeys, type Store } from '../../src/storage/store.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield enc(p);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isCkptError(err), `expected a CkptError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
}

/** How a backend commits a staged write. */
export interface ConformanceOptions {
  /**
   * True for object stores: staged files are visible before the commit (no rename exists), and
   * only the commit record, written last and conditionally, makes the folder exist. Default: false
   * (staged files are invisible until committed, as a renamed temp dir).
   */
  stagingVisible?: boolean;
}

/** Runs the Store contract against stores made by `make`. */
export function storeConformance(name: string, make: () => Store | Promise<Store>, options: ConformanceOptions = {}): void {
  describe(`Store conformance: ${name}`, () => {
    it('puts and gets whole values from a buffer or a stream of chunks', async () => {
      const s = await make();
      expect(await s.put('a/b.bin', enc('hello'))).toBe(5);
      expect(await s.put('a/c.bin', chunks('he', '', 'llo', ' world'))).toBe(11);
      expect(dec(await s.get('a/b.bin'))).toBe('hello');
      expect(dec(await s.get('a/c.bin'))).toBe('hello world');
      expect(await s.stat('a/c.bin')).toEqual({ size: 11 });
    });

    it('replaces a value on put and never aliases the caller buffer', async () => {
      const s = await make();
      const buf = enc('first');
      await s.put('k', buf);
      buf[0] = 0x78;
      expect(dec(await s.get('k'))).toBe('first');
      await s.put('k', enc('second'));
      expect(dec(await s.get('k'))).toBe('second');
    });

    it('reports missing keys as E_NOT_FOUND and stat as undefined', async () => {
      const s = await make();
      await rejectsWith(s.get('nope'), 'E_NOT_FOUND');
      await rejectsWith(s.getRange('nope', 0, 1), 'E_NOT_FOUND');
      expect(await s.stat('nope')).toBeUndefined();
      expect(await s.stat('dir/nope')).toBeUndefined();
    });

    it('reads ranges, clipped at the end of the value', async () => {
      const s = await make();
      await s.put('r', enc('0123456789'));
      expect(dec(await s.getRange('r', 2, 3))).toBe('234');
      expect(dec(await s.getRange('r', 8, 10))).toBe('89');
      expect((await s.getRange('r', 20, 5)).byteLength).toBe(0);
      await rejectsWith(s.getRange('r', -1, 2), 'E_INVALID_ARGUMENT');
    });

    it('streams a value back in chunks that join to the whole', async () => {
      const s = await make();
      const big = new Uint8Array(9 << 20).map((_, i) => i % 251);
      await s.put('big', big);
      const parts: Uint8Array[] = [];
      for await (const c of s.read('big')) parts.push(c);
      expect(Buffer.concat(parts).equals(Buffer.from(big))).toBe(true);
      await expect(async () => {
        for await (const _ of s.read('missing')) void _;
      }).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('lists keys by prefix, sorted, recursively', async () => {
      const s = await make();
      for (const k of ['x/2', 'x/1', 'x/y/3', 'xz', 'z']) await s.put(k, enc(k));
      expect(await s.list('x/')).toEqual(['x/1', 'x/2', 'x/y/3']);
      expect(await s.list('x')).toEqual(['x/1', 'x/2', 'x/y/3', 'xz']);
      expect(await s.list('')).toEqual(['x/1', 'x/2', 'x/y/3', 'xz', 'z']);
      expect(await s.list('none/')).toEqual([]);
    });

    it('lists the immediate child folders of a prefix, sorted, without staging leftovers', async () => {
      const s = await make();
      for (const k of ['c/b/1', 'c/a/x/2', 'c/a/3', 'c/file', 'c2/z/1', 'top']) await s.put(k, enc(k));
      expect(s.listFolders, 'a built-in store lists folders itself').toBeTypeOf('function');
      for (const folders of [(p: string) => childFolders(s, p), async (p: string) => foldersOfKeys(await s.list(p), p)]) {
        expect(await folders('c/')).toEqual(['a', 'b']);
        expect(await folders('c/a/')).toEqual(['x']);
        expect(await folders('')).toEqual(['c', 'c2']);
        expect(await folders('none/')).toEqual([]);
        expect(await folders('c/b/')).toEqual([]);
      }
      const w = await s.stage('c/d/');
      await w.put('f.bin', enc('f'));
      await w.commit('manifest.json', enc('{}'));
      expect(await childFolders(s, 'c/')).toEqual(['a', 'b', 'd']);
      await s.deletePrefix('c/a/');
      expect(await childFolders(s, 'c/')).toEqual(['b', 'd']);
      await rejectsWith(childFolders(s, 'c'), 'E_INVALID_ARGUMENT');
    });

    it('lists no folder for a staged write before its commit (or only its visible keys on object stores)', async () => {
      const s = await make();
      const w = await s.stage('ck/one/');
      await w.put('a.bin', enc('a'));
      expect(await childFolders(s, 'ck/')).toEqual(options.stagingVisible === true ? ['one'] : []);
      await w.abort();
      expect(await childFolders(s, 'ck/')).toEqual([]);
    });

    it('deletes keys and folders, quietly when missing', async () => {
      const s = await make();
      for (const k of ['d/1', 'd/e/2', 'de']) await s.put(k, enc(k));
      await s.delete('d/1');
      await s.delete('d/1');
      expect(await s.list('')).toEqual(['d/e/2', 'de']);
      await s.deletePrefix('d/');
      await s.deletePrefix('d/');
      expect(await s.list('')).toEqual(['de']);
      await rejectsWith(s.deletePrefix('de'), 'E_INVALID_ARGUMENT');
    });

    it('putIfAbsent creates once and never overwrites', async () => {
      const s = await make();
      expect(await s.putIfAbsent('lock', enc('one'))).toBe(true);
      expect(await s.putIfAbsent('lock', enc('two'))).toBe(false);
      expect(dec(await s.get('lock'))).toBe('one');
      const results = await Promise.all([1, 2, 3, 4].map((i) => s.putIfAbsent('race', enc(String(i)))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('stages a folder invisibly until the commit record is written', async () => {
      const s = await make();
      const w = await s.stage('ck/one/');
      await w.put('a.bin', chunks('aa', 'a'));
      await w.put('sub/b.bin', enc('b'));
      if (options.stagingVisible === true) {
        expect(await s.list('')).toEqual(['ck/one/a.bin', 'ck/one/sub/b.bin']);
      } else {
        expect(await s.list('')).toEqual([]);
        expect(await s.stat('ck/one/a.bin')).toBeUndefined();
      }
      expect(await s.stat('ck/one/manifest.json')).toBeUndefined();
      await w.commit('manifest.json', enc('{}'));
      expect(await s.list('ck/')).toEqual(['ck/one/a.bin', 'ck/one/manifest.json', 'ck/one/sub/b.bin']);
      expect(dec(await s.get('ck/one/a.bin'))).toBe('aaa');
    });

    it('refuses to commit over a committed folder and leaves it intact', async () => {
      const s = await make();
      const w1 = await s.stage('ck/same/');
      await w1.put('f', enc('first'));
      await w1.commit('manifest.json', enc('1'));
      // Refused up front (object stores) or at commit (rename), never by damaging the committed folder.
      const second = async (): Promise<void> => {
        const w2 = await s.stage('ck/same/');
        try {
          await w2.put('f', enc('second'));
          await w2.commit('manifest.json', enc('2'));
        } catch (err) {
          await w2.abort();
          throw err;
        }
      };
      await rejectsWith(second(), 'E_SAVE_FAILED');
      expect(dec(await s.get('ck/same/f'))).toBe('first');
      expect(dec(await s.get('ck/same/manifest.json'))).toBe('1');
    });

    it('abort leaves no trace of uncommitted writes; sweep removes staging leftovers', async () => {
      const s = await make();
      const w = await s.stage('ck/gone/');
      await w.put('f', enc('x'));
      await w.abort();
      await w.abort();
      expect(await s.list('')).toEqual([]);
      expect(await s.stat('ck/gone/f')).toBeUndefined();
      const left = await s.stage('ck/left/');
      await left.put('f', enc('x'));
      await s.sweep('ck/');
      // An object store has no staging area: its leftovers are folders without a commit record,
      // which the checkpoint layer sweeps.
      expect(await s.list('')).toEqual(options.stagingVisible === true ? ['ck/left/f'] : []);
    });

    it('rejects keys that escape or are malformed', async () => {
      const s = await make();
      for (const bad of ['', '../x', 'a/../b', '/abs', 'a//b', 'a/./b']) {
        await rejectsWith(s.put(bad, enc('x')), 'E_INVALID_ARGUMENT');
      }
      await rejectsWith(s.stage('no-slash'), 'E_INVALID_ARGUMENT');
    });
  });
}
