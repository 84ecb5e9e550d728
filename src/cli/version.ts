/**
 * The package version, read once from package.json.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version of the installed ckpt package. */
export function packageVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return cached;
}
