/**
 * Small seeded models and data for the TF.js adapter tests.
 */
import * as tf from '@tensorflow/tfjs';

/** A two-layer MLP with named layers and seeded initialisers. */
export function mlp(seed: number, hidden = 8, inputs = 5, classes = 3): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', units: hidden, activation: 'relu', inputShape: [inputs], kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1, stddev: 0.1 }) }),
      tf.layers.dense({ name: 'out', units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
}

/** A fixed batch of inputs and one-hot targets. */
export function batch(seed: number, n = 16, inputs = 5, classes = 3): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, inputs], 0, 1, 'float32', seed) as tf.Tensor2D;
    const labels = tf.randomUniform([n], 0, classes, 'int32', seed + 1) as tf.Tensor1D;
    return { x, y: tf.oneHot(labels, classes).toFloat() as tf.Tensor2D };
  });
}

/** The weights' bytes by name, for exact comparisons. */
export async function weightBytes(model: tf.LayersModel): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const w of model.weights) out[w.originalName] = Array.from(new Uint8Array((await w.read().data() as Float32Array).buffer.slice(0)));
  return out;
}
