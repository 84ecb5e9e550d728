import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCALARS_PLUGIN } from '../../src/tracking/event-proto.js';
import { EventFileWriter, eventFileName, scalarTensor } from '../../src/tracking/event-writer.js';
import { readEvents } from '../../src/tracking/event-reader.js';
import { useTempDirs } from '../helpers/tmp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/"([^"]*)"/g, (_, t: string) => Buffer.from(t).toString('hex')).replace(/[\s|]+/g, ''), 'hex');

// formats.md 3.5: tf.summary.scalar("accuracy", 0.99, step=77), preceded by the file_version record
// (from rustboard's tf_record.rs tests; CRCs re-verified).
const FILE_VERSION_RECORD = hex('18 00 00 00 00 00 00 00 | a3 7f 4b 22 | 09 00 00 80 38 99 d6 d7 41 1a 0d "brain.Event:2" | 12 4b 36 ab');
const ACCURACY_RECORD = hex(
  '32 00 00 00 00 00 00 00 | 24 19 56 ec | 09 c4 05 b7 3d 99 d6 d7 41 10 4d 2a 25 0a 23 0a 08 "accuracy" 42 0a 08 01 12 00 22 04 a4 70 7d 3f 4a 0b 0a 09 0a 07 "scalars" | a5 5b 64 33',
);
const FILE_VERSION_WALL = 1599759586.0;
const ACCURACY_WALL = 1599759606.859727;

describe('EventFileWriter', () => {
  const tmp = useTempDirs();

  it('writes the golden file_version and accuracy records byte for byte', async () => {
    const dir = tmp();
    const w = await EventFileWriter.open(dir, { now: () => FILE_VERSION_WALL * 1000, hostname: 'h' });
    w.writeEvent({
      wallTime: ACCURACY_WALL,
      step: 77,
      summary: [{ tag: 'accuracy', tensor: scalarTensor(0.99), metadata: { pluginName: SCALARS_PLUGIN } }],
    });
    await w.close();
    expect(readFileSync(w.path)).toEqual(Buffer.concat([FILE_VERSION_RECORD, ACCURACY_RECORD]));
  });

  it('writeScalar writes the golden accuracy record, and metadata on the first value of a tag only', async () => {
    const dir = tmp();
    const w = await EventFileWriter.open(dir, { now: () => FILE_VERSION_WALL * 1000 });
    w.writeScalar('accuracy', 0.99, 77, ACCURACY_WALL);
    w.writeScalar('accuracy', 0.99, 78, ACCURACY_WALL);
    await w.close();
    const bytes = readFileSync(w.path);
    expect(bytes.subarray(0, FILE_VERSION_RECORD.length + ACCURACY_RECORD.length)).toEqual(Buffer.concat([FILE_VERSION_RECORD, ACCURACY_RECORD]));
    // The second value: same Event without the metadata (and step 78).
    const second = hex('09 c4 05 b7 3d 99 d6 d7 41 10 4e 2a 18 0a 16 0a 08 "accuracy" 42 0a 08 01 12 00 22 04 a4 70 7d 3f');
    expect(bytes.subarray(bytes.length - 4 - second.length, bytes.length - 4)).toEqual(second);
    const r = readEvents(bytes);
    expect(r.problems).toEqual([]);
    expect(r.events.length).toBe(3);
    expect(r.scalars.map((s) => [s.tag, s.step, s.value])).toEqual([
      ['accuracy', 77, Math.fround(0.99)],
      ['accuracy', 78, Math.fround(0.99)],
    ]);
    expect(r.metadata.get('accuracy')).toEqual({ pluginName: 'scalars' });
  });

  it('names files as TensorBoard does and never reuses a name', async () => {
    expect(eventFileName(1599759586.9, 'box', 42, 3)).toBe('events.out.tfevents.1599759586.box.42.3');
    expect(eventFileName(5, 'a/b', 1, 0, '.v2')).toBe('events.out.tfevents.0000000005.a_b.1.0.v2');
    const dir = tmp();
    const a = await EventFileWriter.open(dir, { now: () => 1_000_000, hostname: 'h' });
    const b = await EventFileWriter.open(dir, { now: () => 1_000_000, hostname: 'h' });
    await Promise.all([a.close(), b.close()]);
    expect(a.path).not.toBe(b.path);
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toMatch(new RegExp(`^events\\.out\\.tfevents\\.0000001000\\.h\\.${process.pid}\\.\\d+$`));
  });

  it('buffers until flush, then the data is on disk', async () => {
    const dir = tmp();
    const w = await EventFileWriter.open(dir, { now: () => 1e12 });
    w.writeScalar('loss', 1.5, 1);
    expect(readFileSync(w.path).length).toBe(0);
    await w.flush();
    const r = readEvents(readFileSync(w.path));
    expect(r.fileVersion).toBe('brain.Event:2');
    expect(r.scalars).toEqual([{ tag: 'loss', step: 1, wallTime: 1e9, value: 1.5 }]);
    await w.close();
  });

  it('writes through once the buffer passes maxBufferBytes, appending whole records', async () => {
    const dir = tmp();
    const w = await EventFileWriter.open(dir, { now: () => 1e12, maxBufferBytes: 200 });
    for (let i = 0; i < 50; i++) w.writeScalar('x', i, i);
    await new Promise((r) => setTimeout(r, 50));
    const partial = readEvents(readFileSync(w.path));
    expect(partial.truncatedAt).toBeUndefined();
    expect(partial.scalars.length).toBeGreaterThan(0);
    await w.close();
    expect(readEvents(readFileSync(join(w.path))).scalars.map((s) => s.value)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses an event over maxRecordBytes with E_LIMIT and writes nothing for it', async () => {
    const w = await EventFileWriter.open(tmp(), { maxRecordBytes: 60 });
    expect(() => w.writeScalar('x'.repeat(60), 1, 1)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
    w.writeScalar('ok', 1, 1);
    await w.close();
    expect(readEvents(readFileSync(w.path)).scalars.map((s) => s.tag)).toEqual(['ok']);
  });

  it('rejects bad tags and steps and refuses writes after close', async () => {
    const w = await EventFileWriter.open(tmp());
    expect(() => w.writeScalar('', 1, 0)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => w.writeScalar('a', 1, 1.5)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await w.close();
    expect(() => w.writeScalar('a', 1, 1)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
