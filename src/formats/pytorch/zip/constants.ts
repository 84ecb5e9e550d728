/**
 * Zip record signatures and fixed sizes (APPNOTE 6.3), as used by torch's `inline_container`.
 *
 * @module
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_DATA_DESCRIPTOR = 0x08074b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
/** Longest zip comment: the EOCD is searched for in the last EOCD_SIZE + this many bytes. */
export const MAX_COMMENT = 0xffff;

/** Extra-field header IDs. */
export const EXTRA_ZIP64 = 0x0001;
/** torch's alignment padding field: `'F','B'` read little-endian. */
export const EXTRA_TORCH_PAD = 0x4246;

/** A 32-bit (or 16-bit) field with this value means "see the zip64 record". */
export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;

/** General-purpose flags. */
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;

/** Compression methods. */
export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;
