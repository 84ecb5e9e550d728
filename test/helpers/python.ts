/**
 * Access to the real Python oracles (Debian's python3-torch, python3-sklearn) for interop tests.
 * When a module is missing, suites skip with a clear message, except in CI (`CI=true`), where a
 * missing oracle is a failure.
 */
import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';

/** The interpreter that has Debian's packages. Override with CKPT_PYTHON. */
export const PYTHON = process.env.CKPT_PYTHON ?? '/usr/bin/python3';

const cache = new Map<string, boolean>();

/** True when `PYTHON` can import every module named. */
export function pythonHas(...modules: string[]): boolean {
  const key = modules.join(',');
  let ok = cache.get(key);
  if (ok === undefined) {
    const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
    ok = r.status === 0;
    cache.set(key, ok);
  }
  return ok;
}

/**
 * `describe` when the modules import; otherwise a skipped suite with the reason printed once.
 * Under CI=true a missing module throws, so the run fails instead of silently skipping.
 */
export function describeWithPython(modules: string[], name: string, body: () => void): void {
  if (pythonHas(...modules)) {
    describe(name, body);
    return;
  }
  const why = `${name}: needs ${PYTHON} with ${modules.join(', ')} (apt-get install -y ${modules.map((m) => `python3-${m}`).join(' ')})`;
  if (process.env.CI === 'true') throw new Error(`CI=true and the oracle is missing: ${why}`);
  console.warn(`skipping ${why}`);
  describe.skip(name, body);
}

/** Runs a Python script (source text) with arguments; returns stdout, throws with stderr on failure. */
export function runPython(source: string, args: string[] = [], options: { input?: string | Uint8Array; timeoutMs?: number } = {}): string {
  const r = spawnSync(PYTHON, ['-c', source, ...args], {
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: options.timeoutMs ?? 120_000,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}
