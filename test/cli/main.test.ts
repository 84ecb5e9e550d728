import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';

describe('ckpt command-line frame', () => {
  it('prints help and exits 0 with no arguments', async () => {
    const io = captureIO();
    expect(await runCli([], io)).toBe(0);
    expect(io.out()).toContain('Usage: ckpt');
  });

  it('prints the version', async () => {
    const io = captureIO();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command, with a suggestion-free one-line error on stderr', async () => {
    const io = captureIO();
    expect(await runCli(['no-such-command'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command 'no-such-command'|too many arguments/);
    expect(io.err()).not.toContain('    at ');
  });
});
