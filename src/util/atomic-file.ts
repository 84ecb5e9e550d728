/**
 * Replacing a file atomically: write a temp file beside the target (the writer fsyncs it), rename
 * it over the target, fsync the directory. Readers see the old file or the whole new one; a
 * failure removes the temp file and leaves the target as it was.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromSystemError } from '../errors.js';

/** The temp name used for `target`: hidden, beside it, with the `.tmp-` staging mark. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** fsyncs a directory so that entries created, renamed or removed in it survive a power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Runs `write(temp)` (which must create and fsync `temp`), then renames `temp` over `target` and
 * fsyncs the directory (unless `fsync: false`). On any failure `temp` is removed and the error is
 * rethrown as a `CkptError` (system errors become `E_IO` / `E_NO_SPACE` naming `target`).
 */
export async function replaceFileAtomically<T>(target: string, write: (temp: string) => Promise<T>, options: { fsync?: boolean } = {}): Promise<T> {
  const temp = tempPathFor(target);
  try {
    const result = await write(temp);
    await rename(temp, target);
    if (options.fsync ?? true) await fsyncDirectory(dirname(target));
    return result;
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fromSystemError(err, 'write', target);
  }
}
