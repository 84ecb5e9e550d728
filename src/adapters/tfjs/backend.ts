/**
 * Choosing the TF.js backend: WebAssembly (about twice as fast as the pure-JS `cpu` backend, and
 * installable from npm alone), falling back to `cpu` with a note when it cannot start.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerMissingWasmKernels } from './wasm-kernels.js';

/** Options of {@link setupBackend}. */
export interface BackendOptions {
  /** Backend to use: `wasm` or `cpu`. Default: `wasm` (`cpu` when it fails to start). */
  backend?: 'wasm' | 'cpu';
  /** Receives a one-line note when the preferred backend cannot start. Default: ignore. */
  onNote?: (line: string) => void;
}

let wasmPathsSet = false;

/** The directory holding `tfjs-backend-wasm*.wasm`, resolved from wherever node_modules is. */
export function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
}

/**
 * Makes `wasm` (or the requested backend) the active TF.js backend and resolves to the name of
 * the backend in use. Idempotent. The wasm backend runs single-threaded in Node, so results are
 * deterministic for a given seed. Kernels the wasm backend lacks for training (the filter
 * gradient of 2-d convolutions) are registered from `wasm-kernels.ts`.
 */
export async function setupBackend(options: BackendOptions = {}): Promise<string> {
  const want = options.backend ?? 'wasm';
  if (tf.getBackend() === want) {
    if (want === 'wasm') registerMissingWasmKernels();
    return want;
  }
  if (want === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!wasmPathsSet) {
        wasm.setWasmPaths(wasmDirectory());
        wasmPathsSet = true;
      }
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        registerMissingWasmKernels();
        return 'wasm';
      }
      options.onNote?.('note: the TF.js wasm backend did not start; training on the slower cpu backend');
    } catch (err) {
      options.onNote?.(`note: the TF.js wasm backend is unavailable (${err instanceof Error ? err.message : String(err)}); training on the slower cpu backend`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}
