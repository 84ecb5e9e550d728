/**
 * Serialising tensors to safetensors bytes as a stream of chunks: the header, then each tensor's
 * own bytes in file order. Nothing is concatenated, so memory stays constant whatever the size.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { planSafetensors } from './plan.js';
import type { LazyTensor, SafetensorsHeader, SafetensorsWriteOptions } from './types.js';

/** A planned safetensors file whose bytes are produced on demand. */
export interface SerializedSafetensors {
  /** Total size of the file in bytes. */
  byteLength: number;
  /** The header the bytes start with. */
  header: SafetensorsHeader;
  /** Yields the header bytes, then each tensor's bytes in file order. Can be called more than once. */
  chunks(): AsyncGenerator<Uint8Array>;
}

/**
 * Plans a safetensors file: validates names, dtypes and sizes, orders tensors as the reference
 * writer does and builds the header. Throws `E_HEADER_TOO_LARGE`, `E_SHAPE`, `E_DTYPE` or
 * `E_INVALID_ARGUMENT` up front; a lazy tensor that yields the wrong number of bytes throws
 * `E_SHAPE` while streaming.
 */
export function serializeSafetensors(tensors: ReadonlyMap<string, Tensor | LazyTensor>, options: SafetensorsWriteOptions = {}): SerializedSafetensors {
  const plan = planSafetensors(tensors, options.metadata);
  const ordered = plan.header.entries.map((e) => [e.name, tensors.get(e.name)] as const);
  return {
    byteLength: plan.byteLength,
    header: plan.header,
    async *chunks() {
      yield plan.headerBytes;
      for (const [name, t] of ordered) {
        if (t === undefined) throw new CkptError('E_INTERNAL', `tensor ${JSON.stringify(name)} vanished while writing`);
        if (t instanceof Tensor) {
          if (t.bytes.byteLength > 0) yield t.bytes;
        } else {
          yield* lazyChunks(name, t);
        }
      }
    },
  };
}

async function* lazyChunks(name: string, t: LazyTensor): AsyncGenerator<Uint8Array> {
  let produced = 0;
  for await (const chunk of t.chunks()) {
    produced += chunk.byteLength;
    if (produced > t.byteLength) break;
    if (chunk.byteLength > 0) yield chunk;
  }
  if (produced !== t.byteLength) {
    throw new CkptError('E_SHAPE', `lazy tensor ${JSON.stringify(name)} yielded ${produced > t.byteLength ? 'more than' : produced} bytes, not the ${t.byteLength} it declared`, {
      details: { tensor: name, declared: t.byteLength },
    });
  }
}
