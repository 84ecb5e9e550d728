/**
 * Combining save policies: a step is saved when any policy says so (as Orbax's `AnySavePolicy`).
 *
 * @module
 */
import type { SaveDecision, SaveDecisionContext, SavePolicy } from './types.js';

/**
 * A policy that saves when any of `policies` does, with the reasons of every policy that said
 * yes, in the order given. Every policy is asked (so a missing monitored metric throws even when
 * another policy already said yes). With no policies it never saves.
 */
export function anyOf(...policies: readonly SavePolicy[]): SavePolicy {
  const name = policies.length === 0 ? 'never' : policies.map((p) => p.name).join(' or ');
  return {
    name,
    decide: (ctx) => {
      let save = false;
      const reasons: string[] = [];
      for (const policy of policies) {
        const decision = policy.decide(ctx);
        if (!decision.save) continue;
        save = true;
        reasons.push(...(decision.reasons.length > 0 ? decision.reasons : [policy.name]));
      }
      return { save, reasons };
    },
  };
}

/** Asks every policy about `ctx` (see {@link anyOf}): save when any says yes. */
export function decideSave(policies: readonly SavePolicy[], ctx: SaveDecisionContext): SaveDecision {
  return anyOf(...policies).decide(ctx);
}
