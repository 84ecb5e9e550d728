/**
 * Hard limits and options of the `.pth` reader and writer. Every limit is a named constant; the
 * options let a caller raise or lower them. A limit that is hit throws `E_LIMIT`.
 *
 * @module
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Largest `data.pkl` (or legacy pickle) read into memory: 256 MiB. */
export const MAX_PICKLE_BYTES = 256 * MiB;
/** Largest single string or bytes value in a pickle: 64 MiB. */
export const MAX_STRING_BYTES = 64 * MiB;
/** Deepest nesting of MARKs, and of containers in the result: 1,000. */
export const MAX_DEPTH = 1_000;
/** Most memo entries: 1,000,000. */
export const MAX_MEMO_ENTRIES = 1_000_000;
/** Most values on the pickle stack, and most items created in total: 10,000,000. */
export const MAX_OBJECTS = 10_000_000;
/** Most opcodes executed: 50,000,000. */
export const MAX_OPS = 50_000_000;
/** Most zip entries: 100,000. */
export const MAX_ENTRIES = 100_000;
/** Largest zip central directory: 64 MiB. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 64 * MiB;
/** Largest inflated (deflate-compressed) entry: 1 GiB. Stored entries are bounded by the file. */
export const MAX_INFLATED_BYTES = 1 * GiB;
/** Highest uncompressed/compressed size ratio of a deflated entry: 200 (real data rarely passes 20). */
export const MAX_COMPRESSION_RATIO = 200;
/**
 * Most bytes of tensors materialised beyond the storages' own size: 1 GiB. Views normally take no
 * more than their storages; stride-0 (expanded) views or many views of one storage can, and
 * would otherwise let a tiny file demand any amount of memory.
 */
export const MAX_TENSOR_EXPANSION_BYTES = 1 * GiB;

/** What to do when a zip entry's CRC-32 does not match its data. */
export type CrcPolicy = 'error' | 'warn' | 'off';

/** Limits of the restricted unpickler. */
export interface PickleLimits {
  /** Largest string or bytes value. Default: {@link MAX_STRING_BYTES} (64 MiB). */
  maxStringBytes?: number;
  /** Deepest MARK / container nesting. Default: {@link MAX_DEPTH} (1,000). */
  maxDepth?: number;
  /** Most memo entries. Default: {@link MAX_MEMO_ENTRIES} (1,000,000). */
  maxMemoEntries?: number;
  /** Most stack values and container items created. Default: {@link MAX_OBJECTS} (10,000,000). */
  maxObjects?: number;
  /** Most opcodes executed. Default: {@link MAX_OPS} (50,000,000). */
  maxOps?: number;
}

/** Limits of the zip reader. */
export interface ZipLimits {
  /** Most entries in the archive. Default: {@link MAX_ENTRIES} (100,000). */
  maxEntries?: number;
  /** Largest central directory. Default: {@link MAX_CENTRAL_DIRECTORY_BYTES} (64 MiB). */
  maxCentralDirectoryBytes?: number;
  /** Largest inflated entry. Default: {@link MAX_INFLATED_BYTES} (1 GiB). */
  maxInflatedBytes?: number;
  /** Highest compression ratio of a deflated entry. Default: {@link MAX_COMPRESSION_RATIO} (200). */
  maxCompressionRatio?: number;
  /**
   * CRC-32 mismatch handling: `'error'` throws `E_CORRUPT`, `'warn'` calls `onWarning`, `'off'`
   * skips the check (torch itself never checks). A recorded CRC of 0 on non-empty data means the
   * writer did not compute one (torch's `set_crc32_options(False)`): that is a warning, never an
   * error. Default: `'error'`.
   */
  crc?: CrcPolicy;
  /** Receives non-fatal findings (CRC mismatches under `crc: 'warn'`, dropped attributes). Default: none. */
  onWarning?: (message: string) => void;
}

/** Options of `readPth`, `parsePth` and `inspectPth`. */
export interface ReadPthOptions extends ZipLimits, PickleLimits {
  /** Largest `data.pkl` (or legacy pickle section). Default: {@link MAX_PICKLE_BYTES} (256 MiB). */
  maxPickleBytes?: number;
  /**
   * Most tensor bytes materialised in total. Default: the bytes of all storages the file holds
   * plus {@link MAX_TENSOR_EXPANSION_BYTES} (1 GiB), so only expanding views are bounded.
   */
  maxTensorBytes?: number;
  /**
   * Memory-map the file (private, copy-on-write) so that contiguous little-endian tensors are
   * views of the map instead of copies: several times faster. Falls back to reading when ckpt's
   * native addon is missing, the map fails or the file is over 4 GiB. Pages of a file that
   * another process truncates in place while mapped read as zeros (see `util/mmap`); pass `false`
   * to read a file that a running `torch.save` overwrites in place. Only `readPth` uses it.
   * Default: true.
   */
  mmap?: boolean;
}

/** Options of `writePth`. */
export interface WritePthOptions {
  /**
   * Name of the archive's top-level folder. Default: the file's base name without its last
   * extension when that is plain ASCII (as torch does), else `"archive"`.
   */
  archiveName?: string;
  /** Data alignment of every record, in bytes (a power of two). Default: 64 (torch's). */
  alignment?: number;
  /** Call fsync on the file and its directory before returning. Default: `true`. */
  fsync?: boolean;
}

/** Every limit with its default filled in. */
export interface ResolvedReadOptions {
  maxPickleBytes: number;
  /** `undefined`: storage bytes + {@link MAX_TENSOR_EXPANSION_BYTES}. */
  maxTensorBytes: number | undefined;
  pickle: Required<PickleLimits>;
  zip: Required<Omit<ZipLimits, 'onWarning'>> & { onWarning: (message: string) => void };
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** Fills in defaults; throws a TypeError for a limit that is not a non-negative integer. */
export function resolveReadOptions(o: ReadPthOptions = {}): ResolvedReadOptions {
  return {
    maxPickleBytes: positive('maxPickleBytes', o.maxPickleBytes, MAX_PICKLE_BYTES),
    maxTensorBytes: o.maxTensorBytes === undefined ? undefined : positive('maxTensorBytes', o.maxTensorBytes, 0),
    pickle: {
      maxStringBytes: positive('maxStringBytes', o.maxStringBytes, MAX_STRING_BYTES),
      maxDepth: positive('maxDepth', o.maxDepth, MAX_DEPTH),
      maxMemoEntries: positive('maxMemoEntries', o.maxMemoEntries, MAX_MEMO_ENTRIES),
      maxObjects: positive('maxObjects', o.maxObjects, MAX_OBJECTS),
      maxOps: positive('maxOps', o.maxOps, MAX_OPS),
    },
    zip: {
      maxEntries: positive('maxEntries', o.maxEntries, MAX_ENTRIES),
      maxCentralDirectoryBytes: positive('maxCentralDirectoryBytes', o.maxCentralDirectoryBytes, MAX_CENTRAL_DIRECTORY_BYTES),
      maxInflatedBytes: positive('maxInflatedBytes', o.maxInflatedBytes, MAX_INFLATED_BYTES),
      maxCompressionRatio: positive('maxCompressionRatio', o.maxCompressionRatio, MAX_COMPRESSION_RATIO),
      crc: o.crc ?? 'error',
      onWarning: o.onWarning ?? (() => undefined),
    },
  };
}
