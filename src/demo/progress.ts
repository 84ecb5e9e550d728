/**
 * Training progress for people: on a terminal, one cli-progress bar per epoch (batches, loss,
 * validation metrics, ETA of the epoch and of the run); elsewhere, one plain line per epoch.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';

/** Receives training progress. */
export interface Progress {
  /** An epoch starts (0-based `epoch`), at batch `startBatch` of `batches` (non-zero after a mid-epoch resume). */
  startEpoch(epoch: number, startBatch: number, batches: number): void;
  /** A batch finished. */
  batch(done: number, loss: number): void;
  /** The epoch finished; `summary` is its one-line result (loss, validation metrics, checkpoint). */
  endEpoch(summary: string): void;
  /** Removes anything still drawn. */
  stop(): void;
}

/** Formats seconds as `42s` or `3m05s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

/** Plain lines, one per finished epoch, through `write` (stdout, or stderr under `--json`). */
export function lineProgress(epochs: number, write: (line: string) => void): Progress {
  let started = 0;
  let current = 0;
  return {
    startEpoch(epoch) {
      current = epoch;
      started = performance.now();
    },
    batch() {},
    endEpoch(summary) {
      write(`epoch ${current + 1}/${epochs}  ${summary}  (${formatSeconds((performance.now() - started) / 1000)})`);
    },
    stop() {},
  };
}

/** A cli-progress bar per epoch on `stream` (a TTY), with the run's ETA from the average step time. */
export function barProgress(epochs: number, totalSteps: number, stepsDone: number, stream: NodeJS.WritableStream): Progress {
  let bar: SingleBar | undefined;
  let epochLabel = '';
  const runStart = performance.now();
  const firstStep = stepsDone;
  let steps = stepsDone;
  let lossSum = 0;
  let lossCount = 0;
  const runEta = (): string => {
    const done = steps - firstStep;
    if (done === 0) return '?';
    return formatSeconds(((performance.now() - runStart) / 1000 / done) * (totalSteps - steps));
  };
  return {
    startEpoch(epoch, startBatch, batches) {
      epochLabel = `epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}`;
      lossSum = 0;
      lossCount = 0;
      bar = new SingleBar({
        stream,
        format: `${epochLabel} {bar} {value}/{total} | loss {loss} | {summary}ETA {eta}s, run {runEta}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
      });
      bar.start(batches, startBatch, { loss: '-', summary: '', runEta: '?' });
    },
    batch(done, loss) {
      steps += 1;
      lossSum += loss;
      lossCount += 1;
      bar?.update(done, { loss: (lossSum / lossCount).toFixed(4), runEta: runEta() });
    },
    endEpoch(summary) {
      bar?.stop();
      bar = undefined;
      stream.write(`${epochLabel}  ${summary}\n`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
