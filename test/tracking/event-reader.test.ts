import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TfDataType, encodeEvent, type EventMessage, type SummaryValue } from '../../src/tracking/event-proto.js';
import { listEventFiles, readEventFile, readEvents } from '../../src/tracking/event-reader.js';
import { EventFileWriter } from '../../src/tracking/event-writer.js';
import { encodeHParamsPluginData } from '../../src/tracking/hparams-proto.js';
import { encodeRecord } from '../../src/tracking/tfrecord.js';
import { useTempDirs } from '../helpers/tmp.js';

/** XORs one byte (test corruption). */
const flip = (b: Uint8Array, i: number, mask: number): void => {
  b[i] = (b[i] ?? 0) ^ mask;
};

const FIXTURES = join(import.meta.dirname, '../fixtures/tensorboard');
const file = (...events: EventMessage[]): Buffer => Buffer.concat(events.map((e) => encodeRecord(encodeEvent(e))));
const VERSION: EventMessage = { wallTime: 1, step: 0, fileVersion: 'brain.Event:2' };
const scalarEvent = (step: number, v: SummaryValue): EventMessage => ({ wallTime: 2, step, summary: [v] });
const SCALARS = { pluginName: 'scalars' };

describe('fixtures written by TensorFlow', () => {
  it('end_2_end.tfevents: 25 records, 24 TF1 simple_value scalars at step 0', async () => {
    const r = await readEventFile(join(FIXTURES, 'end_2_end.tfevents'));
    expect(r.problems).toEqual([]);
    expect(r.truncatedAt).toBeUndefined();
    expect(r.endOffset).toBe(1242);
    expect(r.events).toHaveLength(25);
    expect(r.fileVersion).toBe('brain.Event:2');
    expect(r.scalars).toHaveLength(24);
    expect(r.scalars.every((s) => s.step === 0 && s.value === 0)).toBe(true);
    expect(r.scalars.slice(0, 9).map((s) => s.tag)).toEqual([
      'train_begin', 'model_fn_begin', 'setup_infeed_begin', 'setup_infeed_end', 'model_fn_end',
      'init_system_begin', 'init_system_end', 'train_end', 'eval_begin',
    ]);
    expect(r.scalars.at(-1)).toEqual({ tag: 'predict_end', step: 0, wallTime: 1551753636.846852, value: 0 });
    expect(r.metadata.size).toBe(0);
  });

  it('events.out.tfevents.1476472058.localhost: graph, meta graph and two loss scalars', async () => {
    const r = await readEventFile(join(FIXTURES, 'events.out.tfevents.1476472058.localhost'));
    expect(r.problems).toEqual([]);
    expect(r.events.map((e) => e.otherKind?.kind ?? (e.fileVersion !== undefined ? 'file_version' : 'summary'))).toEqual([
      'file_version', 'graph_def', 'meta_graph_def', 'summary', 'summary',
    ]);
    expect(r.scalars.map((s) => [s.tag, s.step, s.value])).toEqual([
      ['loss', 1000, Math.fround(0.0016982432)],
      ['loss', 3000, Math.fround(0.00056751358)],
    ]);
  });

  it('a fixture cut at every byte offset: every complete record, the rest reported as truncated', () => {
    const bytes = readFileSync(join(FIXTURES, 'end_2_end.tfevents'));
    const whole = readEvents(bytes);
    const ends = whole.events.map((_e, i) => whole.events[i + 1]?.offset ?? bytes.length);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = readEvents(bytes.subarray(0, cut));
      const complete = ends.filter((end) => end <= cut).length;
      expect(r.events).toHaveLength(complete);
      expect(r.problems).toEqual([]);
      const boundary = cut === 0 || ends.includes(cut);
      expect(r.truncatedAt).toBe(boundary ? undefined : (whole.events[complete]?.offset ?? -1));
      expect(r.endOffset).toBe(boundary ? cut : whole.events[complete]?.offset);
    }
  });
});

