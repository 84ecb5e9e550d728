/**
 * Converting a checkpoint between formats: a checkpoint directory, a `.safetensors` file and a
 * `.pth` file, in any direction (the same format too: a canonical rewrite). The whole state tree
 * travels; the output's name picks its format (see `formatForOutput`), and it is written
 * atomically: a failed conversion leaves an existing output untouched and no temp files.
 *
 * What does not survive (each reported as a warning where it applies): safetensors
 * `__metadata__` other than `format` in a `.pth` or a checkpoint directory; a checkpoint's epoch,
 * step and metrics in a `.pth` unless the tree holds them; the manifest's time and save reasons
 * (a new checkpoint directory gets `ckpt convert`); torch-side facts the state tree does not
 * model (Parameter vs tensor, `requires_grad`, storage shared between different views, strides).
 * Dtypes torch 1.13 lacks (U16/U32/U64, FP8) cannot go into a `.pth` (`E_UNSUPPORTED`).
 *
 * @example
 * ```ts
 * import { convertCheckpoint } from 'ckpt';
 * await convertCheckpoint('runs/exp1/checkpoints/epoch=0007', 'best.pth');
 * await convertCheckpoint('best.pth', 'best.safetensors'); // epoch etc. kept in __metadata__
 * ```
 * @module
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CkptError } from '../errors.js';
import { detectFormat, formatForOutput } from './detect.js';
import { sourceBytes, tapSource } from './state-source.js';

/** Throws `E_NOT_FOUND` unless the folder `output` goes into exists (nothing is created outside it). */
async function checkParentFolder(output: string): Promise<void> {
  const parent = dirname(resolve(output));
  const s = await stat(parent).catch(() => undefined);
  if (s?.isDirectory() !== true) {
    throw new CkptError('E_NOT_FOUND', `the folder ${parent} for ${output} does not exist; create it first`, { details: { path: output } });
  }
}

/** Options of {@link convertCheckpoint}. */
export interface ConvertOptions {
  /** Called once with the number of tensor bytes to convert, before any is read. Default: none. */
  onStart?: (totalBytes: number) => void;
  /** Called with each number of tensor bytes read or written, for progress bars. Default: none. */
  onBytes?: (n: number) => void;
  /** Called with what the output cannot keep (e.g. metadata in a `.pth`). Default: collected in the result only. */
  onWarning?: (message: string) => void;
}

/** What {@link convertCheckpoint} did. */
export interface ConvertResult {
  /** Input format kind: `checkpoint`, `safetensors` or `pytorch`. */
  from: string;
  /** Output format kind. */
  to: string;
  tensorCount: number;
  /** Bytes written (all files of a checkpoint directory). */
  byteLength: number;
  /** What was dropped, one sentence each; `[]` when nothing was. */
  warnings: string[];
}

/**
 * Converts `input` into `output`. Throws `E_NOT_FOUND`, `E_WRONG_KIND` or `E_UNSUPPORTED` for
 * paths it cannot use, the format's own codes for damaged input (`E_CORRUPT`, `E_BAD_ZIP`,
 * `E_UNSAFE_PICKLE`, ...), `E_SAVE_FAILED` when `output` is an existing non-empty directory,
 * `E_NOT_FOUND` when the folder of `output` does not exist.
 */
export async function convertCheckpoint(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const inFormat = await detectFormat(input);
  const outFormat = formatForOutput(output);
  await checkParentFolder(output);
  const source = await inFormat.read(input);
  options.onStart?.(sourceBytes(source));
  const warnings: string[] = [];
  const onBytes = options.onBytes ?? (() => undefined);
  const { byteLength } = await outFormat.write(output, tapSource(source, onBytes), {
    onWarning: (m) => {
      warnings.push(m);
      options.onWarning?.(m);
    },
  });
  return { from: inFormat.kind, to: outFormat.kind, tensorCount: source.tensors.size, byteLength, warnings };
}
