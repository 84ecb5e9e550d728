import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppendFile } from '../../src/tracking/append-file.js';
import { useTempDirs } from '../helpers/tmp.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('AppendFile', () => {
  const tmp = useTempDirs();

  it('keeps appends in order across background writes and flushes', async () => {
    const path = join(tmp(), 'f');
    const f = await AppendFile.open(path, { maxBufferBytes: 4 });
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) {
      const s = `${i},`;
      f.append(bytes(s));
      expected.push(s);
      if (i % 37 === 0) await f.flush();
    }
    await f.close();
    expect(readFileSync(path, 'utf8')).toBe(expected.join(''));
  });

  it('wx refuses an existing file; a appends to it', async () => {
    const path = join(tmp(), 'f');
    const a = await AppendFile.open(path, { mode: 'wx' });
    a.append(bytes('one\n'));
    await a.close();
    await expect(AppendFile.open(path, { mode: 'wx' })).rejects.toMatchObject({ code: 'E_IO', details: { syscallCode: 'EEXIST' } });
    const b = await AppendFile.open(path);
    b.append(bytes('two\n'));
    await b.close();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
  });

  it.runIf(existsSync('/dev/full'))('a failed background write surfaces from flush() as E_NO_SPACE', async () => {
    const f = await AppendFile.open('/dev/full', { maxBufferBytes: 1 });
    f.append(bytes('x'));
    await expect(f.flush()).rejects.toMatchObject({ code: 'E_NO_SPACE' });
    await expect(f.close()).rejects.toMatchObject({ code: 'E_NO_SPACE' });
    expect(() => f.append(bytes('y'))).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('opening in a missing directory is E_NOT_FOUND', async () => {
    await expect(AppendFile.open(join(tmp(), 'no', 'such', 'f'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
