/**
 * Format dispatch: which format a path holds (by magic bytes, extension, directory content), the
 * errors for things that are not checkpoints, and which format an output name asks for.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatForOutput, outputExtension } from '../../src/interop/detect.js';
import { useTempDirs } from '../helpers/tmp.js';

const fixture = (rel: string) => fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe('detectFormat', () => {
  const tempDir = useTempDirs();

  it('recognises torch zip files, legacy pickle streams and safetensors by their bytes, whatever the name', async () => {
    const dir = tempDir();
    const copy = (from: string, to: string) => {
      writeFileSync(join(dir, to), readFileSync(fixture(from)));
      return join(dir, to);
    };
    expect((await detectFormat(copy('torch-1.13/sd.pt', 'weights'))).kind).toBe('pytorch');
    expect((await detectFormat(copy('torch-1.13/legacy.pt', 'old.bin'))).kind).toBe('pytorch');
    expect((await detectFormat(copy('safetensors-legacy/f.safetensors', 'model.bin'))).kind).toBe('safetensors');
    expect((await detectFormat(fixture('torch-1.13/ckpt.pt'))).kind).toBe('pytorch');
  });

  it('claims .pth/.pt by name so that a damaged one gets the reader\'s error, not "unknown file"', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.pth'), 'not a torch file at all');
    expect((await detectFormat(join(dir, 'broken.pth'))).kind).toBe('pytorch');
    writeFileSync(join(dir, 'random.bin'), 'not a torch file at all');
    expect(await codeOf(detectFormat(join(dir, 'random.bin')))).toBe('E_WRONG_KIND');
  });

  it('a directory is a checkpoint when it has manifest.json; a run, an uncommitted folder and a plain folder get their own errors', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'ck'));
    writeFileSync(join(dir, 'ck', 'manifest.json'), '{}');
    expect((await detectFormat(join(dir, 'ck'))).kind).toBe('checkpoint');
    mkdirSync(join(dir, 'run', 'checkpoints'), { recursive: true });
    expect(await codeOf(detectFormat(join(dir, 'run')))).toBe('E_WRONG_KIND');
    mkdirSync(join(dir, 'half'));
    writeFileSync(join(dir, 'half', 'state.json'), '{}');
    expect(await codeOf(detectFormat(join(dir, 'half')))).toBe('E_INCOMPLETE');
    mkdirSync(join(dir, 'plain'));
    expect(await codeOf(detectFormat(join(dir, 'plain')))).toBe('E_WRONG_KIND');
    mkdirSync(join(dir, 'tfjs'));
    writeFileSync(join(dir, 'tfjs', 'model.json'), '{}');
    expect(await codeOf(detectFormat(join(dir, 'tfjs')))).toBe('E_UNSUPPORTED');
    expect(await codeOf(detectFormat(join(dir, 'missing')))).toBe('E_NOT_FOUND');
  });
});

describe('formatForOutput', () => {
  it('picks the format by extension; no extension (or a numeric one, as in val_acc=0.97) is a checkpoint directory', () => {
    expect(formatForOutput('a/model.safetensors').kind).toBe('safetensors');
    expect(formatForOutput('model.PTH').kind).toBe('pytorch');
    expect(formatForOutput('pytorch_model.bin').kind).toBe('pytorch');
    expect(formatForOutput('model.pt').kind).toBe('pytorch');
    expect(formatForOutput('lightning/last.ckpt').kind).toBe('pytorch');
    expect(formatForOutput('out/epoch=0007-val_acc=0.9722').kind).toBe('checkpoint');
    expect(formatForOutput('imported').kind).toBe('checkpoint');
    expect(formatForOutput('imported.v2/').kind).toBe('checkpoint');
    expect(outputExtension('x.Safetensors')).toBe('.safetensors');
    expect(() => formatForOutput('notes.txt')).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }) as Error);
  });
});
