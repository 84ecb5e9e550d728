/**
 * A small seeded PRNG whose whole state is four 32-bit words, so it can be saved in a checkpoint
 * and resumed exactly: xoshiro128** (Blackman and Vigna), seeded through splitmix32.
 *
 * @module
 */
import { CkptError } from '../../errors.js';

/** The saved state of an {@link Rng}: four unsigned 32-bit integers, not all zero. */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A deterministic random number generator with a serialisable state. */
export class Rng {
  private s: Uint32Array;

  private constructor(state: Uint32Array) {
    this.s = state;
  }

  /** A generator seeded from an integer (the same seed gives the same stream on every platform). */
  static seeded(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new CkptError('E_INVALID_ARGUMENT', `seed must be an integer, got ${seed}`);
    const next = splitmix32(seed >>> 0 ^ Math.floor(seed / 2 ** 32));
    return new Rng(Uint32Array.of(next(), next(), next(), next()));
  }

  /** A generator continuing from a saved {@link RngState}. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || state.every((w) => w === 0)) {
      throw new CkptError('E_INVALID_ARGUMENT', `not an RNG state: ${JSON.stringify(state)}`);
    }
    return new Rng(Uint32Array.from(state));
  }

  /** The current state, to save. */
  state(): RngState {
    return [this.s[0] ?? 0, this.s[1] ?? 0, this.s[2] ?? 0, this.s[3] ?? 0];
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0] ?? 0, s1 = s[1] ?? 0, s2 = s[2] ?? 0, s3 = s[3] ?? 0;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r;
  }

  /** A uniform integer in `[0, n)` (unbiased, by rejection). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new CkptError('E_INVALID_ARGUMENT', `nextInt needs 0 < n <= 2^32, got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform float in `[0, 1)` with 32 random bits. */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** A permutation of `0..n-1` (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = p[i] ?? 0;
      p[i] = p[j] ?? 0;
      p[j] = tmp;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
