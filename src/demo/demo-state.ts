/**
 * What a demo checkpoint holds besides the model: the training-loop position (epoch, batch, RNG
 * state) and the settings that must not change on resume.
 *
 * @module
 */
import type { TfjsState } from '../adapters/tfjs/model-checkpoint-state.js';
import { parseLoopState, type LoopState } from '../adapters/tfjs/train-loop.js';
import { CkptError } from '../errors.js';
import type { StateValue } from '../tensor/index.js';

/** Settings a resumed run must share with the run it continues. */
export type DemoSettings = {
  dataset: string;
  seed: number;
  batch_size: number;
  learning_rate: number;
};

/** A demo checkpoint's state tree: the TF.js state plus `trainer` and `demo`. */
export type DemoState = TfjsState & { trainer: LoopState; demo: DemoSettings };

/** Reads `trainer` and `demo` from a restored state, and checks `demo` against this run's settings. */
export function resumePoint(state: StateValue, settings: DemoSettings): LoopState {
  const s = state as Record<string, StateValue> | null;
  const demo = (typeof s === 'object' && s !== null ? s.demo : undefined) as Record<string, unknown> | undefined;
  if (demo === undefined || typeof demo !== 'object') throw new CkptError('E_WRONG_KIND', 'the latest checkpoint was not written by ckpt demo');
  const differ = (Object.keys(settings) as (keyof DemoSettings)[]).filter((k) => demo[k] !== settings[k]);
  if (differ.length > 0) {
    const was = differ.map((k) => `--${k.replace('_', '-')} ${String(demo[k])}`).join(' ');
    throw new CkptError('E_INVALID_ARGUMENT', `cannot resume: the run was started with ${differ.map((k) => `${k}=${String(demo[k])}`).join(', ')}, not ${differ.map((k) => `${k}=${String(settings[k])}`).join(', ')}; pass ${was}`, { details: { differ } });
  }
  return parseLoopState(s?.trainer);
}
