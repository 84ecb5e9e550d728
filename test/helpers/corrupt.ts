/** Damaging files on purpose, for corruption tests. */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Flips the lowest bit of one byte of `path`, in place. `offset` is a byte position (negative:
 * from the end) or a function of the file size that returns one. Default: the last byte.
 */
export function flipByte(path: string, offset: number | ((size: number) => number) = -1): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const wanted = typeof offset === 'function' ? offset(size) : offset;
    const at = wanted < 0 ? size + wanted : wanted;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] = (b[0] ?? 0) ^ 0x01;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}
