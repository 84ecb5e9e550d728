/**
 * PyTorch files (`.pth`, `.pt`, `.bin`, Lightning's `.ckpt`: the `torch.save` zip layout, or the legacy pre-1.6
 * pickle stream, read only) as a {@link CheckpointFormat}. The whole saved object is the state
 * tree: tensors under their dotted paths, everything else in the skeleton. Nothing in the file
 * is ever executed (see `read.ts`).
 *
 * @module
 */
import type { CheckpointFormat, PathProbe } from './detect.js';
import { inferRecord } from './checkpoint-dir/record.js';
import { materializeState, sourceFromState } from './state-source.js';
import { inspectPth } from '../formats/pytorch/inspect.js';
import { readPth } from '../formats/pytorch/read.js';
import { writePth } from '../formats/pytorch/write.js';

/** Metadata of a source read from a `.pth`: its tensors are PyTorch tensors (as Hugging Face's `save_file` records). */
const PT_METADATA: Readonly<Record<string, string>> = { format: 'pt' };

/** File extensions that pick this format for output (`.ckpt`: PyTorch Lightning's torch.save files). */
const EXTENSIONS = ['.pth', '.pt', '.bin', '.ckpt'];
/** Extensions that claim a file even when its first bytes are not torch's (then reading says what is wrong); `.bin` is too generic. */
const CLAIMED_EXTENSIONS = ['.pth', '.pt', '.ckpt'];

/** `PK\x03\x04` (zip, torch >= 1.6) or `\x80\x02` (pickle protocol 2, the legacy layout). */
function hasTorchMagic(probe: PathProbe): boolean {
  const h = probe.head;
  return (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) || (h[0] === 0x80 && h[1] === 0x02);
}

export const pytorchFormat: CheckpointFormat = {
  kind: 'pytorch',
  extensions: EXTENSIONS,
  description: 'PyTorch file (.pth/.pt/.bin)',
  matches: (probe) => !probe.isDirectory && (hasTorchMagic(probe) || CLAIMED_EXTENSIONS.includes(probe.extension)),
  async inspect(path) {
    const info = await inspectPth(path);
    const tensors = info.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, byteLength: t.byteLength }));
    const metadata: Record<string, string> = { layout: info.format, byteorder: info.byteorder, version: String(info.version) };
    if (info.archiveName !== null) metadata.archive = info.archiveName;
    return { kind: 'pytorch', byteLength: info.fileByteLength, metadata, tensors, tensorBytes: tensors.reduce((n, t) => n + t.byteLength, 0), skeleton: info.skeleton };
  },
  async read(path) {
    return sourceFromState(await readPth(path), PT_METADATA);
  },
  async write(path, source, options = {}) {
    const tree = await materializeState(source);
    const dropped = Object.keys(source.metadata).filter((k) => !(k in PT_METADATA && source.metadata[k] === PT_METADATA[k]));
    if (dropped.length > 0) options.onWarning?.(`a .pth has no place for metadata; dropped ${dropped.join(', ')}`);
    if (source.record !== undefined) {
      const kept = inferRecord(tree);
      if (kept.step !== source.record.step || kept.epoch !== source.record.epoch || Object.keys(source.record.metrics).length > 0) {
        options.onWarning?.(`a .pth holds only the state tree; the checkpoint's epoch ${source.record.epoch}, step ${source.record.step} and metrics are kept only where the tree has them`);
      }
    }
    return writePth(path, tree);
  },
};
