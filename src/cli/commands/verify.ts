/**
 * `ckpt verify PATH`: checks a run (every checkpoint folder) or one checkpoint directory against
 * the manifests: every listed file present, with its size and CRC32C. Lists each bad file with
 * the reason; exits 1 when anything is bad. Files the manifest does not list are warnings.
 *
 * @module
 */
import { readCatalog } from '../../checkpoint/catalog.js';
import { verifyCheckpoint, verifyRun, type VerifyReport } from '../../checkpoint/verify.js';
import { bindAction, examples, type CommandDefinition } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import type { VerifyOutput } from '../json-schemas.js';
import { byteProgress } from '../progress.js';
import { resolveTarget, type Target } from '../run-path.js';
import { ReadCountingStore } from '../store-views.js';

/** Verifies `target`, reporting bytes read to `onBytes`. */
async function verifyTarget(target: Target, onBytes: (n: number) => void): Promise<VerifyReport[]> {
  const store = new ReadCountingStore(target.store, onBytes);
  return target.kind === 'run' ? verifyRun(store) : [await verifyCheckpoint(store, target.name)];
}

/** Bytes a verification will read (manifest sizes), for the progress bar. */
async function plannedBytes(target: Target): Promise<number> {
  const { checkpoints } = await readCatalog(target.store);
  return checkpoints.reduce((sum, c) => sum + c.bytes, 0);
}

function printReport(ctx: CliContext, out: VerifyOutput): void {
  const { green, red, yellow } = ctx.style;
  for (const r of out.checkpoints) {
    ctx.print(`${r.ok ? green('ok ') : red('BAD')}  ${r.name}`);
    for (const p of r.problems) ctx.print(`       ${p.kind === 'extra' ? yellow('warning') : red(p.kind)}: ${p.message}`);
  }
  if (out.checked === 0) ctx.print(`${out.path}: no checkpoints to verify`);
  else ctx.print(`\n${out.checked - out.bad} of ${out.checked} checkpoint${out.checked === 1 ? '' : 's'} ok`);
}

export const verifyCommand: CommandDefinition = {
  register(program, ctx, state) {
    const cmd = program
      .command('verify')
      .argument('<path>', 'a run directory, or one checkpoint directory')
      .description('check the manifests and checksums of a run or a checkpoint; exit 1 if anything is bad')
      .addHelpText('after', examples([
        ['ckpt verify runs/exp1', 'check every checkpoint of the run (sizes and CRC32C of every file)'],
        ['ckpt verify runs/exp1/checkpoints/epoch=0007-step=700', 'check one checkpoint'],
        ['ckpt verify runs/exp1 --json | jq ".checkpoints[] | select(.ok | not) | .name"', 'names of the bad checkpoints'],
      ]));
    bindAction(cmd, ctx, state, async (c, [path = '']) => {
      const target = await resolveTarget(c.path(path), path);
      const progress = byteProgress(c, `verify ${path}`, c.io.isTTY ? await plannedBytes(target) : 0);
      let bytes = 0;
      let reports: VerifyReport[];
      try {
        reports = await verifyTarget(target, (n) => {
          bytes += n;
          progress.add(n);
        });
      } finally {
        progress.stop();
      }
      const bad = reports.filter((r) => !r.ok).length;
      const out: VerifyOutput = {
        path,
        kind: target.kind,
        ok: bad === 0,
        checked: reports.length,
        bad,
        bytes,
        checkpoints: reports.map((r) => ({ name: r.name, ok: r.ok, problems: r.problems.map((p) => ({ ...p })) })),
      };
      c.result(out, () => printReport(c, out));
      if (bad === 0) return EXIT.OK;
      c.note(`${c.style.red('ckpt: error')} E_CORRUPT: ${bad} of ${reports.length} checkpoint${reports.length === 1 ? '' : 's'} in ${path} failed verification`);
      return EXIT.BAD;
    });
  },
};
