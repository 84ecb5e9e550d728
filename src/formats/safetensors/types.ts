/**
 * The shapes of data the safetensors reader and writer exchange.
 *
 * @module
 */
import type { DType } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/tensor.js';

/** Largest accepted header, in bytes (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The reserved header key that holds the string-to-string metadata map. */
export const METADATA_KEY = '__metadata__';

/** A tensor whose bytes are produced on demand (for huge or streamed data). */
export interface LazyTensor {
  /** Element type. */
  dtype: DType;
  /** Dimensions; `[]` is a scalar. */
  shape: Shape;
  /** Exact number of bytes `chunks()` yields in total; must equal what dtype and shape need. */
  byteLength: number;
  /** Yields the tensor's little-endian C-order bytes, in order, in chunks of any size. */
  chunks(): AsyncIterable<Uint8Array>;
}

/** Options of the safetensors writers. */
export interface SafetensorsWriteOptions {
  /**
   * String-to-string map written as `__metadata__`, first in the header, keys in insertion order
   * (e.g. `{ format: 'pt' }`). Default: none; an empty map writes no `__metadata__` either.
   */
  metadata?: Record<string, string>;
}

/** One tensor of a safetensors header. `begin`/`end` are byte offsets relative to the data buffer. */
export interface SafetensorsEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** N: length of the JSON header in bytes (including padding). */
  headerLength: number;
  /** File offset where the data buffer starts: `8 + headerLength`. */
  dataOffset: number;
  /** The tensors, in file (offset) order. */
  entries: SafetensorsEntry[];
  /** The `__metadata__` map; `{}` when the file has none. */
  metadata: Record<string, string>;
}
