import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/util/crc32c.js';
import { encodeRecord, maskCrc, maskedCrc32c, scanRecords, unmaskCrc } from '../../src/tracking/tfrecord.js';

/** XORs one byte (test corruption). */
const flip = (b: Uint8Array, i: number, mask: number): void => {
  b[i] = (b[i] ?? 0) ^ mask;
};

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('CRC vectors (formats.md 3.1)', () => {
  it('crc32c check value and 32 zero bytes', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it('masked crc32c of 1a 11 "CRC test, one two"', () => {
    const data = new Uint8Array([0x1a, 0x11, ...ascii('CRC test, one two')]);
    expect(maskedCrc32c(data)).toBe(0x5794d08a);
  });

  it('mask formula and its inverse', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (c) => unmaskCrc(maskCrc(c)) === c));
  });

  it('header of a 24-byte record', () => {
    expect(encodeRecord(new Uint8Array(24)).subarray(0, 12)).toEqual(hex('18 00 00 00 00 00 00 00 a3 7f 4b 22'));
  });
});

describe('encodeRecord / scanRecords', () => {
  it('round-trips any sequence of payloads', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (payloads) => {
        const file = Buffer.concat(payloads.map((p) => encodeRecord(p)));
        const { records, stop } = scanRecords(file);
        expect(stop).toBeUndefined();
        expect(records.map((r) => Buffer.from(r.data))).toEqual(payloads.map((p) => Buffer.from(p)));
      }),
    );
  });

  it('reports a short header and a short body as truncated, with the record offset', () => {
    const rec = encodeRecord(ascii('hello'));
    const file = Buffer.concat([rec, rec]);
    for (let cut = rec.length + 1; cut < file.length; cut++) {
      const r = scanRecords(file.subarray(0, cut));
      expect(r.records).toHaveLength(1);
      expect(r.stop).toMatchObject({ kind: 'truncated', offset: rec.length, code: 'E_BAD_RECORD' });
    }
  });

  it('stops at a bad length CRC, a bad data CRC, and an over-limit length', () => {
    const rec = encodeRecord(ascii('payload'));
    const badLen = Uint8Array.from(rec);
    flip(badLen, 8, 1);
    expect(scanRecords(Buffer.concat([rec, badLen, rec])).stop).toMatchObject({ kind: 'corrupt', offset: rec.length, message: expect.stringContaining('length CRC') });
    const badData = Uint8Array.from(rec);
    flip(badData, 14, 0x80);
    const r = scanRecords(Buffer.concat([rec, badData, rec]));
    expect(r.records).toHaveLength(1);
    expect(r.stop).toMatchObject({ kind: 'corrupt', code: 'E_BAD_RECORD', message: expect.stringContaining('data CRC') });
    expect(scanRecords(rec, { maxRecordBytes: 6 }).stop).toMatchObject({ kind: 'corrupt', code: 'E_LIMIT', offset: 0 });
    expect(() => encodeRecord(new Uint8Array(7), 6)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
  });

  it('rejects a huge length without allocating (valid length CRC, 2^63 bytes)', () => {
    const head = new Uint8Array(12);
    new DataView(head.buffer).setBigUint64(0, 1n << 63n, true);
    new DataView(head.buffer).setUint32(8, maskedCrc32c(head.subarray(0, 8)), true);
    expect(scanRecords(head).stop).toMatchObject({ code: 'E_LIMIT', offset: 0 });
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = scanRecords(bytes);
        expect(r.records.length === 0 || r.records[0]?.offset === 0).toBe(true);
      }),
    );
  });
});
