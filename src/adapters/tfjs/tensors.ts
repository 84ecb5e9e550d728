/**
 * Conversions between TF.js tensors and ckpt {@link Tensor}s. Bytes are copied out of TF.js
 * (the backend owns its buffers) and into it (TF.js keeps the typed array it is given).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';
import { Tensor, type DType } from '../../tensor/index.js';

/** The TF.js dtypes a checkpoint can hold, and their safetensors names. */
const TO_CKPT: Readonly<Record<string, DType>> = { float32: 'F32', int32: 'I32', bool: 'BOOL', complex64: 'C64' };
const TO_TFJS: Readonly<Partial<Record<DType, tf.DataType>>> = { F32: 'float32', I32: 'int32', BOOL: 'bool', C64: 'complex64' };

/** The ckpt dtype of a TF.js dtype; throws `E_UNSUPPORTED` for `string`. */
export function ckptDType(dtype: tf.DataType): DType {
  const d = TO_CKPT[dtype];
  if (d === undefined) throw new CkptError('E_UNSUPPORTED', `TF.js ${dtype} tensors cannot be stored in a checkpoint`, { details: { dtype } });
  return d;
}

/** The TF.js dtype of a ckpt dtype, or `undefined` when TF.js has none (F64, I64, F16, ...). */
export function tfjsDType(dtype: DType): tf.DataType | undefined {
  return TO_TFJS[dtype];
}

/** Copies a TF.js tensor (or variable) into a ckpt tensor. */
export async function fromTfjs(t: tf.Tensor): Promise<Tensor> {
  const dtype = ckptDType(t.dtype);
  if (dtype === 'C64') {
    const [re, im] = tf.tidy(() => [tf.real(t), tf.imag(t)]) as [tf.Tensor, tf.Tensor];
    const [r, i] = await Promise.all([re.data(), im.data()]);
    tf.dispose([re, im]);
    const out = new Float32Array(r.length * 2);
    for (let k = 0; k < r.length; k++) { out[2 * k] = Number(r[k]); out[2 * k + 1] = Number(i[k]); }
    return Tensor.from('C64', t.shape, out);
  }
  const data = await t.data();
  const copy = dtype === 'BOOL' ? Uint8Array.from(data as Uint8Array) : (data as Float32Array | Int32Array).slice();
  return Tensor.from(dtype, t.shape, copy);
}

/** Makes a TF.js tensor from a ckpt tensor; throws `E_UNSUPPORTED` for dtypes TF.js lacks. */
export function toTfjs(t: Tensor): tf.Tensor {
  const dtype = tfjsDType(t.dtype);
  if (dtype === undefined) throw new CkptError('E_UNSUPPORTED', `TF.js has no ${t.dtype} tensors; convert the checkpoint to F32/I32 first`, { details: { dtype: t.dtype } });
  const shape = [...t.shape];
  if (dtype === 'complex64') {
    const v = t.data as Float32Array;
    const re = new Float32Array(v.length / 2);
    const im = new Float32Array(v.length / 2);
    for (let k = 0; k < re.length; k++) { re[k] = v[2 * k] ?? 0; im[k] = v[2 * k + 1] ?? 0; }
    return tf.complex(tf.tensor(re, shape), tf.tensor(im, shape));
  }
  const view = t.data;
  const owned = view.buffer === t.bytes.buffer ? view.slice() : view;
  return tf.tensor(owned as Float32Array | Int32Array | Uint8Array, shape, dtype);
}

/** `F32[64,10]`: how mismatch reports spell a dtype and shape. */
export function describeSpec(dtype: DType, shape: readonly number[]): string {
  return `${dtype}[${shape.join(',')}]`;
}
