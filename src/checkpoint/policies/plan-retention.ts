/**
 * Applying retention: the union of what every policy keeps, plus the protected checkpoints
 * (best, latest, resumed-from), and the rest to remove, oldest first.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { oldestFirst } from './order.js';
import type { CheckpointRecord, RetentionContext, RetentionPlan, RetentionPolicy } from './types.js';

/** The reason given to every checkpoint when no retention policy is set. */
export const KEEP_ALL_REASON = 'no retention policy';

/**
 * Plans retention over `checkpoints`:
 * - `keep`: every checkpoint some policy keeps or `ctx.protected` names, with all its reasons
 *   (protected reasons first, then each policy's, in the order of `policies`);
 * - `remove`: every other checkpoint, oldest first (step, then time, then name).
 *
 * With no policies every checkpoint is kept (reason {@link KEEP_ALL_REASON}). Names a policy or
 * `ctx.protected` gives that are not among `checkpoints` are ignored. Two checkpoints with the
 * same name throw E_INVALID_ARGUMENT: names are directory names and must be unique.
 */
export function planRetention(
  checkpoints: readonly CheckpointRecord[],
  policies: readonly RetentionPolicy[],
  ctx: RetentionContext,
): RetentionPlan {
  const ordered = oldestFirst(checkpoints);
  const names = new Set<string>();
  for (const c of ordered) {
    if (names.has(c.name)) {
      throw new CkptError('E_INVALID_ARGUMENT', `planRetention: checkpoint name "${c.name}" appears twice`, { details: { name: c.name } });
    }
    names.add(c.name);
  }

  const reasons = new Map<string, string[]>();
  const add = (name: string, reason: string): void => {
    if (!names.has(name)) return;
    const list = reasons.get(name);
    if (list === undefined) reasons.set(name, [reason]);
    else if (!list.includes(reason)) list.push(reason);
  };
  for (const [name, reason] of ctx.protected) add(name, reason);
  if (policies.length === 0) for (const c of ordered) add(c.name, KEEP_ALL_REASON);
  for (const policy of policies) for (const [name, reason] of policy.keep(ordered, ctx)) add(name, reason);

  const keep = new Map<string, readonly string[]>();
  const remove: string[] = [];
  for (const c of ordered) {
    const why = reasons.get(c.name);
    if (why === undefined) remove.push(c.name);
    else keep.set(c.name, why);
  }
  return { keep, remove };
}
