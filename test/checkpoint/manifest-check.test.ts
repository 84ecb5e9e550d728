/** The fast manifest check agrees with the zod schema: whatever it accepts, the schema accepts with the same data. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkManifestFast } from '../../src/checkpoint/manifest-check.js';
import { decodeManifest, manifestSchema } from '../../src/checkpoint/manifest.js';

const metricValue = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity'));
const fileName = fc.oneof(fc.constantFrom('model.safetensors', 'state.json', 'optimizer.safetensors', '.hidden', '../x', '__proto__', 'a b'), fc.string({ maxLength: 12 }));
const validish = fc.record(
  {
    format: fc.constant('ckpt.checkpoint'),
    version: fc.constant(1),
    name: fc.string({ maxLength: 20 }),
    created: fc.constant('2026-01-01T00:00:00.000Z'),
    time: fc.double({ noNaN: true, noDefaultInfinity: true }),
    epoch: fc.nat(),
    step: fc.nat(),
    metrics: fc.dictionary(fc.string({ maxLength: 8 }), metricValue, { maxKeys: 4 }),
    trigger: fc.constantFrom('interrupt', 'exception', 'force'),
    reasons: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    files: fc.dictionary(fileName, fc.record({ size: fc.nat(), crc32c: fc.constantFrom('0a1b2c3d', 'ABCDEF01', '1234567') }), { maxKeys: 3 }),
  },
  { requiredKeys: ['format', 'version', 'name', 'created', 'time', 'epoch', 'step', 'metrics', 'reasons', 'files'] },
);
/** A manifest-like value with one field replaced by any JSON value, removed, or an extra key added. */
const mutated = fc.tuple(validish, fc.constantFrom('format', 'version', 'name', 'created', 'time', 'epoch', 'step', 'metrics', 'trigger', 'reasons', 'files', 'extra'), fc.option(fc.jsonValue(), { nil: undefined }))
  .map(([m, key, v]) => {
    const out: Record<string, unknown> = { ...m };
    if (v === undefined) delete out[key];
    else out[key] = v;
    return out;
  });

describe('checkManifestFast', () => {
  it('accepts only what the schema accepts, with the same data (through a JSON round trip, as read from disk)', () => {
    fc.assert(
      fc.property(fc.oneof(validish, mutated), (value) => {
        const raw = JSON.parse(JSON.stringify(value)) as unknown;
        const fast = checkManifestFast(raw);
        const schema = manifestSchema.safeParse(raw);
        if (fast !== undefined) {
          expect(schema.success).toBe(true);
          expect(fast).toEqual(schema.data);
        } else if (schema.success) {
          // declining is allowed only for the forms the fast path leaves to the schema
          expect(JSON.stringify(raw)).toMatch(/"extra"|__proto__/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeManifest gives the same manifest and the same errors either way', () => {
    const m = { format: 'ckpt.checkpoint', version: 1, name: 'a', created: 'c', time: 1, epoch: 2, step: 3, metrics: { x: 'NaN', y: 0.5 }, reasons: ['r'], files: { 'model.safetensors': { size: 4, crc32c: '0a1b2c3d' } } };
    const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
    expect(decodeManifest(enc(m), 'x')).toEqual(decodeManifest(enc({ ...m, extra: 1 }), 'x'));
    expect(decodeManifest(enc(m), 'x').metrics.x).toBeNaN();
    expect(() => decodeManifest(enc({ ...m, epoch: -1 }), 'm')).toThrow(/m is not a valid ckpt manifest at epoch/);
    // a file named __proto__ (a plain key in JSON) never becomes a prototype
    const proto = new TextEncoder().encode(JSON.stringify(m).replace('"model.safetensors"', '"__proto__"'));
    expect(checkManifestFast(JSON.parse(new TextDecoder().decode(proto)))).toBeUndefined();
    let files: object | undefined;
    try {
      files = decodeManifest(proto, 'm').files;
    } catch (err) {
      expect(err).toMatchObject({ code: 'E_INCOMPLETE' });
    }
    if (files !== undefined) expect(Object.getPrototypeOf(files)).toBe(Object.prototype);
  });
});
