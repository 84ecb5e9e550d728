/**
 * Checkpoints: the manager, and the read-only functions the CLI builds on (list, verify, load,
 * best) that work on a run directory without taking its lock.
 *
 * @example
 * ```ts
 * import { CheckpointManager, listCheckpoints, verifyRun, pruneRun, keepLastN, FsStore } from 'ckpt';
 * const ckpt = await CheckpointManager.open('runs/exp1', { monitor: 'val_loss', saveTopK: 2 });
 * await ckpt.save({ epoch: 0, step: 100, metrics: { val_loss: 0.3 }, state: { model: { w } } });
 * await ckpt.close();
 * const all = await listCheckpoints('runs/exp1');
 * const reports = await verifyRun(new FsStore('runs/exp1'));
 * await pruneRun('runs/exp1', { policies: [keepLastN(1)], monitor: 'val_loss' });
 * ```
 * @module
 */
export { CheckpointManager, type SaveRequest, type SaveResult, type RestoreSelector, type CloseOptions } from './manager.js';
export { inferMode, everyCall, type CheckpointManagerOptions, type SlidingWindowOption } from './options.js';
export { readCatalog, listCheckpoints, readManifest, deleteCheckpoint, runStore, type Catalog, type CheckpointInfo } from './catalog.js';
export { verifyCheckpoint, verifyRun, verifyPath, type VerifyReport, type VerifyProblem, type ProblemKind } from './verify.js';
export { loadCheckpoint, loadCheckpointDir, type LoadedCheckpoint } from './load.js';
export { pruneRun, protectedCheckpoints, executeRetention, type PruneOptions, type PruneResult } from './retention.js';
export { commitCheckpoint, type CheckpointContent } from './commit.js';
export { acquireRunLock, type RunLock, type LockHolder, type LockOptions } from './lock.js';
export { ensureRunInfo, readRunInfo, gitInfo, type RunInfo, type RunCheckpointing, type GitInfo, type JsonValue } from './run-info.js';
export { STEPS_DIR } from './step-history.js';
export { MANIFEST_VERSION, decodeManifest, encodeManifest, type Manifest, type ManifestFile } from './manifest.js';
export { CHECKPOINTS_DIR, MANIFEST_FILE, STATE_FILE, RUN_FILE, LOCK_FILE, TENSOR_FILES, checkpointFolder, checkpointKey } from './layout.js';
export { decodeStateFile, type StateFile, type FrameworkInfo } from './state-file.js';
export type { SignalOptions, SignalProcess, FinalState } from './signals.js';
export * from './policies/index.js';
export { renderCheckpointName, uniqueName, DEFAULT_NAME_TEMPLATE, type RenderNameOptions } from './naming.js';
