/**
 * Temporary directories for tests, never inside the working tree, removed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Returns a function that makes a fresh temp dir; all of them are removed after each test. */
export function useTempDirs(): (label?: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (label = 'ckpt-test') => {
    const d = mkdtempSync(join(tmpdir(), `${label}-`));
    made.push(d);
    return d;
  };
}
