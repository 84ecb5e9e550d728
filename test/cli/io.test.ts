import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ioModule = fileURLToPath(new URL('../../src/cli/io.ts', import.meta.url));

describe('processIO', () => {
  it('ends quietly with status 0 when stdout is closed early (ckpt ... | head)', () => {
    const script = `import { processIO } from ${JSON.stringify(ioModule)};
const io = processIO();
const line = 'x'.repeat(1023) + '\\n';
for (let i = 0; i < 20000; i++) io.stdout(line);`;
    const r = spawnSync('bash', ['-c', `npx tsx --eval "$SCRIPT" | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, SCRIPT: script },
    });
    expect(r.stdout.trim()).toBe('status=0');
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(/);
  });
});
