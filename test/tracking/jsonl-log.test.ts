import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsLogWriter, formatMetricsLine, readMetricsLog, readMetricsLogFile, type MetricsRecord } from '../../src/tracking/jsonl-log.js';
import { useTempDirs } from '../helpers/tmp.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('line format', () => {
  it('step, epoch, time, then metrics; non-finite values as strings', () => {
    expect(formatMetricsLine({ step: 120, epoch: 2, time: 1764596237123, metrics: { loss: 0.31, val_acc: 0.97 } })).toBe(
      '{"step":120,"epoch":2,"time":1764596237123,"loss":0.31,"val_acc":0.97}\n',
    );
    expect(formatMetricsLine({ step: 1, time: 5, metrics: { a: NaN, b: Infinity, c: -Infinity } })).toBe(
      '{"step":1,"time":5,"a":"NaN","b":"Infinity","c":"-Infinity"}\n',
    );
  });

  it('rejects reserved metric names, non-integer steps and non-numbers', () => {
    expect(() => formatMetricsLine({ step: 1, time: 0, metrics: { step: 1 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => formatMetricsLine({ step: 0.5, time: 0, metrics: {} })).toThrow(/step must be an integer/);
    expect(() => formatMetricsLine({ step: 1, epoch: NaN, time: 0, metrics: {} })).toThrow(/epoch/);
    expect(() => formatMetricsLine({ step: 1, time: 0, metrics: { a: '1' as unknown as number } })).toThrow(/must be a number/);
  });

  it('round-trips any record through the reader, NaN and infinities included', () => {
    const name = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['step', 'epoch', 'time', '__proto__'].includes(k));
    const rec = fc.record(
      { step: fc.maxSafeInteger(), epoch: fc.nat(), time: fc.double({ noNaN: true, noDefaultInfinity: true }), metrics: fc.dictionary(name, fc.double()) },
      { requiredKeys: ['step', 'time', 'metrics'] },
    );
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 10 }), (records: MetricsRecord[]) => {
        const text = records.map(formatMetricsLine).join('');
        const r = readMetricsLog(enc(text));
        expect(r.problems).toEqual([]);
        expect(r.tornLastLine).toBeUndefined();
        // JSON has no -0: it reads back as 0 (documented).
        const z = (x: number): number => (x === 0 ? 0 : x);
        expect(r.records).toEqual(records.map((x) => ({ ...x, time: z(x.time), metrics: Object.fromEntries(Object.entries(x.metrics).map(([k, v]) => [k, z(v)])) })));
      }),
    );
  });
});

describe('readMetricsLog', () => {
  const lines = ['{"step":1,"time":10,"loss":1}', '{"step":2,"epoch":0,"time":20,"loss":0.5}', '{"step":3,"time":30,"loss":0.25}'];

  it('skips and reports a torn last line', () => {
    const whole = `${lines.join('\n')}\n`;
    for (let cut = lines[0]!.length + 1; cut < whole.length; cut++) {
      const text = whole.slice(0, cut);
      const r = readMetricsLog(enc(text));
      const complete = text.split('\n').length - 1;
      if (text.endsWith('\n')) {
        expect(r.records).toHaveLength(complete);
        expect(r.tornLastLine).toBeUndefined();
      } else {
        const last = text.slice(text.lastIndexOf('\n') + 1);
        let whole = false;
        try {
          whole = JSON.parse(last) !== undefined;
        } catch {
          whole = false;
        }
        expect(r.records).toHaveLength(complete + (whole ? 1 : 0));
        expect(r.tornLastLine).toEqual(whole ? undefined : { line: complete + 1, offset: text.lastIndexOf('\n') + 1, bytes: last.length });
      }
      expect(r.problems).toEqual([]);
    }
  });

  it('reports a corrupt middle line with its line number and keeps reading', () => {
    const r = readMetricsLog(enc(`${lines[0]}\n{"step":2,"ti\n\n${lines[2]}\n[1]\n{"time":1}\n`));
    expect(r.records.map((x) => x.step)).toEqual([1, 3]);
    expect(r.problems).toEqual([
      { line: 2, offset: lines[0]!.length + 1, code: 'E_BAD_RECORD', message: expect.stringMatching(/^line 2: not valid JSON/) },
      { line: 5, offset: expect.any(Number), code: 'E_BAD_RECORD', message: 'line 5: not a JSON object' },
      { line: 6, offset: expect.any(Number), code: 'E_BAD_RECORD', message: 'line 6: "step" is missing or not an integer' },
    ]);
  });

  it('bounds line length', () => {
    const long = `{"step":1,"time":1,"note":"${'x'.repeat(100)}"}`;
    const r = readMetricsLog(enc(`${long}\n${lines[1]}\n${long}`), { maxLineBytes: 50 });
    expect(r.records.map((x) => x.step)).toEqual([2]);
    expect(r.problems).toEqual([{ line: 1, offset: 0, code: 'E_LIMIT', message: expect.stringMatching(/over the limit of 50/) }]);
    expect(r.tornLastLine).toMatchObject({ line: 3 });
  });

  it('ignores non-numeric extra fields and invalid UTF-8 is a bad line', () => {
    const r = readMetricsLog(Uint8Array.from([...enc('{"step":1,"time":1,"note":"hi","a":2}\n'), 0xff, 0x0a]));
    expect(r.records).toEqual([{ step: 1, time: 1, metrics: { a: 2 } }]);
    expect(r.problems).toHaveLength(1);
  });
});

describe('MetricsLogWriter', () => {
  const tmp = useTempDirs();

  it('appends, and after flush a separate read sees every line', async () => {
    const path = join(tmp(), 'metrics.jsonl');
    const w = await MetricsLogWriter.open(path);
    w.append({ step: 1, epoch: 0, time: 1000, metrics: { loss: 2 } });
    w.append({ step: 2, epoch: 0, time: 2000, metrics: { loss: NaN } });
    expect(readFileSync(path, 'utf8')).toBe('');
    await w.flush();
    expect((await readMetricsLogFile(path)).records).toEqual([
      { step: 1, epoch: 0, time: 1000, metrics: { loss: 2 } },
      { step: 2, epoch: 0, time: 2000, metrics: { loss: NaN } },
    ]);
    await w.close();
    const again = await MetricsLogWriter.open(path);
    again.append({ step: 3, time: 3000, metrics: {} });
    await again.close();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('cuts off a torn last line when reopened, then appends cleanly', async () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"step":1,"time":1}\n{"step":2,"ti');
    const w = await MetricsLogWriter.open(path);
    expect(w.repaired).toEqual({ action: 'truncated', offset: 20, bytes: 13 });
    w.append({ step: 2, time: 2, metrics: { a: 1 } });
    await w.close();
    const r = await readMetricsLogFile(path);
    expect(r.problems).toEqual([]);
    expect(r.tornLastLine).toBeUndefined();
    expect(r.records.map((x) => x.step)).toEqual([1, 2]);
  });

  it('terminates a whole last line that lost only its newline', async () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"step":1,"time":1}');
    const w = await MetricsLogWriter.open(path);
    expect(w.repaired).toEqual({ action: 'terminated', offset: 0, bytes: 19 });
    w.append({ step: 2, time: 2, metrics: {} });
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"step":1,"time":1}\n{"step":2,"time":2}\n');
  });

  it('a file that is one torn line is emptied', async () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"st');
    const w = await MetricsLogWriter.open(path);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('a bad record throws and writes nothing', async () => {
    const path = join(tmp(), 'metrics.jsonl');
    const w = await MetricsLogWriter.open(path);
    expect(() => w.append({ step: 1, time: 1, metrics: { epoch: 3 } })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
