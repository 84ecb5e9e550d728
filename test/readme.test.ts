/**
 * The README's code example runs as written (with `from 'ckpt'` pointed at the source), so the
 * documentation cannot drift from the API.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../src/checkpoint/index.js';
import { useTempDirs } from './helpers/tmp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tempDir = useTempDirs();

function readmeExample(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (code === undefined) throw new Error(`README has no ts example under "## ${heading}"`);
  return code;
}

describe('README', () => {
  it('has exactly the two newcomer commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('```sh\nnpm install && npx ckpt demo\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
  });

  it('"In your code" runs and leaves the checkpoints it promises', async () => {
    const dir = tempDir('ckpt-readme');
    const code = readmeExample('In your code').replace(/from 'ckpt'/g, `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
    writeFileSync(join(dir, 'example.mts'), `${code}\nconsole.log(JSON.stringify({ epoch: record.epoch, note: (state as { note: string }).note }));\n`);
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['example.mts'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '')).toEqual({ epoch: 9, note: 'any JSON' });
    const kept = await listCheckpoints(join(dir, 'runs/exp1'));
    expect(kept.map((c) => c.epoch)).toEqual([7, 8, 9]); // top 3 by val_acc; the last is among them
  });
});
