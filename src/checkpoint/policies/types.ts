/**
 * The records save and retention policies decide over. Policies are pure functions of these
 * records (and a `now` passed in): no I/O, no clock inside.
 *
 * @module
 */

/** What policies know about one step the manager was offered (saved or not). */
export interface StepRecord {
  /** Global training step (optimizer updates so far). */
  readonly step: number;
  /** Epoch number, 0-based (as Lightning). */
  readonly epoch: number;
  /** Metrics given with this step, e.g. `{ val_loss: 0.12, val_acc: 0.97 }`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Wall-clock time in milliseconds since the Unix epoch. */
  readonly time: number;
}

/** A committed checkpoint as policies see it. */
export interface CheckpointRecord extends StepRecord {
  /** Directory name under `checkpoints/`, e.g. `epoch=0007-val_acc=0.9722`. */
  readonly name: string;
}

/** Why a save is requested outside the schedule. */
export type SaveTrigger = 'interrupt' | 'exception' | 'force';

/** Everything a save policy may look at. */
export interface SaveDecisionContext {
  /** The step being considered. */
  readonly current: StepRecord;
  /** Every step offered before `current`, oldest first (saved or not): the metric history. */
  readonly history: readonly StepRecord[];
  /** Committed checkpoints, oldest first. */
  readonly checkpoints: readonly CheckpointRecord[];
  /** Set when the caller asks for a save outside the schedule. Default: none. */
  readonly trigger?: SaveTrigger;
}

/** A save policy's answer, with the reasons shown to users ("val_acc improved 0.95 -> 0.97"). */
export interface SaveDecision {
  readonly save: boolean;
  readonly reasons: readonly string[];
}

/** Decides whether a step is saved. */
export interface SavePolicy {
  /** Short description, e.g. `every 5 epochs`. */
  readonly name: string;
  decide(ctx: SaveDecisionContext): SaveDecision;
}

/** What retention may look at besides the checkpoints. */
export interface RetentionContext {
  /** Current time in milliseconds since the Unix epoch. */
  readonly now: number;
  /** Checkpoints that are never deleted, with why: `best`, `latest`, `resumed-from`. */
  readonly protected: ReadonlyMap<string, string>;
}

/** Chooses which checkpoints to keep. */
export interface RetentionPolicy {
  /** Short description, e.g. `top 3 by val_acc (max)`. */
  readonly name: string;
  /** Names this policy keeps, each with the reason shown to users. */
  keep(checkpoints: readonly CheckpointRecord[], ctx: RetentionContext): ReadonlyMap<string, string>;
}

/** The outcome of applying retention: every survivor with all its reasons, and what goes. */
export interface RetentionPlan {
  readonly keep: ReadonlyMap<string, readonly string[]>;
  readonly remove: readonly string[];
}
