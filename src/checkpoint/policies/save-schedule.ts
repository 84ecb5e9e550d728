/**
 * Save policies on a schedule: every N epochs, every N steps, every T seconds, at listed steps or
 * epochs, and on an out-of-schedule trigger (interrupt, exception, force).
 *
 * @module
 */
import { checkInteger, checkIntegerSet, checkOneOf, checkPositive } from './validate.js';
import type { SaveDecision, SavePolicy, SaveTrigger } from './types.js';

/** The answer "do not save". */
export const NO_SAVE: SaveDecision = Object.freeze({ save: false, reasons: Object.freeze([]) as readonly string[] });

/** The answer "save", for one reason. */
export function saveBecause(reason: string): SaveDecision {
  return { save: true, reasons: [reason] };
}

/**
 * Saves at the end of every `n`-th epoch, as Lightning's `every_n_epochs`: when
 * `(epoch + 1) % n === 0` (epochs are 0-based, so `n = 5` saves epochs 4, 9, 14...).
 * Meant for one offer per epoch; offered every step, it says yes for every step of such an epoch.
 */
export function everyNEpochs(n: number): SavePolicy {
  checkInteger('everyNEpochs', 'n', n);
  return {
    name: n === 1 ? 'every epoch' : `every ${n} epochs`,
    decide: ({ current }) => ((current.epoch + 1) % n === 0 ? saveBecause(`every ${n} epochs (epoch ${current.epoch})`) : NO_SAVE),
  };
}

/**
 * Saves when `step % n === 0` and `step > 0`, as Orbax's interval policy and Lightning's
 * `every_n_train_steps` (step 0, before any update, is not saved by this policy).
 */
export function everyNSteps(n: number): SavePolicy {
  checkInteger('everyNSteps', 'n', n);
  return {
    name: n === 1 ? 'every step' : `every ${n} steps`,
    decide: ({ current }) =>
      current.step > 0 && current.step % n === 0 ? saveBecause(`every ${n} steps (step ${current.step})`) : NO_SAVE,
  };
}

/**
 * Saves when at least `seconds` have passed since the newest committed checkpoint (by time), or,
 * when there is none, since the first offered step (`history[0]`, else `current`). Times are the
 * records' `time` fields: no clock is read. After a restart the newest checkpoint comes from the
 * manifests, so a long pause makes the first step after it save.
 */
export function everyNSeconds(seconds: number): SavePolicy {
  checkPositive('everyNSeconds', 'seconds', seconds);
  const intervalMs = seconds * 1000;
  return {
    name: `every ${seconds} s`,
    decide: ({ current, history, checkpoints }) => {
      let since: number | undefined;
      for (const c of checkpoints) if (since === undefined || c.time > since) since = c.time;
      const from = since === undefined ? 'the first step' : 'the last checkpoint';
      const start = since ?? (history[0] ?? current).time;
      const elapsed = current.time - start;
      return elapsed >= intervalMs ? saveBecause(`every ${seconds} s: ${Math.round(elapsed / 1000)} s since ${from}`) : NO_SAVE;
    },
  };
}

/** Saves at exactly the listed global steps (integers >= 0), as Orbax's `SpecificStepsPolicy`. */
export function specificSteps(steps: readonly number[]): SavePolicy {
  const set = checkIntegerSet('specificSteps', 'steps', steps);
  return {
    name: `at steps ${[...set].sort((a, b) => a - b).join(', ')}`,
    decide: ({ current }) => (set.has(current.step) ? saveBecause(`step ${current.step} is listed`) : NO_SAVE),
  };
}

/** Saves at the listed epochs (0-based integers). Offered every step, it says yes for each step of them. */
export function specificEpochs(epochs: readonly number[]): SavePolicy {
  const set = checkIntegerSet('specificEpochs', 'epochs', epochs);
  return {
    name: `at epochs ${[...set].sort((a, b) => a - b).join(', ')}`,
    decide: ({ current }) => (set.has(current.epoch) ? saveBecause(`epoch ${current.epoch} is listed`) : NO_SAVE),
  };
}

/** Every trigger, the default of {@link onTrigger}. */
export const ALL_TRIGGERS: readonly SaveTrigger[] = Object.freeze(['interrupt', 'exception', 'force']);

/**
 * Saves when `ctx.trigger` is one of `triggers` (default: all of `interrupt`, `exception`, `force`),
 * whatever the step; steps offered without a trigger are left to the other policies.
 */
export function onTrigger(triggers: readonly SaveTrigger[] = ALL_TRIGGERS): SavePolicy {
  const set = new Set(triggers);
  for (const t of set) checkOneOf('onTrigger', 'each trigger', t, ALL_TRIGGERS);
  return {
    name: set.size === 0 ? 'on no trigger' : `on ${[...set].join(', ')}`,
    decide: ({ trigger }) => (trigger !== undefined && set.has(trigger) ? saveBecause(`trigger: ${trigger}`) : NO_SAVE),
  };
}
