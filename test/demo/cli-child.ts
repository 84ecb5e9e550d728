/**
 * Runs `ckpt` in a child process straight from the sources (through tsx), with the real process
 * IO and signal handling, for the interrupt tests. Usage: node --import tsx cli-child.ts ARGS...
 */
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
