/**
 * `ckpt convert IN OUT`: converts between a checkpoint directory, a `.safetensors` file and a
 * `.pth` file, in any direction (the same format too: a canonical rewrite), through
 * `convertCheckpoint`. The whole state tree travels: a `.pth`'s non-tensor values go into a
 * safetensors file's `__metadata__` as JSON and come back exactly. OUT's extension picks the
 * format; a name without one is a checkpoint directory. Writes are atomic: a failing convert
 * leaves an existing OUT untouched and no temp files. A byte progress bar shows on a terminal.
 *
 * @module
 */
import { convertCheckpoint } from '../../interop/convert.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { byteProgress, NO_PROGRESS, type ByteProgress } from '../progress.js';
import { formatBytes } from '../table.js';
import type { ConvertOutput } from './format-schemas.js';

export const convertCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('convert')
      .argument('<in>', 'what to read: a checkpoint directory, .safetensors, .safetensors.index.json (sharded) or .pth/.pt/.bin file')
      .argument('<out>', 'what to write; .safetensors, .safetensors.index.json (sharded, 5 GB shards), .pth/.pt/.bin, or no extension for a checkpoint directory')
      .description('convert between checkpoint directories, .safetensors (single or sharded) and .pth files (whole state tree), atomically')
      .addHelpText('after', examples([
        ['ckpt convert checkpoint.pth model.safetensors', 'tensors by dotted name; epoch, optimizer settings etc. kept in __metadata__'],
        ['ckpt convert runs/exp1/checkpoints/epoch=0007 best.pth', 'one file that torch.load opens'],
        ['ckpt convert best.pth imported', 'a checkpoint directory (manifest, CRC32C) from a .pth'],
        ['ckpt convert model.safetensors model.safetensors', 'canonicalise in place; a crash leaves the old file intact'],
        ['ckpt convert hf-model/model.safetensors.index.json model.pth', 'a sharded Hugging Face checkpoint into one .pth'],
      ]));
    bindAction(cmd, ctx, state, async (c, [input = '', output = '']) => {
      let progress: ByteProgress = NO_PROGRESS;
      let r;
      try {
        r = await convertCheckpoint(c.path(input), c.path(output), {
          onStart: (total) => (progress = byteProgress(c, `convert ${input}`, total)),
          onBytes: (n) => progress.add(n),
        });
      } finally {
        progress.stop();
      }
      for (const w of r.warnings) c.note(`ckpt: warning: ${w}`);
      const { from, to, tensorCount, byteLength, warnings } = r;
      const doc: ConvertOutput = { input, output, from, to, tensorCount, byteLength, warnings };
      c.result(doc, () =>
        c.print(`wrote ${output} (${to}, ${tensorCount} tensor${tensorCount === 1 ? '' : 's'}, ${formatBytes(byteLength)}) from ${input} (${from})`),
      );
    });
  },
};
