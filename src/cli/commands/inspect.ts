/**
 * `ckpt inspect PATH`: what a checkpoint file holds — metadata, and every tensor's dtype, shape
 * and size — read from its header without loading tensor data.
 *
 * @module
 */
import { detectFormat, type CheckpointSummary } from '../../formats/detect.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';
import { formatBytes, renderTable } from '../table.js';

function printSummary(ctx: CliContext, path: string, s: CheckpointSummary): void {
  const { bold, dim } = ctx.style;
  ctx.print(`${bold(path)}  ${s.kind}  ${formatBytes(s.byteLength)}`);
  const meta = Object.entries(s.metadata);
  if (meta.length > 0) {
    ctx.print('');
    ctx.print(bold('metadata'));
    ctx.print(renderTable(['key', 'value'], meta));
  }
  ctx.print('');
  const rows = s.tensors.map((t) => [t.name, t.dtype, `[${t.shape.join(', ')}]`, formatBytes(t.byteLength)]);
  ctx.print(renderTable(['tensor', 'dtype', 'shape', 'bytes'], rows, ['left', 'left', 'left', 'right']));
  ctx.print('');
  ctx.print(dim(`total: ${s.tensors.length} tensor${s.tensors.length === 1 ? '' : 's'}, ${formatBytes(s.tensorBytes)} of data`));
}

export const inspectCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('inspect')
      .argument('<path>', 'a .safetensors file')
      .description('show the metadata and the tensors (dtype, shape, bytes) of a checkpoint file')
      .addHelpText('after', examples([
        ['ckpt inspect model.safetensors', 'list the tensors of a safetensors file and its metadata'],
        ['ckpt inspect model.safetensors --json | jq .tensorBytes', 'read the total data size from a script'],
      ]));
    bindAction(cmd, ctx, state, async (c, [path = '']) => {
      const full = c.path(path);
      const format = await detectFormat(full);
      const summary = await format.inspect(full);
      c.result({ path, ...summary, tensorCount: summary.tensors.length }, () => printSummary(c, path, summary));
    });
  },
};
