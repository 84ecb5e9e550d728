/**
 * Opt-in interrupt handling: on SIGINT or SIGTERM, let the in-flight save finish, save a final
 * checkpoint (trigger `interrupt`), close the manager and exit with 130 (SIGINT) or 143 (SIGTERM).
 * A second signal exits at once with the same code. The process is injectable for tests.
 *
 * @module
 */
import type { StateValue } from '../tensor/state-tree.js';

/** The part of `process` signal handling needs. */
export interface SignalProcess {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): void;
}

/** The final checkpoint's content, as for `save()` (without `trigger`). */
export interface FinalState {
  epoch: number;
  step: number;
  metrics?: Readonly<Record<string, number>>;
  state: StateValue;
}

/** Options of `CheckpointManager.handleSignals`. */
export interface SignalOptions {
  /** Gives the state to save on interrupt. Returning `undefined` skips the final save. Required. */
  finalState: () => FinalState | undefined | Promise<FinalState | undefined>;
  /** The process to listen on and exit. Default: the global `process`. */
  process?: SignalProcess;
}

/** What the signal handler needs from the manager. */
export interface InterruptibleManager {
  beginShutdown(reason: string): void;
  wait(): Promise<void>;
  save(request: FinalState & { trigger: 'interrupt' }): Promise<unknown>;
  close(): Promise<void>;
}

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Installs the handlers; returns a function that removes them. */
export function installSignalHandlers(manager: InterruptibleManager, options: SignalOptions, warn: (m: string) => void): () => void {
  const proc = options.process ?? process;
  let interrupted = false;
  const handlers = new Map<'SIGINT' | 'SIGTERM', () => void>();
  const remove = (): void => {
    for (const [sig, fn] of handlers) proc.removeListener(sig, fn);
  };
  const onSignal = async (sig: 'SIGINT' | 'SIGTERM'): Promise<void> => {
    const code = EXIT_CODES[sig];
    if (interrupted) {
      proc.exit(code);
      return;
    }
    interrupted = true;
    manager.beginShutdown(`shutting down after ${sig}`);
    warn(`${sig}: finishing the save in flight and saving a final checkpoint (send ${sig} again to exit at once)`);
    try {
      await manager.wait().catch((err: unknown) => warn(`the save in flight failed: ${err instanceof Error ? err.message : String(err)}`));
      const final = await options.finalState();
      if (final !== undefined) {
        await manager.save({ ...final, trigger: 'interrupt' });
      }
      await manager.close();
    } catch (err) {
      warn(`final checkpoint on ${sig} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    remove();
    proc.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const fn = (): void => void onSignal(sig);
    handlers.set(sig, fn);
    proc.on(sig, fn);
  }
  return remove;
}
