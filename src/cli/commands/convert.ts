/**
 * `ckpt convert IN OUT`: rewrites a checkpoint file in the format OUT's extension names, in
 * canonical form (for safetensors: the reference writer's order and padding). The write is atomic:
 * a temp file beside OUT is written, fsynced and renamed over OUT, then the directory is fsynced,
 * so OUT is never seen half-written. Tensors stream through, so memory stays small.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromSystemError } from '../../errors.js';
import { detectFormat, formatForOutput, type CheckpointFormat, type TensorSource } from '../../formats/detect.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { formatBytes } from '../table.js';

type WritableFormat = ReturnType<typeof formatForOutput>;

/** Writes `source` to `out` through a sibling temp file, fsync and rename; the temp file is removed on failure. */
async function writeAtomically(format: WritableFormat, out: string, source: TensorSource): Promise<{ byteLength: number }> {
  const dir = dirname(out);
  const temp = join(dir, `.${basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const result = await format.write(temp, source);
    await rename(temp, out);
    await fsyncDirectory(dir);
    return result;
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fromSystemError(err, 'write', out);
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export const convertCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('convert')
      .argument('<in>', 'the checkpoint file to read (.safetensors)')
      .argument('<out>', 'the file to write; its extension picks the format (.safetensors)')
      .description('rewrite a checkpoint file in canonical form or another format, atomically')
      .addHelpText('after', examples([
        ['ckpt convert old.safetensors model.safetensors', 'rewrite in canonical safetensors layout (aligned, sorted, padded)'],
        ['ckpt convert model.safetensors model.safetensors', 'canonicalise in place; a crash leaves the old file intact'],
      ]));
    bindAction(cmd, ctx, state, async (c, [input = '', output = '']) => {
      const inPath = c.path(input);
      const outPath = c.path(output);
      const inFormat: CheckpointFormat = await detectFormat(inPath);
      const outFormat = formatForOutput(outPath);
      const source = await inFormat.read(inPath);
      const { byteLength } = await writeAtomically(outFormat, outPath, source);
      const result = { input, output, from: inFormat.kind, to: outFormat.kind, tensorCount: source.tensors.size, byteLength };
      c.result(result, () => c.print(`wrote ${output} (${outFormat.kind}, ${source.tensors.size} tensors, ${formatBytes(byteLength)}) from ${input} (${inFormat.kind})`));
    });
  },
};
