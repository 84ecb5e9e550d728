/**
 * Helpers for safetensors tests: collect serialised chunks, craft files from a header and data.
 */
import type { SerializedSafetensors } from '../../../src/formats/safetensors/index.js';

/** Concatenates every chunk of a serialised file (tests only; the library never does this). */
export async function collect(serialized: Pick<SerializedSafetensors, 'chunks'>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of serialized.chunks()) parts.push(c.slice());
  return new Uint8Array(Buffer.concat(parts));
}

/** A file made of an 8-byte length (`headerLength`, default the header's own length), the header text and `data`. */
export function craft(header: string | Uint8Array, data: Uint8Array | number = 0, headerLength?: bigint): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.byteLength + d.byteLength);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(d, 8 + h.byteLength);
  return out;
}

/** Hex of bytes, for readable failure messages. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
