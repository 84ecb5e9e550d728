/**
 * `ckpt inspect PATH [--stats] [--tensor NAME]`: what a checkpoint directory, `.safetensors` (single or sharded) or
 * `.pth` file holds — every tensor's dtype, shape and size (from headers, no tensor data read),
 * the metadata, and the non-tensor state (epoch, step, metrics, optimizer settings) rendered
 * compactly. `--stats` reads the data for min/max/mean/std and NaN/Inf counts; `--tensor` shows
 * one tensor with its statistics and first values.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { detectFormat, type CheckpointFormat, type CheckpointSummary, type TensorSummary } from '../../interop/detect.js';
import { materializeTensor } from '../../interop/state-source.js';
import { tensorStats, type TensorStats } from '../../tensor/stats.js';
import { forEachNumber } from '../../tensor/values.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import type { CliContext } from '../context.js';
import { formatBytes, renderTable } from '../table.js';
import type { InspectOutput, InspectTensorOutput } from './format-schemas.js';
import { renderSkeleton } from './state-view.js';

/** How many leading values `--tensor` shows. */
export const FIRST_VALUES = 10;

interface InspectOptions {
  stats?: boolean;
  tensor?: string;
}

/** A number in at most 6 significant digits. */
function num(v: number | null): string {
  if (v === null) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(6)));
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Reads the statistics of every tensor (one tensor in memory at a time for lazy formats). */
async function statsOf(format: CheckpointFormat, path: string): Promise<Map<string, TensorStats | undefined>> {
  const source = await format.read(path);
  const out = new Map<string, TensorStats | undefined>();
  for (const [name, t] of source.tensors) out.set(name, tensorStats(await materializeTensor(name, t)));
  return out;
}

function recordLine(s: CheckpointSummary): string | undefined {
  if (s.record === undefined) return undefined;
  const metrics = Object.entries(s.record.metrics).map(([k, v]) => `${k}=${num(v)}`);
  return `epoch ${s.record.epoch}, step ${s.record.step}${metrics.length > 0 ? `, ${metrics.join(', ')}` : ''}`;
}

function printSummary(ctx: CliContext, path: string, s: CheckpointSummary, stats: Map<string, TensorStats | undefined> | undefined): void {
  const { bold, dim } = ctx.style;
  ctx.print(`${bold(path)}  ${s.kind}  ${formatBytes(s.byteLength)}`);
  const record = recordLine(s);
  if (record !== undefined) ctx.print(record);
  const meta = Object.entries(s.metadata);
  if (meta.length > 0) {
    ctx.print('');
    ctx.print(bold('metadata'));
    ctx.print(renderTable(['key', 'value'], meta));
  }
  if (s.skeleton !== undefined) {
    const byName = new Map(s.tensors.map((t) => [t.name, t]));
    const lines = renderSkeleton(s.skeleton, {
      describeTensor: (name) => {
        const t = byName.get(name);
        return t === undefined ? undefined : `${t.dtype}${shapeText(t.shape)}`;
      },
    });
    ctx.print('');
    ctx.print(bold('state'));
    for (const line of lines) ctx.print(`  ${line}`);
  }
  ctx.print('');
  const head = ['tensor', 'dtype', 'shape', 'bytes'];
  const align: ('left' | 'right')[] = ['left', 'left', 'left', 'right'];
  const rows = s.tensors.map((t) => {
    const row = [t.name, t.dtype, shapeText(t.shape), formatBytes(t.byteLength)];
    if (stats === undefined) return row;
    const st = stats.get(t.name);
    return [...row, num(st?.min ?? null), num(st?.max ?? null), num(st?.mean ?? null), num(st?.std ?? null), st === undefined ? '-' : String(st.nan), st === undefined ? '-' : String(st.inf)];
  });
  if (stats !== undefined) {
    head.push('min', 'max', 'mean', 'std', 'nan', 'inf');
    align.push('right', 'right', 'right', 'right', 'right', 'right');
  }
  ctx.print(renderTable(head, rows, align));
  ctx.print('');
  ctx.print(dim(`total: ${s.tensors.length} tensor${s.tensors.length === 1 ? '' : 's'}, ${formatBytes(s.tensorBytes)} of data`));
}

