/**
 * Snapshotting a state tree for saving: split into tensors and skeleton, tensors assigned to their
 * files, and (for background saves) tensor bytes copied into a staging buffer so that training can
 * change the originals while the write goes on. The staging buffer is the only extra memory a save
 * holds; it is reused from one save to the next (the manager never has two snapshots alive).
 *
 * @module
 */
import { flattenState, type Skeleton, type StateValue } from '../tensor/state-tree.js';
import { Tensor } from '../tensor/tensor.js';
import { copyPairs } from '../util/parallel-copy.js';
import { splitTensors } from './layout.js';

/** A state tree ready to write. */
export interface Snapshot {
  /** Tensor file -> (name in file -> tensor). */
  readonly tensorFiles: ReadonlyMap<string, ReadonlyMap<string, Tensor>>;
  /** The JSON skeleton, with full dotted tensor names. */
  readonly skeleton: Skeleton;
  /** Bytes of tensor data. */
  readonly tensorBytes: number;
}

/** Alignment of each tensor in the staging buffer, so typed-array views stay zero-copy. */
const ALIGN = 8;

/**
 * One reusable buffer that snapshots copy tensors into. A new snapshot overwrites the previous
 * one: use it only when the previous snapshot's write has finished.
 */
export class StagingBuffer {
  private buffer = new ArrayBuffer(0);

  /** Bytes currently held. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** Copies every tensor into the buffer (growing it when needed); returns tensors viewing the copies. */
  copy(tensors: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
    let total = 0;
    for (const t of tensors.values()) total += Math.ceil(t.byteLength / ALIGN) * ALIGN;
    if (this.buffer.byteLength < total) {
      this.buffer = new ArrayBuffer(0); // let the old one go before allocating the new one
      this.buffer = new ArrayBuffer(total);
    }
    const out = new Map<string, Tensor>();
    const pairs: [Uint8Array, Uint8Array][] = [];
    let off = 0;
    for (const [name, t] of tensors) {
      const dst = new Uint8Array(this.buffer, off, t.byteLength);
      pairs.push([dst, t.bytes]);
      out.set(name, new Tensor(t.dtype, t.shape, dst));
      off += Math.ceil(t.byteLength / ALIGN) * ALIGN;
    }
    copyPairs(pairs); // on every core: this copy is all a background save blocks training for
    return out;
  }

  /** Frees the buffer. */
  release(): void {
    this.buffer = new ArrayBuffer(0);
  }
}

/**
 * Splits `state` for writing. With a `staging` buffer, tensor bytes are copied into it, so the
 * snapshot does not change when the caller mutates its tensors afterwards; without, tensors are
 * used in place (the caller must not change them until the write is done).
 * Throws `E_STATE_TREE` for values a state tree cannot hold.
 */
export function snapshotState(state: StateValue, staging?: StagingBuffer): Snapshot {
  const { tensors, skeleton } = flattenState(state);
  let tensorBytes = 0;
  for (const t of tensors.values()) tensorBytes += t.byteLength;
  const taken = staging === undefined ? tensors : staging.copy(tensors);
  return { tensorFiles: splitTensors(taken), skeleton, tensorBytes };
}
