/**
 * `ckpt convert IN OUT`: converts between a checkpoint directory, a `.safetensors` file and a
 * `.pth` file, in any direction (the same format too: a canonical rewrite). The whole state tree
 * travels: a `.pth`'s non-tensor values go into a safetensors file's `__metadata__` as JSON and
 * come back exactly. OUT's extension picks the format; a name without one is a checkpoint
 * directory. Writes are atomic (temp beside OUT, fsync, rename, fsync dir): a failing convert
 * leaves an existing OUT untouched and no temp files.
 *
 * @module
 */
import { detectFormat, formatForOutput } from '../../formats/detect.js';
import { sourceBytes, tapSource } from '../../formats/state-source.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { byteProgress } from '../progress.js';
import { formatBytes } from '../table.js';

export const convertCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('convert')
      .argument('<in>', 'what to read: a checkpoint directory, .safetensors or .pth/.pt/.bin file')
      .argument('<out>', 'what to write; .safetensors, .pth/.pt/.bin, or no extension for a checkpoint directory')
      .description('convert between checkpoint directories, .safetensors and .pth files (whole state tree), atomically')
      .addHelpText('after', examples([
        ['ckpt convert checkpoint.pth model.safetensors', 'tensors by dotted name; epoch, optimizer settings etc. kept in __metadata__'],
        ['ckpt convert runs/exp1/checkpoints/epoch=0007 best.pth', 'one file that torch.load opens'],
        ['ckpt convert best.pth imported', 'a checkpoint directory (manifest, CRC32C) from a .pth'],
        ['ckpt convert model.safetensors model.safetensors', 'canonicalise in place; a crash leaves the old file intact'],
      ]));
    bindAction(cmd, ctx, state, async (c, [input = '', output = '']) => {
      const inPath = c.path(input);
      const outPath = c.path(output);
      const inFormat = await detectFormat(inPath);
      const outFormat = formatForOutput(outPath);
      const source = await inFormat.read(inPath);
      const progress = byteProgress(c, `convert ${input}`, sourceBytes(source));
      const warnings: string[] = [];
      let byteLength: number;
      try {
        ({ byteLength } = await outFormat.write(outPath, tapSource(source, (n) => progress.add(n)), { onWarning: (m) => warnings.push(m) }));
      } finally {
        progress.stop();
      }
      for (const w of warnings) c.note(`ckpt: warning: ${w}`);
      const tensorCount = source.tensors.size;
      const result = { input, output, from: inFormat.kind, to: outFormat.kind, tensorCount, byteLength, warnings };
      c.result(result, () => c.print(`wrote ${output} (${outFormat.kind}, ${tensorCount} tensor${tensorCount === 1 ? '' : 's'}, ${formatBytes(byteLength)}) from ${input} (${inFormat.kind})`));
    });
  },
};
