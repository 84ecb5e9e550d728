/**
 * Interop: one state tree across the three forms a checkpoint takes (a `.safetensors` file, a
 * `.pth` file, a checkpoint directory), with format detection and atomic conversion. This layer
 * sits above `checkpoint/` (it reads and commits checkpoint directories) and below the CLI; the
 * pure file formats stay in `formats/`.
 *
 * @module
 */
export { convertCheckpoint, type ConvertOptions, type ConvertResult } from './convert.js';
export { detectFormat, formatForOutput, FORMATS, type CheckpointFormat, type CheckpointSummary, type StateSource } from './detect.js';