describe('scalar forms', () => {
  const f64 = (x: number): Uint8Array => new Uint8Array(new Float64Array([x]).buffer);
  const cases: [string, SummaryValue, number][] = [
    ['TF1 simple_value', { tag: 't', simpleValue: 0.5 }, 0.5],
    ['TF2 f32 tensor_content', { tag: 't', metadata: SCALARS, tensor: { dtype: TfDataType.DT_FLOAT, shape: [], content: new Uint8Array([0, 0, 0x20, 0x40]) } }, 2.5],
    ['TF2 f64 tensor_content', { tag: 't', metadata: SCALARS, tensor: { dtype: TfDataType.DT_DOUBLE, shape: [], content: f64(0.1) } }, 0.1],
    ['PyTorch new_style float_val', { tag: 't', metadata: SCALARS, tensor: { dtype: TfDataType.DT_FLOAT, shape: [], floatVal: [0.25] } }, 0.25],
    ['PyTorch double_precision double_val', { tag: 't', metadata: SCALARS, tensor: { dtype: TfDataType.DT_DOUBLE, shape: [], doubleVal: [0.1] } }, 0.1],
    ['data_class SCALAR without plugin name', { tag: 't', metadata: { pluginName: '', dataClass: 1 }, tensor: { dtype: 1, shape: [], floatVal: [3] } }, 3],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    const r = readEvents(file(VERSION, scalarEvent(5, value)));
    expect(r.problems).toEqual([]);
    expect(r.scalars).toEqual([{ tag: 't', step: 5, wallTime: 2, value: expected }]);
  });

  it('remembers metadata from the first value of a tag', () => {
    const r = readEvents(
      file(
        VERSION,
        scalarEvent(1, { tag: 'a', metadata: SCALARS, tensor: { dtype: 1, shape: [], floatVal: [1] } }),
        scalarEvent(2, { tag: 'a', tensor: { dtype: 1, shape: [], floatVal: [2] } }),
        scalarEvent(3, { tag: 'b', tensor: { dtype: 1, shape: [], floatVal: [3] } }), // no metadata ever: not a scalar
      ),
    );
    expect(r.scalars.map((s) => [s.tag, s.value])).toEqual([['a', 1], ['a', 2]]);
    expect([...r.metadata.keys()]).toEqual(['a']);
  });

  it('reports scalar tensors it cannot read, and keeps going', () => {
    const r = readEvents(
      file(
        VERSION,
        scalarEvent(1, { tag: 'i', metadata: SCALARS, tensor: { dtype: TfDataType.DT_INT32, shape: [], content: new Uint8Array(4) } }),
        scalarEvent(2, { tag: 'v', metadata: SCALARS, tensor: { dtype: 1, shape: [2], floatVal: [1, 2] } }),
        scalarEvent(3, { tag: 'e', metadata: SCALARS, tensor: { dtype: 1, shape: [], content: new Uint8Array(3) } }),
        scalarEvent(4, { tag: 'ok', simpleValue: 1 }),
      ),
    );
    expect(r.problems.map((p) => p.code)).toEqual(['E_UNSUPPORTED', 'E_UNSUPPORTED', 'E_UNSUPPORTED']);
    expect(r.problems[1]?.message).toMatch(/"v" at step 2: a scalar tensor of shape \[2\]/);
    expect(r.scalars.map((s) => s.tag)).toEqual(['ok']);
  });
});

