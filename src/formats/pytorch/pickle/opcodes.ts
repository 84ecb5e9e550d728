/**
 * The pickle opcodes ckpt understands: exactly those torch's own `weights_only` unpickler accepts
 * (formats.md 2.4 and 2.8). Every other opcode is refused by name.
 *
 * @module
 */

/** Opcode byte values. */
export const OP = {
  PROTO: 0x80,
  STOP: 0x2e, // '.'
  GLOBAL: 0x63, // 'c'
  REDUCE: 0x52, // 'R'
  BUILD: 0x62, // 'b'
  NEWOBJ: 0x81,
  BINPERSID: 0x51, // 'Q'
  MARK: 0x28, // '('
  TUPLE: 0x74, // 't'
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_TUPLE: 0x29, // ')'
  EMPTY_LIST: 0x5d, // ']'
  EMPTY_DICT: 0x7d, // '}'
  EMPTY_SET: 0x8f,
  APPEND: 0x61, // 'a'
  APPENDS: 0x65, // 'e'
  SETITEM: 0x73, // 's'
  SETITEMS: 0x75, // 'u'
  NONE: 0x4e, // 'N'
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a, // 'J'
  BININT1: 0x4b, // 'K'
  BININT2: 0x4d, // 'M'
  LONG1: 0x8a,
  BINFLOAT: 0x47, // 'G'
  BINUNICODE: 0x58, // 'X'
  SHORT_BINSTRING: 0x55, // 'U'
  BINGET: 0x68, // 'h'
  LONG_BINGET: 0x6a, // 'j'
  BINPUT: 0x71, // 'q'
  LONG_BINPUT: 0x72, // 'r'
} as const;

/** Names of opcodes that exist in pickle but are refused, for error messages. */
const REFUSED: Readonly<Record<number, string>> = {
  0x49: 'INT', 0x4c: 'LONG', 0x46: 'FLOAT', 0x53: 'STRING', 0x56: 'UNICODE', 0x70: 'PUT', 0x67: 'GET',
  0x69: 'INST', 0x6f: 'OBJ', 0x50: 'PERSID', 0x30: 'POP', 0x31: 'DUP', 0x32: 'POP_MARK', 0x64: 'DICT',
  0x6c: 'LIST', 0x8b: 'LONG4', 0x54: 'BINSTRING', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x90: 'ADDITEMS', 0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4',
};

const NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));

/** A readable name for an opcode byte, e.g. `STACK_GLOBAL (0x93)`. */
export function opcodeName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, '0')}`;
  const name = NAMES[op] ?? REFUSED[op];
  return name === undefined ? `unknown opcode ${hex}` : `${name} (${hex})`;
}
