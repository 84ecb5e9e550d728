/**
 * Describes a `.pth` file without reading tensor data: layout, archive name, byte order, every
 * tensor's dtype, shape, strides and storage, and the skeleton of the saved object.
 *
 * @module
 */
import type { DType } from '../../tensor/dtype.js';
import { flattenState, type Skeleton } from '../../tensor/state-tree.js';
import { Tensor } from '../../tensor/tensor.js';
import { resolveReadOptions, type ReadPthOptions } from './limits.js';
import { loadPickle } from './read.js';
import { checkView, isContiguous } from './rebuild.js';
import { fileSource } from './source.js';
import { listTensorRefs } from './tensor-refs.js';
import { toStateValue } from './to-state.js';

/** One tensor of a `.pth` file, as stored. */
export interface PthTensorInfo {
  /** Dotted path in the saved object, e.g. `model_state_dict.0.weight` (`$attrs` marks attributes). */
  name: string;
  dtype: DType;
  shape: readonly number[];
  /** Strides in elements. */
  stride: readonly number[];
  /** Offset of the first element in its storage, in elements. */
  storageOffset: number;
  /** Storage record key (`data/<key>`); tensors with the same key share memory in torch. */
  storageKey: string;
  /** Bytes of the whole storage. */
  storageByteLength: number;
  /** Bytes of this tensor once made contiguous. */
  byteLength: number;
  /** Device it was saved from, e.g. `"cpu"`. */
  location: string;
  /** False for strided or offset views that ckpt copies out. */
  contiguous: boolean;
  /** True when saved as an `nn.Parameter`. */
  parameter: boolean;
  requiresGrad: boolean;
}

/** What {@link inspectPth} reports. */
export interface PthInfo {
  /** `'zip'` (torch >= 1.6) or `'legacy'`. */
  format: 'zip' | 'legacy';
  /** Top-level folder of the zip archive, `null` for legacy files. */
  archiveName: string | null;
  byteorder: 'little' | 'big';
  /** The archive `version` record, or 1001 for legacy files. */
  version: number;
  /** Size of the file in bytes. */
  fileByteLength: number;
  /** Number of distinct storages. */
  storageCount: number;
  /** Bytes of all tensors once made contiguous (what `readPth` materialises, shared tensors once). */
  tensorByteLength: number;
  tensors: PthTensorInfo[];
  /** The saved object with every tensor replaced by `{"$tensor": name}` (see `flattenState`). */
  skeleton: Skeleton;
}

/** Lists the tensors of a `.pth` file (checked like {@link readPth}, storages not read). */
export async function inspectPth(path: string, options: ReadPthOptions = {}): Promise<PthInfo> {
  const o = resolveReadOptions(options);
  const src = await fileSource(path);
  try {
    const loaded = await loadPickle(src, o);
    const tensors = listTensorRefs(loaded.root, o.pickle.maxDepth).map(({ name, ref }): PthTensorInfo => ({
      name,
      dtype: ref.dtype,
      shape: ref.shape,
      stride: ref.stride,
      storageOffset: ref.storageOffset,
      storageKey: ref.storage.key,
      storageByteLength: ref.storage.byteLength,
      byteLength: checkView(ref, ref.storage.byteLength),
      location: ref.storage.location,
      contiguous: ref.storageOffset === 0 && isContiguous(ref.shape, ref.stride),
      parameter: ref.parameter,
      requiresGrad: ref.requiresGrad,
    }));
    const keys = new Set(tensors.map((t) => t.storageKey));
    const tensorByteLength = tensors.reduce((sum, t) => sum + t.byteLength, 0);
    // Empty placeholder tensors stand in for the storages, which are never read.
    const { skeleton } = flattenState(toStateValue(loaded.root, (ref) => Tensor.zeros(ref.dtype, [0]), o.pickle.maxDepth));
    return {
      format: loaded.format, archiveName: loaded.archiveName, byteorder: loaded.byteorder, version: loaded.version,
      fileByteLength: src.size, storageCount: keys.size, tensorByteLength, tensors, skeleton,
    };
  } finally {
    await src.close();
  }
}
