/**
 * Helpers of the demo tests: a child `ckpt` process that is sent SIGINT when a chosen line
 * appears, and readers of a run's latest checkpoint.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./cli-child.ts', import.meta.url));

/** What a child run printed and how it ended. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `ckpt ARGS` in a child and sends it SIGINT as soon as a stdout line matches `interruptOn`. */
export function runChildCli(args: readonly string[], interruptOn?: RegExp): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!sent && interruptOn !== undefined && stdout.split('\n').some((l) => interruptOn.test(l))) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Bytes of `file` in the checkpoint named `name` of the run. */
export function checkpointFile(runDir: string, name: string, file: string): Promise<Buffer> {
  return readFile(join(runDir, 'checkpoints', name, file));
}

