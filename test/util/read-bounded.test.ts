import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCkptError } from '../../src/errors.js';
import { readBoundedFile } from '../../src/util/read-bounded.js';
import { useTempDirs } from '../helpers/tmp.js';

describe('readBoundedFile', () => {
  const tempDir = useTempDirs();

  it('reads a file at or under the limit', async () => {
    const p = join(tempDir(), 'f');
    writeFileSync(p, 'abcd');
    expect(Buffer.from(await readBoundedFile(p, 4, 'read f')).toString()).toBe('abcd');
  });

  it('refuses a larger file with E_LIMIT and a missing one with E_NOT_FOUND', async () => {
    const p = join(tempDir(), 'f');
    writeFileSync(p, 'abcde');
    const over = await readBoundedFile(p, 4, 'read f').catch((e: unknown) => e);
    expect(isCkptError(over, 'E_LIMIT')).toBe(true);
    const missing = await readBoundedFile(join(tempDir(), 'nope'), 4, 'read f').catch((e: unknown) => e);
    expect(isCkptError(missing, 'E_NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toMatch(/^read f: .*nope does not exist$/);
  });
});
