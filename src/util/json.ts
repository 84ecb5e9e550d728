/**
 * Parsing JSON that comes from files: size-bounded, and every failure a CkptError.
 *
 * @module
 */
import { CkptError, type CkptErrorCode } from '../errors.js';

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  /** Error code for text that is not JSON. Default: `E_CORRUPT`. */
  code?: CkptErrorCode;
  /** Largest accepted text in UTF-16 code units. Default: 100,000,000. */
  maxLength?: number;
}

/** Parses untrusted JSON text; `what` names the source in the error ("state.json of epoch=3"). */
export function parseJson(text: string, what: string, options: ParseJsonOptions = {}): unknown {
  const code = options.code ?? 'E_CORRUPT';
  const max = options.maxLength ?? 100_000_000;
  if (text.length > max) throw new CkptError('E_LIMIT', `${what} is ${text.length} characters, over the limit of ${max}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof RangeError ? 'nested too deeply' : err instanceof Error ? err.message : String(err);
    throw new CkptError(code, `${what} is not valid JSON: ${reason}`, { cause: err });
  }
}
