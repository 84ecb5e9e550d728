/**
 * Reads all the event files of one run directory the way TensorBoard's Python loader does: files
 * in name order, and on every `SessionLog.START` after the first, the scalars seen so far with a
 * step at or past the START's step are dropped (they belong to an attempt that was resumed from an
 * earlier checkpoint). What the dashboard shows is then what TensorBoard shows.
 *
 * @module
 */
import { listEventFiles, readEventFile, type EventReadResult, type ReadEventsOptions, type ScalarPoint } from './event-reader.js';

/** One event file's reading, as reported by {@link readRunEvents}. */
export interface RunEventFile {
  readonly path: string;
  /** Offset of a torn last record, if any. */
  readonly truncatedAt?: number;
  /** Corrupt or unsupported records. */
  readonly problems: EventReadResult['problems'];
}

/** What {@link readRunEvents} found. */
export interface RunEvents {
  /** Surviving scalars, in file order (so, per tag, in step order for a ckpt run). */
  readonly scalars: ScalarPoint[];
  /** hparams records; later files override earlier ones. */
  readonly hparams: EventReadResult['hparams'];
  /** Every event file read, in the order read. */
  readonly files: RunEventFile[];
}

/** Reads every event file of `runDir` (not of its subdirectories). OS errors throw as `CkptError`s. */
export async function readRunEvents(runDir: string, options: ReadEventsOptions = {}): Promise<RunEvents> {
  let scalars: ScalarPoint[] = [];
  const hparams: EventReadResult['hparams'] = {};
  const files: RunEventFile[] = [];
  let seenStart = false;
  for (const path of await listEventFiles(runDir)) {
    const r = await readEventFile(path, options);
    files.push({ path, ...(r.truncatedAt !== undefined ? { truncatedAt: r.truncatedAt } : {}), problems: r.problems });
    let taken = 0;
    const take = (until: number): void => {
      for (; taken < until; taken++) {
        const s = r.scalars[taken];
        if (s !== undefined) scalars.push(s);
      }
    };
    for (const start of r.sessionStarts) {
      take(start.scalarsBefore);
      if (seenStart) scalars = scalars.filter((s) => s.step < start.step);
      seenStart = true;
    }
    take(r.scalars.length);
    Object.assign(hparams, r.hparams);
  }
  return { scalars, hparams, files };
}
