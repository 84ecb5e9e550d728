/**
 * `npm install` step: builds ckpt's small native addon (native/mmap.c, memory-mapped reads) with
 * node-gyp against the local Node.js headers. ckpt works without it (reads then copy into fresh
 * memory, about 3x slower), so a machine without a C compiler gets a one-line note, not a failed install.
 * Set CKPT_SKIP_NATIVE=1 to skip the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function nodeGypScript() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const npmCli = process.env.npm_execpath;
  if (npmCli) {
    const candidate = join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(candidate)) return candidate;
  }
  const besideNode = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(besideNode) ? besideNode : undefined;
}

/** Node's own headers: npm's nodedir setting, else the include/ folder beside this node binary (no download). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function main() {
  if (process.env.CKPT_SKIP_NATIVE === '1') return console.log('ckpt: CKPT_SKIP_NATIVE=1, native addon not built');
  if (process.platform === 'win32') return console.log('ckpt: no native addon on Windows; reads copy into memory');
  const gyp = nodeGypScript();
  if (gyp === undefined) return console.log('ckpt: node-gyp not found; native addon not built, reads copy into memory');
  const dir = nodeDir();
  const args = [gyp, 'rebuild', '--release', ...(dir === undefined ? [] : [`--nodedir=${dir}`])];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0) return;
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
  console.log(`ckpt: the native addon did not build (reads will copy into memory instead):\n${tail}`);
}

main();
