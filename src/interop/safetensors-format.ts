/**
 * safetensors as a {@link CheckpointFormat} for the format dispatch of `inspect` and `convert`.
 * A whole state tree fits in one file: tensors under their dotted names, and the skeleton and
 * checkpoint record as JSON in `__metadata__` (`ckpt.skeleton`, `ckpt.record`; see
 * `state-metadata.ts`). A file without them is a flat `{name: tensor}` dict.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import type { CheckpointFormat, PathProbe } from './detect.js';
import { joinStateMetadata, splitStateMetadata } from './state-metadata.js';
import { isFlatSkeleton } from './state-source.js';
import { readSafetensorsHeader, readSafetensorsLazy } from '../formats/safetensors/read-file.js';
import { serializeSafetensors } from '../formats/safetensors/serialize.js';
import { writeSafetensorsFile } from '../formats/safetensors/write-file.js';

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
  description: 'safetensors file',
  matches: (probe) => !probe.isDirectory && (probe.extension === '.safetensors' || hasSafetensorsMagic(probe)),
  async inspect(path) {
    const header = await readSafetensorsHeader(path);
    const tensors = header.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, byteLength: e.end - e.begin }));
    const { size } = await stat(path);
    const { metadata, skeleton, record } = splitStateMetadata(header.metadata, path);
    return {
      kind: 'safetensors',
      byteLength: size,
      metadata,
      tensors,
      tensorBytes: size - header.dataOffset,
      ...(skeleton === undefined ? {} : { skeleton }),
      ...(record === undefined ? {} : { record }),
    };
  },
  async read(path) {
    const { header, tensors } = await readSafetensorsLazy(path);
    const { metadata, skeleton, record } = splitStateMetadata(header.metadata, path);
    return { tensors, metadata, ...(skeleton === undefined ? {} : { skeleton }), ...(record === undefined ? {} : { record }) };
  },
  write(path, source) {
    // A flat dict of tensors in the file's own order is what a file without a skeleton means: keep such files plain.
    const order = serializeSafetensors(source.tensors).header.entries.map((e) => e.name);
    const skeleton = source.skeleton === undefined || isFlatSkeleton(source.skeleton, order) ? undefined : source.skeleton;
    const metadata = joinStateMetadata(source.metadata, skeleton, source.record);
    return writeSafetensorsFile(path, source.tensors, { metadata, fsync: true });
  },
};
