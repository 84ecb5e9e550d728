/**
 * `ckpt diff A B`: can B be loaded where A was? Missing and unexpected tensor names, shape and
 * dtype mismatches, and for matching tensors the max absolute and relative difference. A and B
 * are checkpoint directories or checkpoint files (any format the dispatch reads), in any mix.
 * Exit 0 when compatible (and, with `--atol`/`--rtol`, every value close), 1 otherwise.
 *
 * @module
 */
import { compareTensorSets, type TensorSetComparison } from '../../tensor/compare.js';
import type { Tensor } from '../../tensor/tensor.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import type { DiffOutput } from '../json-schemas.js';
import { parseTolerance } from '../run-options.js';
import { renderTable } from '../table.js';
import { loadTensors, modelTensors, type LoadedTensors } from '../tensor-sources.js';
import { countNotClose } from '../tolerance.js';

/** Flags of `ckpt diff`. */
export interface DiffFlags {
  /** Absolute tolerance. Default: 0 when `rtol` is given, else no value check. */
  atol?: number;
  /** Relative tolerance (of B's values). Default: 0 when `atol` is given, else no value check. */
  rtol?: number;
}

function overlap(a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Tensor>): number {
  let n = 0;
  for (const k of a.keys()) if (b.has(k)) n++;
  return n;
}

/**
 * The tensor maps to compare. A whole checkpoint (a checkpoint directory, a `.pth` of
 * `{model, optimizer, ...}`) names model tensors `model.x`; a model file (`model.safetensors`, a
 * `state_dict()`) names them `x`. When comparing only one side's model tensors, prefix removed,
 * matches more names than comparing as is, that side's model tensors are compared.
 */
export function alignSides(a: LoadedTensors, b: LoadedTensors): { a: ReadonlyMap<string, Tensor>; b: ReadonlyMap<string, Tensor>; modelOnly: 'a' | 'b' | null } {
  const asIs = overlap(a.tensors, b.tensors);
  const modelA = modelTensors(a.tensors);
  const modelB = modelTensors(b.tensors);
  const onlyA = modelA.size > 0 ? overlap(modelA, b.tensors) : 0;
  const onlyB = modelB.size > 0 ? overlap(a.tensors, modelB) : 0;
  if (onlyA > asIs && onlyA >= onlyB) return { a: modelA, b: b.tensors, modelOnly: 'a' };
  if (onlyB > asIs) return { a: a.tensors, b: modelB, modelOnly: 'b' };
  return { a: a.tensors, b: b.tensors, modelOnly: null };
}

/** Builds the `diff` result. */
export function diffResult(paths: [string, string], sides: [LoadedTensors, LoadedTensors], flags: DiffFlags): { out: DiffOutput; comparison: TensorSetComparison; modelOnly: 'a' | 'b' | null } {
  const aligned = alignSides(...sides);
  const comparison = compareTensorSets(aligned.a, aligned.b);
  const checkValues = flags.atol !== undefined || flags.rtol !== undefined;
  const atol = flags.atol ?? 0;
  const rtol = flags.rtol ?? 0;
  const tensors = comparison.common.map((d) => {
    let outside: number | null = null;
    if (checkValues && (d.status === 'equal' || d.status === 'values')) {
      const ta = aligned.a.get(d.name);
      const tb = aligned.b.get(d.name);
      outside = d.status === 'equal' || ta === undefined || tb === undefined ? 0 : countNotClose(ta, tb, atol, rtol);
    }
    return { ...d, shapeA: [...d.shapeA], shapeB: [...d.shapeB], outsideTolerance: outside };
  });
  const withinTolerance = checkValues ? comparison.compatible && tensors.every((t) => t.outsideTolerance === 0) : null;
  const out: DiffOutput = {
    a: { path: paths[0], kind: sides[0].kind, tensorCount: aligned.a.size },
    b: { path: paths[1], kind: sides[1].kind, tensorCount: aligned.b.size },
    compatible: comparison.compatible,
    identical: comparison.identical,
    atol: checkValues ? atol : null,
    rtol: checkValues ? rtol : null,
    withinTolerance,
    ok: comparison.compatible && withinTolerance !== false,
    missing: comparison.missing,
    unexpected: comparison.unexpected,
    tensors,
  };
  return { out, comparison, modelOnly: aligned.modelOnly };
}

