/**
 * Format dispatch: which checkpoint format a path holds, and what each format offers the
 * commands (`inspect`, `convert`). Every format is one {@link CheckpointFormat} object in its own
 * module; adding a format is one entry in {@link FORMATS}. The formats: safetensors files,
 * sharded safetensors (by their `.safetensors.index.json`), PyTorch files (`.pth`/`.pt`/`.bin`, zip
 * or legacy pickle) and checkpoint directories.
 *
 * @example
 * ```ts
 * const format = await detectFormat('model.safetensors');
 * const summary = await format.inspect('model.safetensors');
 * ```
 * @module
 */
import { open, readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { MANIFEST_FILE, STATE_FILE } from '../checkpoint/layout.js';
import { CkptError, fromSystemError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Skeleton } from '../tensor/state-tree.js';
import { INDEX_SUFFIX } from '../formats/safetensors/sharded.js';
import { checkpointDirFormat } from './checkpoint-dir/format.js';
import { pytorchFormat } from './pytorch-format.js';
import { safetensorsFormat } from './safetensors-format.js';
import { shardedSafetensorsFormat } from './sharded-safetensors-format.js';
import type { CheckpointRecordInfo, StateSource } from './state-source.js';

export type { StateSource, TensorSource, CheckpointRecordInfo } from './state-source.js';

/** What {@link detectFormat} looks at: the path's name, kind and first bytes. */
export interface PathProbe {
  /** The path as given. */
  path: string;
  /** Lower-case extension with its dot, e.g. `.safetensors`; `''` when none. */
  extension: string;
  /** True for a directory (then `head` is empty). */
  isDirectory: boolean;
  /** Size in bytes (0 for a directory). */
  size: number;
  /** The first {@link PROBE_BYTES} bytes of a file (fewer when the file is shorter). */
  head: Uint8Array;
  /** Names in a directory (empty for a file). */
  entries: readonly string[];
}

/** How many leading bytes a probe reads. */
export const PROBE_BYTES = 16;

/** One tensor as `inspect` lists it. */
export interface TensorSummary {
  name: string;
  dtype: DType;
  shape: readonly number[];
  byteLength: number;
}

/** What `ckpt inspect` prints about a checkpoint. */
export interface CheckpointSummary {
  /** The format's kind, e.g. `safetensors`. */
  kind: string;
  /** Size of the file (or all files) in bytes. */
  byteLength: number;
  /** String metadata stored with the tensors (safetensors `__metadata__`); `{}` when none. */
  metadata: Record<string, string>;
  /** Every tensor, in storage order. */
  tensors: TensorSummary[];
  /** Sum of the tensors' byte lengths. */
  tensorBytes: number;
  /** The state tree's skeleton (non-tensor values, `{"$tensor": name}` where tensors are), when the file has a tree. */
  skeleton?: Skeleton;
  /** Epoch, step and metrics, when the checkpoint records them. */
  record?: CheckpointRecordInfo;
}

/** Options of {@link CheckpointFormat.write}. */
export interface FormatWriteOptions {
  /** Receives what the output format cannot keep (e.g. metadata a `.pth` has no place for). Default: ignored. */
  onWarning?: (message: string) => void;
}

/** A checkpoint format as the commands see it. */
export interface CheckpointFormat {
  /** Stable name, e.g. `safetensors`. */
  kind: string;
  /** Extensions (lower-case, with the dot) that choose this format for an output path; `''` for names without one. */
  extensions: readonly string[];
  /** What it is, for messages, e.g. `PyTorch file`. */
  description: string;
  /** True when the probed path holds this format (by magic bytes, or by extension for a file that is then validated). */
  matches(probe: PathProbe): boolean;
  /** Reads what `inspect` shows, without loading tensor data where the format allows. */
  inspect(path: string): Promise<CheckpointSummary>;
  /** Opens the state tree (tensors possibly lazy), metadata and record for conversion. */
  read(path: string): Promise<StateSource>;
  /**
   * Writes a source to `path` atomically: readers see the old content (or nothing) or the whole
   * new one, and a failed write leaves no temp files. Absent when the format is read-only.
   */
  write?(path: string, source: StateSource, options?: FormatWriteOptions): Promise<{ byteLength: number }>;
}

/** Every supported format, tried in order. Add a format here. */
export const FORMATS: readonly CheckpointFormat[] = [shardedSafetensorsFormat, safetensorsFormat, pytorchFormat, checkpointDirFormat];

/** Recognisable things ckpt does not read, to give a clear error instead of a generic one. */
const KNOWN_UNSUPPORTED: readonly { what: string; matches(probe: PathProbe): boolean }[] = [
  { what: 'an HDF5 file (Keras .h5)', matches: (p) => startsWith(p.head, [0x89, 0x48, 0x44, 0x46]) },
  { what: 'a TensorFlow.js model directory', matches: (p) => p.isDirectory && p.entries.includes('model.json') },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Probes a path: kind, size, extension and first bytes. Throws `E_NOT_FOUND` / `E_IO` from the system. */
export async function probePath(path: string): Promise<PathProbe> {
  const extension = extname(path).toLowerCase();
  try {
    const s = await stat(path);
    if (s.isDirectory()) return { path, extension, isDirectory: true, size: 0, head: new Uint8Array(0), entries: await readdir(path) };
    const head = new Uint8Array(Math.min(PROBE_BYTES, s.size));
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, head.byteLength, 0);
    } finally {
      await fh.close();
    }
    return { path, extension, isDirectory: false, size: s.size, head, entries: [] };
  } catch (err) {
    throw fromSystemError(err, 'open', path);
  }
}

