/**
 * How torch names element types: legacy storage classes (`torch.FloatStorage`, frozen "for BC/FC")
 * and dtype objects (`torch.float32`), mapped to ckpt dtypes.
 *
 * @module
 */
import type { DType } from '../../tensor/dtype.js';

/** Legacy storage class name -> dtype, for every class torch 1.13 writes that ckpt can represent. */
export const STORAGE_CLASS_DTYPE: Readonly<Record<string, DType>> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
  ComplexFloatStorage: 'C64',
};

/** Storage classes that exist but hold types ckpt cannot represent (refused with `E_UNSUPPORTED`). */
export const UNSUPPORTED_STORAGE_CLASSES: ReadonlySet<string> = new Set([
  'ComplexDoubleStorage', 'QInt8Storage', 'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage',
]);

/** dtype -> the storage class torch 1.13 uses for it (the writer's choice). */
export const DTYPE_STORAGE_CLASS: Readonly<Partial<Record<DType, string>>> = Object.fromEntries(
  Object.entries(STORAGE_CLASS_DTYPE).map(([cls, dt]) => [dt, cls]),
);

/** `torch.<name>` dtype objects -> ckpt dtype (aliases included). */
export const TORCH_DTYPE: Readonly<Record<string, DType>> = {
  float64: 'F64', double: 'F64',
  float32: 'F32', float: 'F32',
  float16: 'F16', half: 'F16',
  bfloat16: 'BF16',
  int64: 'I64', long: 'I64',
  int32: 'I32', int: 'I32',
  int16: 'I16', short: 'I16',
  int8: 'I8',
  uint8: 'U8',
  uint16: 'U16', uint32: 'U32', uint64: 'U64',
  bool: 'BOOL',
  complex64: 'C64', cfloat: 'C64',
  float8_e5m2: 'F8_E5M2', float8_e4m3fn: 'F8_E4M3', float8_e5m2fnuz: 'F8_E5M2FNUZ',
  float8_e4m3fnuz: 'F8_E4M3FNUZ', float8_e8m0fnu: 'F8_E8M0',
};

/** Every other dtype name torch has (recognised, refused with `E_UNSUPPORTED` when a tensor uses it). */
export const OTHER_TORCH_DTYPES: ReadonlySet<string> = new Set([
  'complex128', 'cdouble', 'complex32', 'chalf', 'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4',
  'bits8', 'bits16', 'bits1x8', 'bits2x4', 'bits4x2', 'float4_e2m1fn_x2',
  'uint1', 'uint2', 'uint3', 'uint4', 'uint5', 'uint6', 'uint7', 'int1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7',
]);

/** ckpt dtype -> canonical torch dtype name (`torch.float32` is `"float32"`). */
export const DTYPE_TORCH_NAME: Readonly<Partial<Record<DType, string>>> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
  I8: 'int8', U8: 'uint8', U16: 'uint16', U32: 'uint32', U64: 'uint64', BOOL: 'bool', C64: 'complex64',
  F8_E5M2: 'float8_e5m2', F8_E4M3: 'float8_e4m3fn', F8_E5M2FNUZ: 'float8_e5m2fnuz', F8_E4M3FNUZ: 'float8_e4m3fnuz',
  F8_E8M0: 'float8_e8m0fnu',
};
