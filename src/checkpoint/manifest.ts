/**
 * `manifest.json`: the commit record of a checkpoint, written last. It lists every other file with
 * its size and CRC32C, and repeats epoch, step and metrics so that listing a run (and rebuilding
 * top-K after a restart) reads one small file per checkpoint. A checkpoint exists iff its manifest
 * exists and parses.
 *
 * @module
 */
import { z } from 'zod';
import { CkptError } from '../errors.js';
import { parseJson } from '../util/json.js';
import { checkManifestFast } from './manifest-check.js';
import type { CheckpointRecord, SaveTrigger } from './policies/types.js';

/** Current manifest format version. Readers reject versions they do not know. */
export const MANIFEST_VERSION = 1;

/** Largest manifest accepted, in characters. */
export const MAX_MANIFEST_CHARS = 10_000_000;

const fileName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/, 'a plain file name');

/** A metric value in JSON: a finite number, or `"NaN"`, `"Infinity"`, `"-Infinity"`. */
const jsonMetric = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

/** The definition of a valid manifest (JSON form). `checkManifestFast` accepts a subset of it, faster. */
export const manifestSchema = z.object({
  format: z.literal('ckpt.checkpoint'),
  version: z.literal(MANIFEST_VERSION),
  name: z.string(),
  created: z.string(),
  time: z.number().finite(),
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  metrics: z.record(z.string(), jsonMetric),
  trigger: z.enum(['interrupt', 'exception', 'force']).optional(),
  reasons: z.array(z.string()),
  files: z.record(fileName, z.object({ size: z.number().int().min(0), crc32c: z.string().regex(/^[0-9a-f]{8}$/) })),
});

/** A manifest as JSON, validated: non-finite metrics still as strings. */
export type ManifestJson = z.infer<typeof manifestSchema>;

/** Size and CRC32C (8 lowercase hex digits) of one file. */
export interface ManifestFile {
  readonly size: number;
  readonly crc32c: string;
}

/** A parsed manifest. */
export interface Manifest {
  readonly format: 'ckpt.checkpoint';
  readonly version: typeof MANIFEST_VERSION;
  /** Name the checkpoint was committed under. */
  readonly name: string;
  /** Commit time, ISO 8601. */
  readonly created: string;
  /** Time of the step, ms since the Unix epoch (what time-based policies see). */
  readonly time: number;
  readonly epoch: number;
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Set when the save was requested outside the schedule. */
  readonly trigger?: SaveTrigger;
  /** Why it was saved, as the save policies said. */
  readonly reasons: readonly string[];
  /** Every other file of the checkpoint. */
  readonly files: Readonly<Record<string, ManifestFile>>;
}

/** Metrics with non-finite values as strings, for JSON. */
export function encodeMetrics(metrics: Readonly<Record<string, number>>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return out;
}

/** The inverse of {@link encodeMetrics}. */
export function decodeMetrics(metrics: Readonly<Record<string, number | string>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = typeof v === 'number' ? v : Number(v);
  return out;
}

/** Serialises a manifest (pretty-printed, stable key order). */
export function encodeManifest(m: Manifest): Uint8Array {
  const json = { ...m, metrics: encodeMetrics(m.metrics) };
  return new TextEncoder().encode(JSON.stringify(json, null, 2) + '\n');
}

/** Parses and validates manifest bytes; `E_INCOMPLETE` when they are not a valid manifest. */
export function decodeManifest(bytes: Uint8Array, what: string): Manifest {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new CkptError('E_INCOMPLETE', `${what} is not UTF-8`, { cause: err });
  }
  const raw = parseJson(text, what, { code: 'E_INCOMPLETE', maxLength: MAX_MANIFEST_CHARS });
  const d = checkManifestFast(raw) ?? parseWithSchema(raw, what);
  if (Object.hasOwn(d.files, 'manifest.json')) throw new CkptError('E_INCOMPLETE', `${what} lists itself`);
  const { trigger, ...rest } = d;
  return { ...rest, metrics: decodeMetrics(d.metrics), ...(trigger === undefined ? {} : { trigger }) };
}

function parseWithSchema(raw: unknown, what: string): ManifestJson {
  const r = manifestSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
  throw new CkptError('E_INCOMPLETE', `${what} is not a valid ckpt manifest${where}`, { cause: r.error });
}

/** The record policies see for a checkpoint. `name` is the folder name (the truth on disk). */
export function recordOf(name: string, m: Manifest): CheckpointRecord {
  return { name, epoch: m.epoch, step: m.step, metrics: m.metrics, time: m.time };
}
