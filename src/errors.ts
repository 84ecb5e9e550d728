/**
 * The one error class of ckpt. Every failure a user can cause or meet carries a stable string
 * `code` (scripts and tests match on it), a message that says what went wrong and what to do,
 * and optionally the underlying `cause`.
 *
 * @module
 */

/** Every error code ckpt can raise, grouped by layer. Codes are stable: never rename one. */
export const ERROR_CODES = {
  // generic
  E_USAGE: 'the command line or an API call was used wrongly',
  E_INVALID_ARGUMENT: 'an argument has a value that is not allowed',
  E_NOT_FOUND: 'a file, checkpoint, tensor or key does not exist',
  E_WRONG_KIND: 'a path is not the kind of thing the operation takes',
  E_IO: 'the operating system refused a read or write',
  E_NO_SPACE: 'the disk or store is full',
  E_INTERNAL: 'a bug in ckpt',
  // tensors and state trees
  E_DTYPE: 'an unknown or unsupported dtype',
  E_SHAPE: 'a shape that does not match the data',
  E_STATE_TREE: 'a value that cannot be stored in a state tree',
  // safetensors
  E_HEADER_TOO_SMALL: 'a safetensors file shorter than its 8-byte header length',
  E_HEADER_TOO_LARGE: 'a safetensors header longer than the 100 MB limit',
  E_INVALID_HEADER_LENGTH: 'a safetensors header length past the end of the file',
  E_INVALID_HEADER: 'a safetensors header that is not UTF-8 or not the expected JSON',
  E_INVALID_OFFSET: 'tensor byte ranges that leave holes, overlap or run backwards',
  E_INVALID_TENSOR_INFO: 'a tensor whose byte range does not match its dtype and shape',
  E_MISALIGNED_SLICE: 'a sub-byte tensor whose bit count is not a whole number of bytes',
  E_VALIDATION_OVERFLOW: 'a shape whose element or byte count overflows',
  E_INCOMPLETE_BUFFER: 'a data buffer not exactly covered by the tensors',
  E_DUPLICATE_NAME: 'the same tensor name twice',
  E_BAD_INDEX: 'a sharded-safetensors index that is malformed or does not match its shards',
  // checksums, manifests, checkpoints
  E_CORRUPT: 'a file whose size or checksum does not match its manifest',
  E_INCOMPLETE: 'a checkpoint without a valid manifest',
  E_LOCKED: 'another process holds the run lock',
  E_METRIC_MISSING: 'a monitored or templated metric was not given',
  E_TEMPLATE: 'a filename template that cannot be rendered',
  E_SAVE_FAILED: 'a checkpoint could not be written',
  E_ARCH_MISMATCH: 'a checkpoint that does not fit the model',
  // metrics
  E_LENGTH_MISMATCH: 'inputs of different lengths',
  E_EMPTY_INPUT: 'no samples',
  E_NAN_INPUT: 'NaN or infinite values where numbers are required',
  E_LABEL_RANGE: 'labels outside the declared classes',
  E_CSV: 'a CSV file that cannot be read as asked',
  // tracking
  E_BAD_RECORD: 'a TFRecord or JSONL record that is corrupt',
  // pytorch
  E_UNSAFE_PICKLE: 'a pickle that asks for a global or opcode outside the allow-list',
  E_BAD_PICKLE: 'a pickle stream that is malformed',
  E_BAD_ZIP: 'a zip archive that is malformed or hostile',
  E_LIMIT: 'an input past a hard size, depth or count limit',
  E_UNSUPPORTED: 'a valid input that ckpt does not handle (yet)',
} as const;

/** A stable error code. */
export type CkptErrorCode = keyof typeof ERROR_CODES;

/** Extra facts attached to an error (file, tensor name, offsets...). JSON-serialisable. */
export type CkptErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

/** Options of {@link CkptError}. */
export interface CkptErrorOptions {
  /** The error that caused this one. Default: none. */
  cause?: unknown;
  /** Structured facts for `--json` output and tests. Default: `{}`. */
  details?: CkptErrorDetails;
}

/** The one error class of ckpt: `err.code` is stable, `err.message` is for people. */
export class CkptError extends Error {
  override readonly name = 'CkptError';
  readonly code: CkptErrorCode;
  readonly details: CkptErrorDetails;

  constructor(code: CkptErrorCode, message: string, options: CkptErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** `{ code, message, details }`, as the CLI prints it under `--json`. */
  toJSON(): { code: CkptErrorCode; message: string; details: CkptErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `err` is a {@link CkptError}, optionally with the given code. */
export function isCkptError(err: unknown, code?: CkptErrorCode): err is CkptError {
  return err instanceof CkptError && (code === undefined || err.code === code);
}

/**
 * Turns an operating-system error (ENOENT, ENOSPC, EIO, ...) into a {@link CkptError} that names
 * the path and the operation. Errors that are already `CkptError`s pass through unchanged.
 */
export function fromSystemError(err: unknown, operation: string, path: string): CkptError {
  if (err instanceof CkptError) return err;
  const sysCode = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const reason = err instanceof Error ? err.message : String(err);
  const details = { path, operation, syscallCode: sysCode };
  if (sysCode === 'ENOENT') return new CkptError('E_NOT_FOUND', `${operation}: ${path} does not exist`, { cause: err, details });
  if (sysCode === 'ENOSPC' || sysCode === 'EDQUOT') {
    return new CkptError('E_NO_SPACE', `${operation}: no space left while writing ${path}; free space and retry`, { cause: err, details });
  }
  if (sysCode === 'EISDIR' || sysCode === 'ENOTDIR') {
    return new CkptError('E_WRONG_KIND', `${operation}: ${path} is ${sysCode === 'EISDIR' ? 'a directory' : 'not a directory'}`, { cause: err, details });
  }
  return new CkptError('E_IO', `${operation}: ${path}: ${reason}`, { cause: err, details });
}
