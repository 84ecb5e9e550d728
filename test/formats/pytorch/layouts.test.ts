/**
 * File-layout edge cases built by hand (no Python): legacy files with storage views and
 * big-endian data, zip archives with comments, and zip64 end records.
 */
import { describe, expect, it } from 'vitest';
import { parsePth } from '../../../src/formats/pytorch/index.js';
import type { StateObject } from '../../../src/tensor/state-tree.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { buildZip, pk, str } from './hostile.js';

const MAGIC = pk(0x80, 2, 0x8a, 10, new Uint8Array([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]), '.');
const PROTO = pk(0x80, 2, 'M', 0xe9, 0x03, '.');
const sysInfo = (little: boolean): Uint8Array => pk(0x80, 2, '}', '(', str('protocol_version'), 'M', 0xe9, 0x03, str('little_endian'), little ? 0x88 : 0x89,
  str('type_sizes'), '}', '(', str('short'), 'K', 2, str('int'), 'K', 4, str('long'), 'K', 4, 'u', 'u.');
const tensorOver = (pid: Uint8Array, size: number): Uint8Array => pk('ctorch._utils\n_rebuild_tensor_v2\n', '(', pid, 'Q', 'K', 0, 'K', size, 0x85, 'K', 1, 0x85, 0x89, 'N', 't', 'R');

function legacyFile(little: boolean): Uint8Array {
  const root = pk('(', str('storage'), 'ctorch\nFloatStorage\n', str('7'), str('cpu'), 'K', 4, 'N', 't');
  const view = pk('(', str('storage'), 'ctorch\nFloatStorage\n', str('7'), str('cpu'), 'K', 4, '(', str('8'), 'K', 1, 'K', 2, 't', 't');
  const obj = pk(0x80, 2, '}', '(', str('root'), tensorOver(root, 4), str('view'), tensorOver(view, 2), 'u.');
  const keys = pk(0x80, 2, ']', '(', str('7'), 'e.');
  const count = Buffer.alloc(8);
  const data = Buffer.alloc(16);
  if (little) count.writeBigInt64LE(4n);
  else count.writeBigInt64BE(4n);
  [1, 2, 3, 4].forEach((v, i) => (little ? data.writeFloatLE(v, i * 4) : data.writeFloatBE(v, i * 4)));
  return pk(MAGIC, PROTO, sysInfo(little), obj, keys, count, data);
}

describe('legacy stream layout', () => {
  for (const little of [true, false]) {
    it(`storage views and ${little ? 'little' : 'big'}-endian data`, async () => {
      const v = (await parsePth(legacyFile(little))) as StateObject;
      expect([...((v.root as Tensor).data as Float32Array)]).toEqual([1, 2, 3, 4]);
      expect([...((v.view as Tensor).data as Float32Array)]).toEqual([2, 3]);
    });
  }

  it('a wrong magic number or a missing storage record is E_BAD_PICKLE / E_BAD_ZIP', async () => {
    const bad = legacyFile(true);
    bad[5] = (bad[5] ?? 0) ^ 1;
    await expect(parsePth(bad)).rejects.toMatchObject({ code: 'E_BAD_PICKLE' });
    const whole = legacyFile(true);
    await expect(parsePth(whole.subarray(0, whole.length - 4))).rejects.toMatchObject({ code: 'E_BAD_ZIP' });
  });
});

describe('zip end records', () => {
  const pickle = pk(0x80, 2, 'K', 9, '.');
  const version = { name: 'a/version', data: Buffer.from('3\n') };

  it('finds the end record behind a zip comment', async () => {
    const zip = Buffer.from(buildZip([{ name: 'a/data.pkl', data: pickle }, version]));
    const comment = Buffer.from('PK\x05\x06 a fake end record inside the comment');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    expect(await parsePth(Buffer.concat([zip, comment]))).toBe(9);
  });

  it('a comment length that does not reach the end of the file is not an end record', async () => {
    const zip = Buffer.from(buildZip([{ name: 'a/data.pkl', data: pickle }, version]));
    zip.writeUInt16LE(5, zip.length - 2);
    await expect(parsePth(zip)).rejects.toMatchObject({ code: 'E_BAD_ZIP' });
  });

  it('zip64 end records: used when present, absurd counts refused', async () => {
    const zip = Buffer.from(buildZip([{ name: 'a/data.pkl', data: pickle }, version]));
    const eocd = zip.subarray(zip.length - 22);
    const cdSize = eocd.readUInt32LE(12);
    const cdOffset = eocd.readUInt32LE(16);
    const z64 = (entries: bigint): Buffer => {
      const rec = Buffer.alloc(56 + 20);
      rec.writeUInt32LE(0x06064b50, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeBigUInt64LE(entries, 24);
      rec.writeBigUInt64LE(entries, 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdOffset), 48);
      rec.writeUInt32LE(0x07064b50, 56);
      rec.writeBigUInt64LE(BigInt(cdOffset + cdSize), 64);
      rec.writeUInt32LE(1, 72);
      return rec;
    };
    const head = zip.subarray(0, cdOffset + cdSize);
    const end = Buffer.from(eocd);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    expect(await parsePth(Buffer.concat([head, z64(2n), end]))).toBe(9);
    await expect(parsePth(Buffer.concat([head, z64(2n ** 40n), end]))).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect(parsePth(Buffer.concat([head, end]))).rejects.toMatchObject({ code: 'E_BAD_ZIP' });
  });
});

describe('torch 2.x records', () => {
  it('_rebuild_tensor_v3 over an UntypedStorage (float8), as torch >= 2.1 writes new dtypes', async () => {
    const pickle = pk(0x80, 2, 'ctorch._utils\n_rebuild_tensor_v3\n', '(', '(', str('storage'), 'ctorch\nUntypedStorage\n', str('0'), str('cpu'), 'K', 3, 't', 'Q',
      'K', 0, 'K', 3, 0x85, 'K', 1, 0x85, 0x89, 'ccollections\nOrderedDict\n', ')', 'R', 'ctorch\nfloat8_e4m3fn\n', 't', 'R.');
    const zip = buildZip([
      { name: 'b/data.pkl', data: pickle },
      { name: 'b/.format_version', data: Buffer.from('1') },
      { name: 'b/.storage_alignment', data: Buffer.from('64') },
      { name: 'b/byteorder', data: Buffer.from('little') },
      { name: 'b/data/0', data: new Uint8Array([0x38, 0x40, 0xb8]) },
      { name: 'b/version', data: Buffer.from('3\n') },
      { name: 'b/.data/serialization_id', data: Buffer.from('0'.repeat(40)) },
    ]);
    const t = (await parsePth(zip)) as Tensor;
    expect(t.toString()).toBe('F8_E4M3[3]');
    expect([...t.bytes]).toEqual([0x38, 0x40, 0xb8]);
  });

  it('a byteorder record other than little/big is E_BAD_ZIP', async () => {
    const zip = buildZip([{ name: 'b/data.pkl', data: pk(0x80, 2, 'N.') }, { name: 'b/byteorder', data: Buffer.from('middle') }, { name: 'b/version', data: Buffer.from('3\n') }]);
    await expect(parsePth(zip)).rejects.toMatchObject({ code: 'E_BAD_ZIP' });
  });
});
