/**
 * `state.json`: the JSON side of a checkpoint. It holds the skeleton of the state tree (every
 * non-tensor value: counters, RNG state, data order, user objects, with `{"$tensor": name}` where a
 * tensor was), epoch, step and metrics, and which library wrote it.
 *
 * @module
 */
import { z } from 'zod';
import { CkptError } from '../errors.js';
import type { Skeleton } from '../tensor/state-tree.js';
import { parseJson } from '../util/json.js';
import { decodeMetrics, encodeMetrics } from './manifest.js';

/** Current state file format version. */
export const STATE_VERSION = 1;

const stateSchema = z.object({
  format: z.literal('ckpt.state'),
  version: z.literal(STATE_VERSION),
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  metrics: z.record(z.string(), z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])),
  skeleton: z.json(),
  framework: z.object({ library: z.string(), version: z.string(), node: z.string() }).catchall(z.json()),
});

/** Who wrote a checkpoint. */
export interface FrameworkInfo {
  /** `ckpt`. */
  readonly library: string;
  /** ckpt package version. */
  readonly version: string;
  /** Node.js version, e.g. `v20.11.0`. */
  readonly node: string;
}

/** The content of `state.json`. */
export interface StateFile {
  readonly epoch: number;
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly skeleton: Skeleton;
  readonly framework: FrameworkInfo;
}

/** Serialises `state.json`. */
export function encodeStateFile(s: StateFile): Uint8Array {
  const json = { format: 'ckpt.state', version: STATE_VERSION, epoch: s.epoch, step: s.step, metrics: encodeMetrics(s.metrics), skeleton: s.skeleton, framework: s.framework };
  return new TextEncoder().encode(JSON.stringify(json) + '\n');
}

/** Parses `state.json`; `E_CORRUPT` when it is not a valid state file. */
export function decodeStateFile(bytes: Uint8Array, what: string): StateFile {
  const raw = parseJson(new TextDecoder().decode(bytes), what);
  const r = stateSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CkptError('E_CORRUPT', `${what} is not a valid ckpt state file${issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`}`, { cause: r.error });
  }
  const d = r.data;
  return { epoch: d.epoch, step: d.step, metrics: decodeMetrics(d.metrics), skeleton: d.skeleton as Skeleton, framework: d.framework };
}
