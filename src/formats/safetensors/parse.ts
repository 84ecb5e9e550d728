/**
 * Reading safetensors from bytes already in memory.
 *
 * @module
 */
import type { Tensor } from '../../tensor/tensor.js';
import { decodeHeader, readHeaderLength } from './header.js';
import type { SafetensorsHeader } from './types.js';
import { tensorAt } from './views.js';

/**
 * Validates a whole safetensors file held in `bytes` (every rule of the reference reader, plus
 * duplicate names), then returns its header and tensors. Tensors view `bytes` without copying when
 * aligned and are copies when not. Throws only `CkptError`s.
 */
export function parseSafetensors(bytes: Uint8Array): { header: SafetensorsHeader; tensors: Map<string, Tensor> } {
  const headerLength = readHeaderLength(bytes, bytes.byteLength);
  const header = decodeHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength);
  const tensors = new Map<string, Tensor>();
  for (const e of header.entries) tensors.set(e.name, tensorAt(e, bytes, header.dataOffset + e.begin));
  return { header, tensors };
}
