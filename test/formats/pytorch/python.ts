/**
 * Runs the Python helpers of these tests with the torch-capable interpreter.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../helpers/python.js';
import type { Description } from './describe.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(HERE, '../../fixtures/torch-1.13');

/** Runs `script` (a file next to this one) with arguments; returns stdout or throws with stderr. */
export function runScript(script: string, args: string[], timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, [join(HERE, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}

/** What torch.load returns for each path, described by describe.py (one Python process). */
export function torchDescribe(paths: string[]): Description[] {
  return JSON.parse(runScript('describe.py', paths)) as Description[];
}
