/**
 * PyTorch interop: read and write `.pth` files (the `torch.save` zip layout, and the legacy
 * stream layout for reading) without ever executing code from them.
 *
 * @example
 * ```ts
 * import { readPth, writePth } from 'ckpt';
 * const ckpt = await readPth('model.pth');          // state tree: Map for int keys, Tuple, OrderedDict
 * await writePth('copy.pth', ckpt);                 // torch.load('copy.pth') gives the same structure
 * ```
 * @module
 */
export { readPth, parsePth } from './read.js';
export { writePth } from './write.js';
export { inspectPth, type PthInfo, type PthTensorInfo } from './inspect.js';
export {
  MAX_COMPRESSION_RATIO, MAX_CENTRAL_DIRECTORY_BYTES, MAX_DEPTH, MAX_ENTRIES, MAX_INFLATED_BYTES, MAX_MEMO_ENTRIES,
  MAX_OBJECTS, MAX_OPS, MAX_PICKLE_BYTES, MAX_STRING_BYTES, MAX_TENSOR_EXPANSION_BYTES,
  type CrcPolicy, type PickleLimits, type ReadPthOptions, type WritePthOptions, type ZipLimits,
} from './limits.js';
