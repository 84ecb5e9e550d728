/**
 * Kernels the TF.js wasm backend (4.22) lacks and training needs. `Conv2DBackpropFilter` (the
 * gradient of a 2-d convolution's filter) is missing, so no convnet can train on wasm; ckpt
 * registers a plain-JS one: a direct sum over batch and output positions, accumulated in float64,
 * so it is deterministic (resume stays bit-exact).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CkptError } from '../../errors.js';

/** What the kernel needs of the wasm backend. */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** dW[fh, fw, ci, co] = sum over b, oh, ow of x[b, oh*sh - top + fh, ow*sw - left + fw, ci] * dy[b, oh, ow, co] (NHWC). */
export function conv2dFilterGradient(xIn: ArrayLike<number>, dyIn: ArrayLike<number>, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const x = Float32Array.from(xIn);
  const dy = Float32Array.from(dyIn);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  const row = new Float64Array(outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let co = 0; co < outChannels; co++) row[co] = dy[dyBase + co] as number;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            let w = (fh * filterWidth + fw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++, w += outChannels) {
              const xv = x[xBase + ci] as number;
              if (xv === 0) continue;
              for (let co = 0; co < outChannels; co++) acc[w + co] = (acc[w + co] as number) + xv * (row[co] as number);
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW') throw new CkptError('E_UNSUPPORTED', 'Conv2DBackpropFilter on wasm: only channels-last (NHWC) convolutions are supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const grad = conv2dFilterGradient(backend.readSync(x.dataId), backend.readSync(dy.dataId), info);
  return backend.makeOutput([...attrs.filterShape], 'float32', undefined, grad);
}

/** Registers the missing wasm kernels (once; kernels TF.js provides itself are left alone). */
export function registerMissingWasmKernels(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  }
}
