import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStore } from '../../src/storage/fs-store.js';
import { useTempDirs } from '../helpers/tmp.js';
import { storeConformance } from './conformance.js';

const tmp = useTempDirs();

storeConformance('FsStore', () => new FsStore(join(tmp('fs-store'), 'root')));

describe('FsStore on disk', () => {
  it('stages in a .tmp-<name>-* dir beside the target and renames it into place', async () => {
    const root = tmp('fs-store');
    const s = new FsStore(root);
    const w = await s.stage('checkpoints/epoch=1/');
    await w.put('model.safetensors', new Uint8Array([1, 2, 3]));
    const staged = readdirSync(join(root, 'checkpoints'));
    expect(staged).toHaveLength(1);
    expect(staged[0]).toMatch(/^\.tmp-epoch=1-[0-9a-f]{12}$/);
    await w.commit('manifest.json', new Uint8Array([123, 125]));
    expect(readdirSync(join(root, 'checkpoints'))).toEqual(['epoch=1']);
    expect(readdirSync(join(root, 'checkpoints', 'epoch=1')).sort()).toEqual(['manifest.json', 'model.safetensors']);
  });

  it('leaves no temp file after a put, and sweeps leftovers of crashed writers', async () => {
    const root = tmp('fs-store');
    const s = new FsStore(root);
    await s.put('run.json', new Uint8Array([1]));
    await s.putIfAbsent('ckpt.lock', new Uint8Array([2]));
    expect(readdirSync(root).sort()).toEqual(['ckpt.lock', 'run.json']);
    mkdirSync(join(root, 'checkpoints', '.tmp-epoch=2-abc'), { recursive: true });
    writeFileSync(join(root, 'checkpoints', '.tmp-epoch=2-abc', 'model.safetensors'), 'partial');
    writeFileSync(join(root, '.tmp-run.json-xyz'), 'partial');
    expect(await s.list('')).toEqual(['ckpt.lock', 'run.json']);
    expect(await s.sweep('checkpoints/')).toEqual(['checkpoints/.tmp-epoch=2-abc']);
    expect(await s.sweep('')).toEqual(['.tmp-run.json-xyz']);
    expect(readdirSync(join(root, 'checkpoints'))).toEqual([]);
  });
});
