/**
 * Every `ckpt` subcommand, in the order `ckpt --help` lists them.
 *
 * @module
 */
import type { CommandDefinition } from '../command.js';
import { completionCommand } from './completion.js';
import { convertCommand } from './convert.js';
import { inspectCommand } from './inspect.js';

/** The registered commands. Each later command adds one import and one entry here. */
export const COMMANDS: readonly CommandDefinition[] = [
  inspectCommand,
  convertCommand,
  completionCommand,
];
