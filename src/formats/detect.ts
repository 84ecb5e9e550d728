/**
 * Format dispatch: which checkpoint format a path holds, and what each format offers the
 * commands (`inspect`, `convert`). Every format is one {@link CheckpointFormat} object in its own
 * module; adding a format is one entry in {@link FORMATS}.
 *
 * @example
 * ```ts
 * const format = await detectFormat('model.safetensors');
 * const summary = await format.inspect('model.safetensors');
 * ```
 * @module
 */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CkptError, fromSystemError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LazyTensor } from './safetensors/types.js';
import { safetensorsFormat } from './safetensors/format.js';

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
}

/** Tensors and metadata to convert; tensors may be lazy so huge files convert in constant memory. */
export interface TensorSource {
  tensors: ReadonlyMap<string, Tensor | LazyTensor>;
  metadata: Record<string, string>;
}

/** A checkpoint format as the commands see it. */
export interface CheckpointFormat {
  /** Stable name, e.g. `safetensors`. */
  kind: string;
  /** Extensions (lower-case, with the dot) that choose this format for an output path. */
  extensions: readonly string[];
  /** True when the probed path holds this format (by magic bytes, or by extension for a file that is then validated). */
  matches(probe: PathProbe): boolean;
  /** Reads what `inspect` shows, without loading tensor data where the format allows. */
  inspect(path: string): Promise<CheckpointSummary>;
  /** Opens the tensors and metadata for conversion. */
  read(path: string): Promise<TensorSource>;
  /** Writes a source to `path` (not atomically: `convert` writes a temp file and renames). Absent when the format is read-only. */
  write?(path: string, source: TensorSource): Promise<{ byteLength: number }>;
}

/** Every supported format, tried in order. Add a format here. */
export const FORMATS: readonly CheckpointFormat[] = [safetensorsFormat];

/** Recognisable things ckpt does not (yet) read, to give a clear `E_UNSUPPORTED` instead of a generic error. */
const KNOWN_UNSUPPORTED: readonly { what: string; matches(probe: PathProbe): boolean }[] = [
  { what: 'a zip archive (PyTorch .pth/.pt)', matches: (p) => startsWith(p.head, [0x50, 0x4b, 0x03, 0x04]) },
  { what: 'a pickle stream (legacy PyTorch)', matches: (p) => p.head[0] === 0x80 && (p.head[1] ?? 0) >= 2 && (p.head[1] ?? 0) <= 5 },
  { what: 'a PyTorch file', matches: (p) => ['.pth', '.pt', '.bin', '.ckpt'].includes(p.extension) },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Probes a path: kind, size, extension and first bytes. Throws `E_NOT_FOUND` / `E_IO` from the system. */
export async function probePath(path: string): Promise<PathProbe> {
  const extension = extname(path).toLowerCase();
  try {
    const s = await stat(path);
    if (s.isDirectory()) return { path, extension, isDirectory: true, size: 0, head: new Uint8Array(0) };
    const head = new Uint8Array(Math.min(PROBE_BYTES, s.size));
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, head.byteLength, 0);
    } finally {
      await fh.close();
    }
    return { path, extension, isDirectory: false, size: s.size, head };
  } catch (err) {
    throw fromSystemError(err, 'open', path);
  }
}

/** The format of an existing path. Throws `E_UNSUPPORTED` for recognisable but unsupported kinds, `E_WRONG_KIND` otherwise. */
export async function detectFormat(path: string): Promise<CheckpointFormat> {
  const probe = await probePath(path);
  const format = FORMATS.find((f) => f.matches(probe));
  if (format !== undefined) return format;
  const known = KNOWN_UNSUPPORTED.find((k) => k.matches(probe));
  const supported = FORMATS.map((f) => f.kind).join(', ');
  if (known !== undefined) {
    throw new CkptError('E_UNSUPPORTED', `${path} looks like ${known.what}, which ckpt cannot read yet (supported: ${supported})`, {
      details: { path },
    });
  }
  const what = probe.isDirectory ? 'a directory that is not a checkpoint' : 'not a checkpoint file ckpt recognises';
  throw new CkptError('E_WRONG_KIND', `${path} is ${what} (supported: ${supported})`, { details: { path } });
}

/** The format an output path asks for, by its extension. Throws `E_UNSUPPORTED` when no format writes it. */
export function formatForOutput(path: string): CheckpointFormat & Required<Pick<CheckpointFormat, 'write'>> {
  const extension = extname(path).toLowerCase();
  const format = FORMATS.find((f) => f.extensions.includes(extension));
  if (format?.write === undefined) {
    const writable = FORMATS.filter((f) => f.write !== undefined).flatMap((f) => f.extensions).join(', ');
    throw new CkptError('E_UNSUPPORTED', `cannot write ${JSON.stringify(extension || path)} files; output extensions ckpt writes: ${writable}`, {
      details: { path },
    });
  }
  return format as CheckpointFormat & Required<Pick<CheckpointFormat, 'write'>>;
}