/** The format of an existing path. Throws `E_UNSUPPORTED` for recognisable but unsupported kinds, `E_WRONG_KIND` otherwise. */
export async function detectFormat(path: string): Promise<CheckpointFormat> {
  const probe = await probePath(path);
  const format = FORMATS.find((f) => f.matches(probe));
  if (format !== undefined) return format;
  const supported = FORMATS.map((f) => f.description).join(', ');
  wrongDirectory(probe);
  const known = KNOWN_UNSUPPORTED.find((k) => k.matches(probe));
  if (known !== undefined) {
    throw new CkptError('E_UNSUPPORTED', `${path} looks like ${known.what}, which ckpt cannot read yet (supported: ${supported})`, {
      details: { path },
    });
  }
  const what = probe.isDirectory ? `a directory that is not a checkpoint (no ${MANIFEST_FILE})` : 'not a checkpoint file ckpt recognises';
  throw new CkptError('E_WRONG_KIND', `${path} is ${what} (supported: ${supported})`, { details: { path } });
}

/** Throws the specific error for a run directory or an uncommitted checkpoint directory. */
function wrongDirectory(probe: PathProbe): void {
  if (!probe.isDirectory) return;
  const { path } = probe;
  if (probe.entries.includes('checkpoints')) {
    throw new CkptError('E_WRONG_KIND', `${path} is a run directory; pass one of its checkpoints, e.g. "$(ckpt best ${path} --monitor METRIC)"`, { details: { path } });
  }
  if (probe.entries.includes(STATE_FILE) || probe.entries.includes('model.safetensors')) {
    throw new CkptError('E_INCOMPLETE', `${path} has checkpoint files but no ${MANIFEST_FILE}: it was never committed or is being deleted`, { details: { path } });
  }
}

/**
 * The extension that picks an output format: lower-case with its dot (`.safetensors.index.json` for a
 * sharded-safetensors index); `''` for a name without one,
 * a trailing `/`, or a dot followed by a digit (checkpoint names such as `val_acc=0.97`).
 */
export function outputExtension(path: string): string {
  if (path.endsWith('/')) return '';
  if (path.toLowerCase().endsWith(INDEX_SUFFIX)) return INDEX_SUFFIX;
  const extension = extname(path).toLowerCase();
  return /^\.\d/.test(extension) ? '' : extension;
}

/**
 * The format an output path asks for, by its extension (see {@link outputExtension}): a name
 * without one is a checkpoint directory. Throws `E_UNSUPPORTED` when no format writes it.
 */
export function formatForOutput(path: string): CheckpointFormat & Required<Pick<CheckpointFormat, 'write'>> {
  const extension = outputExtension(path);
  const format = FORMATS.find((f) => f.extensions.includes(extension));
  if (format?.write === undefined) {
    const writable = FORMATS.filter((f) => f.write !== undefined).flatMap((f) => f.extensions.map((e) => e || 'none (a checkpoint directory)')).join(', ');
    throw new CkptError('E_UNSUPPORTED', `cannot write ${JSON.stringify(extension || path)} files; output extensions ckpt writes: ${writable}`, {
      details: { path },
    });
  }
  return format as CheckpointFormat & Required<Pick<CheckpointFormat, 'write'>>;
}
