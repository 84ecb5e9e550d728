/**
 * Every `ckpt` subcommand, in the order `ckpt --help` lists them.
 *
 * @module
 */
import type { CommandDefinition } from '../command.js';
import { completionCommand } from './completion.js';
import { diffCommand } from './diff.js';
import { pruneCommand } from './prune.js';
import { bestCommand } from './best.js';
import { verifyCommand } from './verify.js';
import { lsCommand } from './ls.js';
import { convertCommand } from './convert.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { metricsCommand } from './metrics.js';

/** The registered commands. Each later command adds one import and one entry here. */
export const COMMANDS: readonly CommandDefinition[] = [
  demoCommand,
  inspectCommand,
  convertCommand,
  lsCommand,
  evalCommand,
  metricsCommand,
  verifyCommand,
  bestCommand,
  pruneCommand,
  diffCommand,
  completionCommand,
];
