/**
 * Tracking: the run's metrics as `metrics.jsonl` and as TensorBoard event files (scalars and
 * hparams), with readers for both. {@link RunLog} is the entry point for training code.
 *
 * @module
 */
export * from './run-log.js';
export * from './jsonl-log.js';
export * from './event-writer.js';
export * from './event-reader.js';
export * from './run-reader.js';
export * from './event-proto.js';
export * from './hparams-proto.js';
export { maskCrc, unmaskCrc, maskedCrc32c, encodeRecord, scanRecords, DEFAULT_MAX_RECORD_BYTES } from './tfrecord.js';
export type { FramedRecord, ScanStop, ScanResult, ScanOptions } from './tfrecord.js';