describe('damaged files', () => {
  const events = [VERSION, ...[1, 2, 3, 4].map((s) => scalarEvent(s, { tag: 'x', simpleValue: s }))];
  const records = events.map((e) => encodeRecord(encodeEvent(e)));
  const offsetOf = (i: number): number => records.slice(0, i).reduce((n, r) => n + r.length, 0);

  it('stops at a data CRC mismatch in the middle and reports it (records after it are not read)', () => {
    const bytes = Buffer.concat(records);
    flip(bytes, offsetOf(2) + 14, 0xff);
    const r = readEvents(bytes);
    expect(r.scalars.map((s) => s.step)).toEqual([1]);
    expect(r.truncatedAt).toBeUndefined();
    expect(r.endOffset).toBe(offsetOf(2));
    expect(r.problems).toEqual([{ offset: offsetOf(2), code: 'E_BAD_RECORD', message: expect.stringMatching(/data CRC mismatch; stopped reading here/) }]);
  });

  it('stops at a length CRC mismatch', () => {
    const bytes = Buffer.concat(records);
    flip(bytes, offsetOf(3) + 9, 0x01);
    const r = readEvents(bytes);
    expect(r.scalars.map((s) => s.step)).toEqual([1, 2]);
    expect(r.problems[0]).toMatchObject({ offset: offsetOf(3), message: expect.stringMatching(/length CRC/) });
  });

  it('reports an over-long record with E_LIMIT', () => {
    const r = readEvents(Buffer.concat(records), { maxRecordBytes: 10 });
    expect(r.events).toHaveLength(0);
    expect(r.problems[0]).toMatchObject({ offset: 0, code: 'E_LIMIT' });
  });

  it('skips a record with valid CRCs but an undecodable Event, and reads on', () => {
    const garbage = encodeRecord(Uint8Array.from([0x0b, 0x0c]));
    const r = readEvents(Buffer.concat([...records.slice(0, 1), garbage, ...records.slice(1)]));
    expect(r.scalars.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(r.problems).toEqual([{ offset: records[0]?.length, code: 'E_BAD_RECORD', message: expect.stringMatching(/wire type 3/) }]);
  });

  it('never throws on random bytes, nor on valid framing around random payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 5 }), (raw, payloads) => {
        const a = readEvents(raw);
        expect(a.endOffset).toBeLessThanOrEqual(raw.length);
        const b = readEvents(Buffer.concat(payloads.map((p) => encodeRecord(p))));
        expect(b.events.length + b.problems.length).toBeGreaterThanOrEqual(payloads.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mutated events (fuzz)', () => {
  const seeds: EventMessage[] = [
    VERSION,
    scalarEvent(7, { tag: 'acc', metadata: { pluginName: 'scalars', dataClass: 1 }, tensor: { dtype: 1, shape: [], content: new Uint8Array([1, 2, 3, 4]) } }),
    scalarEvent(8, { tag: 'd', metadata: SCALARS, tensor: { dtype: 2, shape: [1], doubleVal: [0.5] } }),
    { wallTime: 3, step: 9, sessionLog: { status: 1, checkpointPath: 'p', msg: 'm' }, sourceWriter: 'w' },
  ];
  const hparamsSeed = encodeEvent({
    wallTime: 1,
    step: 0,
    summary: [
      {
        tag: '_hparams_/session_start_info',
        tensor: { dtype: 1, shape: [0] },
        metadata: { pluginName: 'hparams', pluginContent: encodeHParamsPluginData({ sessionStartInfo: { hparams: { lr: 0.5, o: 'a', b: true }, startTimeSecs: 2 } }) },
      },
    ],
  });
  const payloads = [...seeds.map(encodeEvent), hparamsSeed];

  it('flipped, cut or inserted bytes inside valid framing: problems reported, nothing thrown', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: payloads.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (which, flips, cut) => {
          const p = Uint8Array.from(payloads[which] ?? []);
          for (const [at, mask] of flips) flip(p, at % p.length, mask);
          const mutated = p.subarray(0, cut % (p.length + 1) || p.length);
          const r = readEvents(Buffer.concat([encodeRecord(encodeEvent(VERSION)), encodeRecord(mutated), encodeRecord(encodeEvent(VERSION))]));
          expect(r.events.length).toBeGreaterThanOrEqual(2);
          for (const q of r.problems) expect(['E_BAD_RECORD', 'E_UNSUPPORTED', 'E_LIMIT']).toContain(q.code);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('writer -> reader round trip', () => {
  const tmp = useTempDirs();

  it('random tags, steps and values come back (values as float32)', async () => {
    const tag = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    const point = fc.record({ tag, step: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), value: fc.double(), wall: fc.double({ min: 0, max: 4e9, noNaN: true }) });
    await fc.assert(
      fc.asyncProperty(fc.array(point, { maxLength: 30 }), async (points) => {
        const w = await EventFileWriter.open(tmp(), { now: () => 1_700_000_000_000 });
        for (const p of points) w.writeScalar(p.tag, p.value, p.step, p.wall);
        await w.close();
        const r = await readEventFile(w.path);
        expect(r.problems).toEqual([]);
        expect(r.truncatedAt).toBeUndefined();
        expect(r.scalars).toEqual(points.map((p) => ({ tag: p.tag, step: p.step, wallTime: p.wall, value: Math.fround(p.value) })));
        for (const t of new Set(points.map((p) => p.tag))) expect(r.metadata.get(t)).toEqual({ pluginName: 'scalars' });
      }),
      { numRuns: 40 },
    );
  });

  it('hparams records decode to what was written', async () => {
    const w = await EventFileWriter.open(tmp(), { now: () => 1_700_000_000_000 });
    w.writeHParams({ sessionStartInfo: { hparams: { lr: 0.001, opt: 'adam', nesterov: false }, startTimeSecs: 1_700_000_000 } });
    w.writeHParams({ experiment: { timeCreatedSecs: 1, hparams: [{ name: 'lr', type: 'float64' }], metrics: [{ tag: 'val_acc' }, { tag: 'l', group: 'eval' }] } });
    w.writeHParams({ sessionEndInfo: { status: 'success', endTimeSecs: 1_700_000_100 } }, 9);
    await w.close();
    const r = await readEventFile(w.path);
    expect(r.problems).toEqual([]);
    expect(r.scalars).toEqual([]);
    expect(r.hparams).toEqual({
      sessionStartInfo: { hparams: { lr: 0.001, nesterov: false, opt: 'adam' }, startTimeSecs: 1_700_000_000 },
      experiment: { timeCreatedSecs: 1, hparams: [{ name: 'lr', type: 'float64' }], metrics: [{ tag: 'val_acc' }, { tag: 'l', group: 'eval' }] },
      sessionEndInfo: { status: 'success', endTimeSecs: 1_700_000_100 },
    });
    const tensor = r.events[1]?.summary?.[0]?.tensor;
    expect(tensor).toEqual({ dtype: TfDataType.DT_FLOAT, shape: [0] });
    expect(r.metadata.get('_hparams_/session_start_info')?.pluginName).toBe('hparams');
  });

  it('lists event files by name, as TensorBoard reads them', async () => {
    const dir = tmp();
    for (const n of ['events.out.tfevents.0000000002.h.1.0', 'metrics.jsonl', 'events.out.tfevents.0000000001.h.1.0', 'x.tfevents.y']) writeFileSync(join(dir, n), '');
    expect((await listEventFiles(dir)).map((p) => p.slice(dir.length + 1))).toEqual([
      'events.out.tfevents.0000000001.h.1.0',
      'events.out.tfevents.0000000002.h.1.0',
      'x.tfevents.y',
    ]);
  });

  it('readEventFile: a missing file is E_NOT_FOUND, a too-large one E_LIMIT', async () => {
    const dir = tmp();
    await expect(readEventFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    writeFileSync(join(dir, 'big'), new Uint8Array(100));
    await expect(readEventFile(join(dir, 'big'), { maxFileBytes: 99 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});
