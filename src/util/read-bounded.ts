/**
 * Reading a whole file that must stay under a size limit, checked before anything is allocated.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { CkptError, fromSystemError } from '../errors.js';

/**
 * The bytes of `path`, or `E_LIMIT` when it is larger than `maxBytes` (checked before reading).
 * OS errors become `CkptError`s naming `operation` (e.g. `read event file`).
 */
export async function readBoundedFile(path: string, maxBytes: number, operation: string): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    if (s.size > maxBytes) throw new CkptError('E_LIMIT', `${path} is ${s.size} bytes, over the limit of ${maxBytes}`, { details: { path, size: s.size } });
    return await readFile(path);
  } catch (err) {
    throw fromSystemError(err, operation, path);
  }
}
