declare module 'fast-crc32c' {
  /** CRC32C of `data`, continuing from `initial` (default 0). */
  export function calculate(data: string | Uint8Array, initial?: number): number;
}
