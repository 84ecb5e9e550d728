/**
 * A seeded train/validation/test split: the same seed gives the same split on every machine.
 *
 * @module
 */
import { Rng } from '../../adapters/tfjs/rng.js';
import { CkptError } from '../../errors.js';
import { subset, type Dataset, type Splits } from './dataset.js';

/** Options of {@link splitDataset}. */
export interface SplitOptions {
  /** Fraction of the examples held out for validation. Default: `0.15`. */
  valFraction?: number;
  /** Fraction held out for the final test. Default: `0.2`. */
  testFraction?: number;
  /** Seed of the shuffle that assigns examples to parts. Default: `0` (the split does not follow the training seed, so test sets stay comparable). */
  seed?: number;
}

/** Shuffles with a seeded RNG and cuts into test, validation and train parts (rounded down). */
export function splitDataset(d: Dataset, options: SplitOptions = {}): Splits {
  const valFraction = options.valFraction ?? 0.15;
  const testFraction = options.testFraction ?? 0.2;
  if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
    throw new CkptError('E_INVALID_ARGUMENT', `valFraction + testFraction must be in [0, 1), got ${valFraction} + ${testFraction}`);
  }
  const order = Rng.seeded(options.seed ?? 0).permutation(d.n);
  const nTest = Math.floor(d.n * testFraction);
  const nVal = Math.floor(d.n * valFraction);
  return {
    test: subset(d, order.subarray(0, nTest)),
    val: subset(d, order.subarray(nTest, nTest + nVal)),
    train: subset(d, order.subarray(nTest + nVal)),
  };
}
