/**
 * The `--json` output of `ckpt inspect` and `ckpt convert` as zod schemas: the contract scripts
 * rely on. Tests validate every document against these; the commands build their output with
 * the inferred types. Non-finite numbers are written as `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * @module
 */
import { z } from 'zod';
import { jsonNumber } from '../json-schemas.js';

const stats = z.object({
  count: z.number().int(),
  /** Statistics of the finite elements; null when there is none. */
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  nan: z.number().int(),
  inf: z.number().int(),
  zeros: z.number().int(),
});

const tensor = z.object({
  /** Dotted path in the state tree (checkpoint dirs and `.pth`) or the name in the file. */
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()),
  byteLength: z.number().int(),
});

/** `ckpt inspect PATH [--stats] --json`. */
export const inspectOutputSchema = z.object({
  path: z.string(),
  /** `checkpoint`, `safetensors` or `pytorch`. */
  kind: z.string(),
  byteLength: z.number().int(),
  metadata: z.record(z.string(), z.string()),
  /** With `--stats`, each tensor has `stats` (null for dtypes without plain numbers). */
  tensors: z.array(tensor.extend({ stats: stats.nullable().optional() })),
  tensorBytes: z.number().int(),
  tensorCount: z.number().int(),
  /** The state tree's skeleton: non-tensor values, `{"$tensor": name}` for tensors; absent for a flat file. */
  skeleton: z.json().optional(),
  /** Epoch, step and metrics, for checkpoint directories and files converted from them. */
  record: z.object({ epoch: z.number().int(), step: z.number().int(), metrics: z.record(z.string(), jsonNumber) }).optional(),
});
export type InspectOutput = z.infer<typeof inspectOutputSchema>;

/** `ckpt inspect PATH --tensor NAME --json`. */
export const inspectTensorOutputSchema = z.object({
  path: z.string(),
  kind: z.string(),
  tensor: tensor.extend({
    stats: stats.nullable(),
    /** The first values (at most 10) as numbers; null for dtypes without plain numbers. */
    values: z.array(jsonNumber).nullable(),
  }),
});
export type InspectTensorOutput = z.infer<typeof inspectTensorOutputSchema>;

/** `ckpt convert IN OUT --json`. */
export const convertOutputSchema = z.object({
  input: z.string(),
  output: z.string(),
  from: z.string(),
  to: z.string(),
  tensorCount: z.number().int(),
  byteLength: z.number().int(),
  /** What the output could not keep, one sentence each. */
  warnings: z.array(z.string()),
});
export type ConvertOutput = z.infer<typeof convertOutputSchema>;
