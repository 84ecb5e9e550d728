/**
 * What both file layouts (zip archive, legacy stream) produce before tensors are built: the
 * unpickled root and a way to read each storage's bytes.
 *
 * @module
 */
import type { PyValue, StorageRef } from './pickle/values.js';

/** An unpickled torch file whose storages are not read yet. */
export interface LoadedPickle {
  /** `'zip'` (torch >= 1.6) or `'legacy'` (the pre-1.6 stream format). */
  format: 'zip' | 'legacy';
  /** The archive's top-level folder (zip only). */
  archiveName: string | null;
  /** Byte order of the storages. */
  byteorder: 'little' | 'big';
  /** The `version` record (zip) or the legacy protocol version. */
  version: number;
  /** The unpickled object. */
  root: PyValue;
  /** Every storage the pickle referred to, by key. */
  storages: ReadonlyMap<string, StorageRef>;
  /**
   * Reads one storage's bytes (of `ref.byteLength`), checked; into `into` when given and
   * {@link canReadInto} said yes.
   */
  readStorage(ref: StorageRef, into?: Uint8Array): Promise<Uint8Array>;
  /** Whether `readStorage(ref, into)` fills `into` (a stored record in a file), so storages can share one allocation. */
  canReadInto?(ref: StorageRef): boolean;
}