/** Statistics and first values of tensor `name`; `E_NOT_FOUND` naming a few tensors that do exist. */
async function oneTensor(format: CheckpointFormat, full: string, shown: string, summary: CheckpointSummary, name: string): Promise<TensorSummary & { stats: TensorStats | null; values: number[] | null }> {
  const info: TensorSummary | undefined = summary.tensors.find((t) => t.name === name);
  const source = await format.read(full);
  const lazy = source.tensors.get(name);
  if (info === undefined || lazy === undefined) {
    const some = summary.tensors.slice(0, 5).map((t) => t.name);
    throw new CkptError('E_NOT_FOUND', `${shown} has no tensor ${JSON.stringify(name)}${some.length > 0 ? `; it has e.g. ${some.join(', ')}` : ''} (ckpt inspect ${shown} lists them)`, {
      details: { path: shown, tensor: name },
    });
  }
  const tensor = await materializeTensor(name, lazy);
  const values: number[] = [];
  const numeric = forEachNumber(tensor, (v, i) => {
    if (i < FIRST_VALUES) values.push(v);
  });
  return { ...info, stats: tensorStats(tensor) ?? null, values: numeric ? values : null };
}

export const inspectCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('inspect')
      .argument('<path>', 'a checkpoint directory, .safetensors, .safetensors.index.json (sharded) or .pth/.pt/.bin file')
      .option('--stats', 'read the tensor data: min, max, mean, std and NaN/Inf counts per tensor')
      .option('--tensor <name>', 'show one tensor: dtype, shape, statistics and its first values')
      .description('show the tensors (dtype, shape, bytes), metadata and non-tensor state of a checkpoint')
      .addHelpText('after', examples([
        ['ckpt inspect model.safetensors', 'list the tensors of a safetensors file and its metadata'],
        ['ckpt inspect checkpoint.pth --stats', 'epoch, optimizer settings and per-tensor statistics of a .pth'],
        ['ckpt inspect runs/exp1/checkpoints/epoch=0007 --tensor model.fc.weight', 'one tensor of a checkpoint directory'],
        ['ckpt inspect model.safetensors --json | jq .tensorBytes', 'read the total data size from a script'],
        ['ckpt inspect hf-model/model.safetensors.index.json', 'every shard of a sharded checkpoint, checked against its index'],
      ]));
    bindAction<InspectOptions>(cmd, ctx, state, async (c, [path = ''], options) => {
      const full = c.path(path);
      const format = await detectFormat(full);
      const summary = await format.inspect(full);
      if (options.tensor !== undefined) {
        const t = await oneTensor(format, full, path, summary, options.tensor);
        const doc: InspectTensorOutput = { path, kind: summary.kind, tensor: { ...t, shape: [...t.shape] } };
        c.result(doc, () => {
          c.print(`${c.style.bold(t.name)}  ${t.dtype}  ${shapeText(t.shape)}  ${formatBytes(t.byteLength)}  (${path}, ${summary.kind})`);
          const st = t.stats;
          if (st === null) c.print(c.style.dim(`no statistics for ${t.dtype} elements`));
          else c.print(`min ${num(st.min)}  max ${num(st.max)}  mean ${num(st.mean)}  std ${num(st.std)}  nan ${st.nan}  inf ${st.inf}  zeros ${st.zeros}`);
          if (t.values !== null) c.print(`values: [${t.values.map(num).join(', ')}${st !== null && st.count > t.values.length ? `, ... (${st.count} in all)` : ''}]`);
        });
        return;
      }
      const stats = options.stats === true ? await statsOf(format, full) : undefined;
      const tensors = stats === undefined ? summary.tensors : summary.tensors.map((t) => ({ ...t, stats: stats.get(t.name) ?? null }));
      const doc: InspectOutput = { path, ...summary, tensors: tensors.map((t) => ({ ...t, shape: [...t.shape] })), tensorCount: summary.tensors.length };
      c.result(doc, () => printSummary(c, path, summary, stats));
    });
  },
};
