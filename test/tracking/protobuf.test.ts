import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWriter, WireType, decodePackedFixed } from '../../src/tracking/protobuf.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints, negatives as 10 bytes, fixed and length-delimited fields', () => {
    expect(hex(new ProtoWriter().varint(2, 77).finish())).toBe('104d');
    expect(hex(new ProtoWriter().varint(1, 300).finish())).toBe('08ac02');
    expect(hex(new ProtoWriter().varint(2, -1).finish())).toBe('10ffffffffffffffffff01');
    expect(hex(new ProtoWriter().float(2, 0.5).finish())).toBe('150000003f');
    expect(hex(new ProtoWriter().double(1, 1).finish())).toBe('09000000000000f03f');
    expect(hex(new ProtoWriter().string(1, 'loss').finish())).toBe('0a046c6f7373');
    expect(hex(new ProtoWriter().message(5, (w) => w.string(1, 'a')).finish())).toBe('2a030a0161');
    expect(hex(new ProtoWriter().varint(300, 1).finish())).toBe('e01201');
  });
});

describe('ProtoWriter varints', () => {
  it('number and bigint values encode the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x1fffffff }), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (field, n) => {
        expect(hex(new ProtoWriter().varint(field, n).finish())).toBe(hex(new ProtoWriter().varint(field, BigInt(n)).finish()));
        const f = new ProtoReader(new ProtoWriter().varint(field, n).finish(), 'T').next();
        expect(f && ProtoReader.int64(f)).toBe(BigInt(n));
      }),
    );
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });
});

describe('ProtoReader', () => {
  it('reads back what the writer wrote, including unknown fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x1fffffff }),
        fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
        fc.double(),
        fc.uint8Array({ maxLength: 50 }),
        (field, i, d, bytes) => {
          const msg = new ProtoWriter().varint(field, i).double(field, d).bytes(field, bytes).finish();
          const r = new ProtoReader(msg, 'test');
          const a = r.next();
          const b = r.next();
          const c = r.next();
          expect(r.next()).toBeUndefined();
          expect(a && ProtoReader.int64(a)).toBe(i);
          expect(b && ProtoReader.double(b)).toBe(d);
          expect(c && Buffer.from(ProtoReader.bytes(c) ?? [])).toEqual(Buffer.from(bytes));
          expect([a?.field, b?.field, c?.field]).toEqual([field, field, field]);
        },
      ),
    );
  });

  const bad = (hexBytes: string, reason: RegExp): void => {
    const r = new ProtoReader(Uint8Array.from(Buffer.from(hexBytes, 'hex')), 'T');
    expect(() => {
      while (r.next() !== undefined);
    }).toThrow(expect.objectContaining({ code: 'E_BAD_RECORD', message: expect.stringMatching(reason) }));
  };

  it('rejects malformed input with E_BAD_RECORD', () => {
    bad('08', /varint runs past the end/);
    bad('08ffffffffffffffffffff01', /longer than 10 bytes/);
    bad('0a05616263', /length 5 past the end/);
    bad('0affffffffffffffff7f', /past the end/);
    bad('09000000', /only 3 remain/);
    bad('1d0000', /only 2 remain/);
    bad('0b', /wire type 3/);
    bad('00', /invalid field number 0/);
  });

  it('never throws anything but E_BAD_RECORD on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = new ProtoReader(bytes, 'random');
        try {
          while (r.next() !== undefined);
        } catch (err) {
          expect(err).toMatchObject({ code: 'E_BAD_RECORD' });
        }
      }),
    );
  });

  it('decodes packed and unpacked repeated floats and checks packed lengths', () => {
    const packed = new ProtoReader(new ProtoWriter().bytes(5, Uint8Array.from([0, 0, 0, 0x3f, 0, 0, 0x80, 0x3f])).finish(), 'T').next();
    expect(packed && decodePackedFixed(packed, 4, 'T')).toEqual([0.5, 1]);
    const single = new ProtoReader(new ProtoWriter().float(5, 2).finish(), 'T').next();
    expect(single?.wire).toBe(WireType.FIXED32);
    expect(single && decodePackedFixed(single, 4, 'T')).toEqual([2]);
    const ragged = new ProtoReader(new ProtoWriter().bytes(6, new Uint8Array(5)).finish(), 'T').next();
    expect(() => ragged && decodePackedFixed(ragged, 8, 'T')).toThrow(/not a multiple of 8/);
  });
});
