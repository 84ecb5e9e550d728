import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCkpt } from '../../helpers/cli.js';

const run = (...argv: string[]) => runCkpt(undefined, ...argv);

describe('ckpt completion', () => {
  it('prints a bash script that bash accepts and that completes every command', async () => {
    const { code, out } = await run('completion', 'bash');
    expect(code).toBe(0);
    const syntax = spawnSync('bash', ['-n'], { input: out });
    expect(syntax.status).toBe(0);
    // Ask the generated function itself what it completes after `ckpt co`.
    const probe = spawnSync('bash', ['-c', `${out}\nCOMP_WORDS=(ckpt co); COMP_CWORD=1; _ckpt_complete; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    expect(probe.stdout.trim().split(' ')).toContain('completion');
  });

  it('prints zsh and fish scripts naming the commands', async () => {
    for (const shell of ['zsh', 'fish']) {
      const { code, out } = await run('completion', shell);
      expect(code).toBe(0);
      expect(out).toContain('completion');
    }
  });

  it('rejects an unknown shell with a usage error', async () => {
    const { code, err } = await run('completion', 'powershell');
    expect(code).toBe(2);
    expect(err).toMatch(/^ckpt: error E_USAGE: unknown shell "powershell"/);
  });
});
