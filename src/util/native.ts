/**
 * Loading ckpt's optional native addon (`native/`, built by `npm install` when a C compiler is
 * present): memory maps (`util/mmap`), parallel copies (`util/parallel-copy`) and exact regression
 * sums (`metrics/regression-sums`). Everything it does has a plain JavaScript fallback;
 * `CKPT_NO_NATIVE=1` (or the older `CKPT_NO_MMAP=1`) turns it off.
 *
 * @module
 */
import { createRequire } from 'node:module';

/** The addon's functions. */
export interface NativeAddon {
  map(fd: number, offset: number, length: number): ArrayBuffer;
  damaged(buffer: ArrayBuffer): boolean;
  copy(pairs: readonly (readonly [Uint8Array, Uint8Array])[], threads: number): void;
  /**
   * Exact regression sums of one batch (native/regression-sums.c): `[nonFinite, maxAbs, units_0,
   * special_0, ..., units_6, special_6]`. `kernel` is `'auto'` (default), `'avx512'`, `'avx2'` or
   * `'base'`; one this CPU cannot run throws.
   */
  regressionSums(yTrue: Float64Array, yPred: Float64Array, mask: number, threads: number, kernel?: string): RegressionSumsResult;
  readonly pageSize: number;
}

/** What {@link NativeAddon.regressionSums} returns. */
export type RegressionSumsResult = [nonFinite: boolean, maxAbs: number, ...unitsAndSpecials: (bigint | number)[]];

let addon: NativeAddon | null | undefined;
let loadError: string | undefined;

/** The addon, or `undefined` when it was not built, fails to load, or is turned off. */
export function nativeAddon(): NativeAddon | undefined {
  if (addon === undefined) {
    if (process.env.CKPT_NO_NATIVE === '1' || process.env.CKPT_NO_MMAP === '1') {
      addon = null;
      loadError = `disabled by ${process.env.CKPT_NO_NATIVE === '1' ? 'CKPT_NO_NATIVE' : 'CKPT_NO_MMAP'}=1`;
    } else {
      try {
        // Same relative path from src/util (tsx, tests) and dist/util (the package).
        addon = createRequire(import.meta.url)('../../build/Release/ckpt_native.node') as NativeAddon;
      } catch (err) {
        addon = null;
        loadError = err instanceof Error ? err.message.split('\n')[0] : String(err);
      }
    }
  }
  return addon ?? undefined;
}

/** Whether the addon is available here; `reason` says why not. */
export function nativeSupport(): { available: boolean; reason?: string } {
  return nativeAddon() !== undefined ? { available: true } : { available: false, reason: loadError ?? 'unknown' };
}
