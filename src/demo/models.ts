/**
 * The demo's models. Every initialiser takes a seed derived from the run's seed, and the layers
 * have fixed names, so a seed fully determines the starting weights and the checkpoint keys.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** Hyperparameters of the demo models, recorded in `run.json` and TensorBoard. */
export interface ModelSpec {
  /** `mlp` (digits) or `convnet` (Fashion-MNIST). */
  readonly kind: 'mlp' | 'convnet';
  /** Adam learning rate. */
  readonly learningRate: number;
}

function glorot(seed: number, k: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: seed * 16 + k });
}

/**
 * A 64 -> 128 (ReLU) -> 10 (softmax) MLP for the 8x8 digits, compiled with Adam. It takes the raw
 * pixel counts (0..16): a rescaling layer inside the model divides them by 16, so a checkpoint
 * alone evaluates raw CSV rows.
 */
export function digitsMlp(seed: number, learningRate: number): tf.LayersModel {
  const model = tf.sequential({
    name: 'digits_mlp',
    layers: [
      tf.layers.rescaling({ name: 'scale', inputShape: [64], scale: 1 / 16 }),
      tf.layers.dense({ name: 'hidden', units: 128, activation: 'relu', kernelInitializer: glorot(seed, 1) }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax', kernelInitializer: glorot(seed, 2) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' });
  return model;
}

/** A small convnet for 28x28 grey images (raw 0..255, rescaled inside): two conv + max-pool blocks and a softmax layer, compiled with Adam. */
export function fashionConvnet(seed: number, learningRate: number): tf.LayersModel {
  const model = tf.sequential({
    name: 'fashion_convnet',
    layers: [
      tf.layers.rescaling({ name: 'scale', inputShape: [28, 28, 1], scale: 1 / 255 }),
      tf.layers.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: glorot(seed, 1) }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: glorot(seed, 2) }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax', kernelInitializer: glorot(seed, 3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' });
  return model;
}
