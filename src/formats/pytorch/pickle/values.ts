/**
 * The values the restricted unpickler builds. They mirror Python objects closely (lists are
 * mutable, dicts remember whether they are ordered, tensors are still references into storages);
 * `to-state.ts` turns them into a ckpt state tree once the storages are known.
 *
 * @module
 */
import type { DType } from '../../../tensor/dtype.js';
import type { StateKey } from '../../../tensor/state-tree.js';

/** A Python tuple under construction. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python dict or collections.OrderedDict. */
export class PyDict {
  readonly map = new Map<StateKey, PyValue>();
  /** Instance attributes set by BUILD (OrderedDict `_metadata`). */
  attributes: Map<string, PyValue> | undefined;
  constructor(readonly ordered: boolean) {}
}

/** A Python list (mutable until the pickle ends). */
export class PyList {
  readonly items: PyValue[] = [];
}

/** An allow-listed global, e.g. `torch._utils._rebuild_tensor_v2`. `kind` says what calling it does. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly kind: GlobalKind,
    /** Element type, for storage classes and dtype objects. */
    readonly dtype?: DType,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** What an allow-listed global is. */
export type GlobalKind =
  | 'OrderedDict' | 'set' | 'frozenset' | 'bytearray' | 'bytes' | 'complex' | 'codecs.encode'
  | 'rebuild_tensor' | 'rebuild_tensor_v2' | 'rebuild_tensor_v3' | 'rebuild_parameter' | 'rebuild_parameter_with_state'
  | 'storage' | 'untyped_storage' | 'dtype' | 'Size' | 'device';

/** A storage loaded by `persistent_load`: raw bytes of one archive record (or part of one). */
export class StorageRef {
  constructor(
    /** Record key, e.g. `"0"` for `data/0`. */
    readonly key: string,
    /** Byte offset of this storage inside the record (non-zero only for legacy views). */
    readonly byteOffset: number,
    /** Byte length of the storage. */
    readonly byteLength: number,
    /** Element type named by the storage class (`undefined` for untyped storages). */
    readonly dtype: DType | undefined,
    /** Device the tensor was saved from, e.g. `"cpu"`, `"cuda:0"`. */
    readonly location: string,
  ) {}
}

/** A tensor to build: dtype, shape and strides over a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly dtype: DType,
    /** Offset of element 0 in the storage, in elements. */
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
    /** True when saved as an `nn.Parameter`. */
    readonly parameter: boolean,
  ) {}
}

/** A Python complex number. */
export class PyComplex {
  constructor(readonly real: number, readonly imag: number) {}
}

/** Any value on the unpickler's stack. */
export type PyValue =
  | null | boolean | number | bigint | string | Uint8Array
  | PyTuple | PyList | PyDict | PyGlobal | StorageRef | TensorRef | PyComplex;
