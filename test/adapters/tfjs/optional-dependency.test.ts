/**
 * TF.js stays optional: nothing statically reachable from the core entry (`ckpt`) or from the CLI
 * frame imports it; only `ckpt/tfjs` and code the CLI loads with `await import()` when a TF.js
 * command runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Static imports (`import ... from`, `export ... from`, bare `import '...'`); not `import()`, not `import type` (erased). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s(?!type\s)(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

/** Every package a module pulls in statically, with the chain that reaches it. */
function reachablePackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), [...chain, file.slice(SRC.length)]);
      else if (!packages.has(spec)) packages.set(spec, [...chain, file.slice(SRC.length)]);
    }
  };
  walk(resolve(SRC, entry), []);
  return packages;
}

describe('TF.js is an optional part', () => {
  for (const entry of ['index.ts', 'cli/main.ts']) {
    it(`src/${entry} never imports @tensorflow/* statically`, () => {
      const packages = reachablePackages(entry);
      expect(packages.size).toBeGreaterThan(0);
      const tf = [...packages].filter(([p]) => p.startsWith('@tensorflow/'));
      expect(tf.map(([p, chain]) => `${p} via ${chain.join(' -> ')}`)).toEqual([]);
    });
  }

  it('src/adapters/tfjs/index.ts is where it comes in', () => {
    expect([...reachablePackages('adapters/tfjs/index.ts').keys()]).toContain('@tensorflow/tfjs');
  });
});
