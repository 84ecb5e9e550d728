/**
 * Running test/checkpoint/child.ts as real processes. The child is bundled once per test file with
 * esbuild (tsx's own transpiler) into a temp dir whose `node_modules` links to the project's, so
 * each spawn is a plain `node` start (~0.1 s) instead of a tsx transpile (~2 s on a busy machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../..');

/** Bundles the child script; returns its path and a cleanup function. */
export async function bundleChild(): Promise<{ script: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-child-'));
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const script = join(dir, 'child.mjs');
  await build({ entryPoints: [join(here, 'child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: script, logLevel: 'error' });
  return { script, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A running child with its stdout split into lines. */
export interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line matching `re` (also among lines already seen); rejects when the child exits first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code and signal once the child has exited and all its output has been read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts `node script ...args`. */
export function startChild(script: string, args: readonly string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: (() => void)[] = [];
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => void (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('close', (code, signal) => {
    res({ code, signal });
    for (const w of waiters.splice(0)) w();
  }));
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = (re: RegExp, ms = 20_000): Promise<string> =>
    new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`child did not print ${re} within ${ms} ms; stderr: ${err}`)), ms);
      const check = (): void => {
        const hit = lines.find((l) => re.test(l));
        if (hit !== undefined) {
          clearTimeout(timer);
          res(hit);
        } else if (done || proc.exitCode !== null || proc.signalCode !== null) {
          clearTimeout(timer);
          rej(new Error(`child exited before printing ${re}; stderr: ${err}`));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  return { proc, lines, waitFor, exited, stderr: () => err };
}
