/**
 * safetensors as a {@link CheckpointFormat} for the format dispatch of `inspect` and `convert`.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import type { CheckpointFormat, PathProbe } from '../detect.js';
import { readSafetensorsHeader, readSafetensorsLazy } from './read-file.js';
import { writeSafetensorsFile } from './write-file.js';

const JSON_START = new Set([0x7b, 0x20, 0x09, 0x0a, 0x0d]);

/** True when the first bytes look like safetensors: a plausible header length, then `{` or JSON whitespace. */
function hasSafetensorsMagic(probe: PathProbe): boolean {
  if (probe.head.byteLength < 9) return false;
  const n = new DataView(probe.head.buffer, probe.head.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && 8n + n <= BigInt(probe.size) && JSON_START.has(probe.head[8] ?? 0);
}

export const safetensorsFormat: CheckpointFormat = {
  kind: 'safetensors',
  extensions: ['.safetensors'],
  matches: (probe) => !probe.isDirectory && (probe.extension === '.safetensors' || hasSafetensorsMagic(probe)),
  async inspect(path) {
    const header = await readSafetensorsHeader(path);
    const tensors = header.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, byteLength: e.end - e.begin }));
    const { size } = await stat(path);
    return { kind: 'safetensors', byteLength: size, metadata: header.metadata, tensors, tensorBytes: size - header.dataOffset };
  },
  async read(path) {
    const { header, tensors } = await readSafetensorsLazy(path);
    return { tensors, metadata: header.metadata };
  },
  write: (path, source) => writeSafetensorsFile(path, source.tensors, { metadata: source.metadata, fsync: true }),
};
