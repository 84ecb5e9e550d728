/**
 * PyTorch interop: read and write `.pth` files (the `torch.save` zip layout, and the legacy
 * stream layout for reading) without ever executing code from them.
 *
 * Python values map to state-tree values as follows (reading; writing is the inverse):
 * | Python | state tree |
 * |---|---|
 * | `dict` with only `str` keys | plain object |
 * | `dict` with other keys (`int`, `float`, `bool`, `None`) | `Map` |
 * | `collections.OrderedDict` (+ `_metadata` etc. set by BUILD) | `OrderedDict` (+ `.attributes` object) |
 * | `tuple`, `torch.Size` | `Tuple` |
 * | `list`; `set`/`frozenset` (read only) | array |
 * | `int` | `number` when within 2^53, else `bigint` |
 * | `float` | `number` (an integral float such as `2.0` reads as `2` and is written back as an int) |
 * | `str`; `torch.device` (read only); `torch.float32` (read only) | string (`"cuda:0"`, `"torch.float32"`) |
 * | `bytes`, `bytearray` (read only) | `Uint8Array` |
 * | `complex` (read only) | `{ real, imag }` |
 * | `torch.Tensor`, `nn.Parameter` | `Tensor` (views made contiguous; Parameter-ness and requires_grad are not kept) |
 *
 * Sharing: one tensor pickled twice reads as one `Tensor` object; contiguous views of one storage
 * share memory. Writing saves each distinct `Tensor` object as its own storage.
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
