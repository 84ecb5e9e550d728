/**
 * The `--json` output of the run-management commands (`ls`, `verify`, `best`, `prune`, `diff`)
 * and of any failing command, as zod schemas: the contract scripts rely on. Tests validate every
 * `--json` document against these; the commands build their output with the inferred types.
 * Non-finite numbers are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * @module
 */
import { z } from 'zod';

/** A number as the CLI writes it in JSON. */
export const jsonNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const metrics = z.record(z.string(), jsonNumber);
const monitor = z.object({ name: z.string(), mode: z.enum(['min', 'max']), source: z.enum(['option', 'run', 'only-metric']) });
const incomplete = z.array(z.object({ name: z.string(), reason: z.string() }));

/** `ckpt ls RUN --json`. */
export const lsOutputSchema = z.object({
  run: z.string(),
  /** The metric that marks `best`: --monitor, else --sort's metric, else the one run.json records, else the run's only metric; null when none applies. */
  monitor: monitor.nullable(),
  /** The metric rows are sorted by (best first); null for oldest first. */
  sort: z.string().nullable(),
  checkpoints: z.array(z.object({
    name: z.string(),
    /** Path of the checkpoint directory, as `ckpt best` prints it. */
    path: z.string(),
    epoch: z.number().int(),
    step: z.number().int(),
    metrics,
    /** Bytes of its files, manifest excluded. */
    bytes: z.number().int(),
    /** Time of the step, ms since the Unix epoch. */
    time: z.number(),
    /** Commit time, ISO 8601. */
    created: z.string(),
    best: z.boolean(),
    latest: z.boolean(),
  })),
  incomplete,
});
export type LsOutput = z.infer<typeof lsOutputSchema>;

const problem = z.object({
  file: z.string(),
  kind: z.enum(['manifest', 'missing', 'size', 'checksum', 'extra']),
  expected: z.string().optional(),
  actual: z.string().optional(),
  message: z.string(),
});

/** `ckpt verify PATH --json`. */
export const verifyOutputSchema = z.object({
  path: z.string(),
  kind: z.enum(['run', 'checkpoint']),
  /** True when every checkpoint verified (`extra` files are warnings). */
  ok: z.boolean(),
  /** Checkpoint folders checked. */
  checked: z.number().int(),
  /** Checkpoint folders with problems. */
  bad: z.number().int(),
  /** Bytes read (manifests and checked files). */
  bytes: z.number().int(),
  checkpoints: z.array(z.object({ name: z.string(), ok: z.boolean(), problems: z.array(problem) })),
});
export type VerifyOutput = z.infer<typeof verifyOutputSchema>;

/** `ckpt best RUN --json`. */
export const bestOutputSchema = z.object({
  run: z.string(),
  /** Path of the best checkpoint directory (what the plain output prints). */
  path: z.string(),
  name: z.string(),
  epoch: z.number().int(),
  step: z.number().int(),
  monitor,
  value: jsonNumber,
  /** Whether its files were checked against the manifest. */
  verified: z.boolean(),
  /** Better-ranked checkpoints passed over because they failed verification. */
  skipped: incomplete,
});
export type BestOutput = z.infer<typeof bestOutputSchema>;

/** `ckpt prune RUN --json`. */
export const pruneOutputSchema = z.object({
  run: z.string(),
  dryRun: z.boolean(),
  /** The retention rules applied, e.g. `top 3 by val_acc (max)`, `last 2`. */
  policies: z.array(z.string()),
  /** Survivors, oldest first, each with every rule that keeps it (`best`, `latest`, `top 1/3 by ...`). */
  keep: z.array(z.object({ name: z.string(), reasons: z.array(z.string()) })),
  /** What the plan removes, oldest first. */
  remove: z.array(z.string()),
  /** What was removed (empty on a dry run). */
  removed: z.array(z.string()),
  /** Folders without a valid manifest: never touched by prune. */
  incomplete,
});
export type PruneOutput = z.infer<typeof pruneOutputSchema>;

const source = z.object({ path: z.string(), kind: z.string(), tensorCount: z.number().int() });
const shape = z.array(z.number().int());

/** `ckpt diff A B --json`. */
export const diffOutputSchema = z.object({
  a: source,
  b: source,
  /** B loads where A was: same names, shapes and dtypes. */
  compatible: z.boolean(),
  /** Compatible and every value equal. */
  identical: z.boolean(),
  atol: z.number().nullable(),
  rtol: z.number().nullable(),
  /** Whether every value is within `atol + rtol * |b|`; null when no tolerance was given. */
  withinTolerance: z.boolean().nullable(),
  /** What the exit status says: compatible, and within tolerance when one was given. */
  ok: z.boolean(),
  /** In A, not in B. */
  missing: z.array(z.string()),
  /** In B, not in A. */
  unexpected: z.array(z.string()),
  /** Tensors in both, in A's order. */
  tensors: z.array(z.object({
    name: z.string(),
    status: z.enum(['equal', 'values', 'shape', 'dtype']),
    dtypeA: z.string(),
    dtypeB: z.string(),
    shapeA: shape,
    shapeB: shape,
    maxAbsDiff: jsonNumber.nullable(),
    maxRelDiff: jsonNumber.nullable(),
    differing: z.number().int().nullable(),
    /** Elements outside the tolerance; null when no tolerance was given or values were not compared. */
    outsideTolerance: z.number().int().nullable(),
  })),
});
export type DiffOutput = z.infer<typeof diffOutputSchema>;

/** What any command prints on stdout under `--json` when it fails. */
export const errorOutputSchema = z.object({
  error: z.object({ code: z.string().regex(/^E_[A-Z_]+$/), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});
export type ErrorOutput = z.infer<typeof errorOutputSchema>;
