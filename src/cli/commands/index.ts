/**
 * Every `ckpt` subcommand, in the order `ckpt --help` lists them.
 *
 * @module
 */
import type { CommandDefinition } from '../command.js';
import { bestCommand } from './best.js';
import { completionCommand } from './completion.js';
import { convertCommand } from './convert.js';
import { demoCommand } from './demo.js';
import { diffCommand } from './diff.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { lsCommand } from './ls.js';
import { metricsCommand } from './metrics.js';
import { pruneCommand } from './prune.js';
import { verifyCommand } from './verify.js';

/** The registered commands. Each later command adds one import and one entry here. */
export const COMMANDS: readonly CommandDefinition[] = [
  demoCommand,
  lsCommand,
  inspectCommand,
  verifyCommand,
  bestCommand,
  pruneCommand,
  diffCommand,
  convertCommand,
  metricsCommand,
  evalCommand,
  completionCommand,
];
