/** Builders of synthetic records for policy tests. */
import type { CheckpointRecord, SaveDecisionContext, StepRecord } from '../../../src/checkpoint/policies/types.js';

/** Time of epoch 0 in the synthetic runs: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

/** A step at `epoch`, with `stepsPerEpoch` = 100 and one minute per epoch unless given. */
export function step(epoch: number, metrics: Record<string, number> = {}, over: Partial<StepRecord> = {}): StepRecord {
  return { epoch, step: (epoch + 1) * 100, metrics, time: T0 + epoch * 60_000, ...over };
}

/** A checkpoint of `step(epoch, ...)` named `e<epoch>` unless given. */
export function ckpt(epoch: number, metrics: Record<string, number> = {}, over: Partial<CheckpointRecord> = {}): CheckpointRecord {
  return { ...step(epoch, metrics), name: `e${epoch}`, ...over };
}

/** A decision context; `history` and `checkpoints` default to empty. */
export function ctx(current: StepRecord, rest: Partial<Omit<SaveDecisionContext, 'current'>> = {}): SaveDecisionContext {
  return { current, history: [], checkpoints: [], ...rest };
}

/**
 * Runs a save policy over a sequence of offered steps as the manager would: each step sees the
 * previous ones as history and the saved ones as checkpoints. Returns the epochs saved.
 */
export function simulate(
  decide: (c: SaveDecisionContext) => { save: boolean },
  steps: readonly StepRecord[],
  previous: readonly CheckpointRecord[] = [],
): number[] {
  const history: StepRecord[] = [];
  const checkpoints: CheckpointRecord[] = [...previous];
  const saved: number[] = [];
  for (const s of steps) {
    if (decide({ current: s, history: [...history], checkpoints: [...checkpoints] }).save) {
      saved.push(s.epoch);
      checkpoints.push({ ...s, name: `e${s.epoch}-s${s.step}` });
    }
    history.push(s);
  }
  return saved;
}