const num = (v: number | string | null): string => (v === null ? '-' : typeof v === 'number' ? (v === 0 ? '0' : v.toPrecision(3)) : v);
const list = (names: readonly string[]): string => (names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, ... (${names.length - 8} more)`);

function printDiff(ctx: CliContext, out: DiffOutput): void {
  const { red, green, dim } = ctx.style;
  const count = (n: number): string => `${n} tensor${n === 1 ? '' : 's'}`;
  ctx.print(`A: ${out.a.path} (${out.a.kind}, ${count(out.a.tensorCount)})`);
  ctx.print(`B: ${out.b.path} (${out.b.kind}, ${count(out.b.tensorCount)})`);
  if (out.missing.length > 0) ctx.print(red(`missing in B (${out.missing.length}): ${list(out.missing)}`));
  if (out.unexpected.length > 0) ctx.print(red(`unexpected in B (${out.unexpected.length}): ${list(out.unexpected)}`));
  const shown = out.tensors.filter((t) => t.status !== 'equal');
  if (shown.length > 0) {
    const tol = out.withinTolerance !== null;
    const header = ['tensor', 'status', 'dtype', 'shape', 'max abs', 'max rel', ...(tol ? ['not close'] : [])];
    const rows = shown.map((t) => [
      t.name,
      t.status === 'values' ? 'values differ' : red(`${t.status} mismatch`),
      t.dtypeA === t.dtypeB ? t.dtypeA : `${t.dtypeA} -> ${t.dtypeB}`,
      t.status === 'shape' ? `[${t.shapeA.join(', ')}] -> [${t.shapeB.join(', ')}]` : `[${t.shapeA.join(', ')}]`,
      num(t.maxAbsDiff),
      num(t.maxRelDiff),
      ...(tol ? [t.outsideTolerance === null ? '-' : String(t.outsideTolerance)] : []),
    ]);
    ctx.print('');
    ctx.print(renderTable(header, rows, ['left', 'left', 'left', 'left', 'right', 'right', 'right']));
  }
  const equal = out.tensors.length - shown.length;
  ctx.print(dim(`\n${equal} of ${out.tensors.length} common tensor${out.tensors.length === 1 ? '' : 's'} identical`));
  if (!out.compatible) ctx.print(red('B cannot be loaded where A was'));
  else if (out.identical) ctx.print(green('identical: B loads where A was, with the same values'));
  else if (out.withinTolerance === false) ctx.print(red(`compatible, but values differ beyond atol=${out.atol} rtol=${out.rtol}`));
  else ctx.print(green(`compatible: B loads where A was${out.withinTolerance === true ? `, values within atol=${out.atol} rtol=${out.rtol}` : ''}`));
}

export const diffCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('diff')
      .argument('<a>', 'the reference: a checkpoint directory, or a checkpoint file ckpt inspect reads')
      .argument('<b>', 'the candidate, loaded where A was')
      .description('compare two checkpoints: missing/unexpected keys, shape and dtype mismatches, value differences')
      .option('--atol <x>', 'absolute tolerance: values must satisfy |a - b| <= atol + rtol * |b| (default 0 with --rtol)', parseTolerance)
      .option('--rtol <y>', 'relative tolerance (default 0 with --atol)', parseTolerance)
      .addHelpText('after', examples([
        ['ckpt diff runs/a/checkpoints/epoch=0009-step=900 runs/b/checkpoints/epoch=0009-step=900', 'two checkpoints of two runs'],
        ['ckpt diff model.safetensors converted.safetensors --atol 1e-6', 'fail (exit 1) unless every value is within 1e-6'],
        ['ckpt diff runs/a/checkpoints/epoch=0009-step=900 model.safetensors', 'a checkpoint against an exported model file (its model tensors)'],
      ]));
    bindAction<DiffFlags>(cmd, ctx, state, async (c, [a = '', b = ''], flags) => {
      const sides: [LoadedTensors, LoadedTensors] = [await loadTensors(c.path(a), a), await loadTensors(c.path(b), b)];
      const { out, modelOnly } = diffResult([a, b], sides, flags);
      if (modelOnly !== null) c.note(`ckpt: note: comparing the model tensors of ${modelOnly === 'a' ? a : b} (names without "model.") with ${modelOnly === 'a' ? b : a}`);
      c.result(out, () => printDiff(c, out));
      return out.ok ? EXIT.OK : EXIT.BAD;
    });
  },
};
