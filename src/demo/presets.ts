/**
 * The demo's fixed recipe per data set: model, epochs, batch size, learning rate.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import type { DemoDataset } from './data/load.js';
import { digitsMlp, fashionConvnet } from './models.js';

/** How the demo trains on one data set. */
export interface DemoPreset {
  /** Model name for reports and hyperparameters. */
  readonly model: string;
  /** Default number of epochs. */
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Builds the compiled model, its weights fixed by `seed`. */
  readonly build: (seed: number, learningRate: number) => tf.LayersModel;
}

/** The recipe of each data set. */
export const PRESETS: Readonly<Record<DemoDataset, DemoPreset>> = {
  digits: { model: 'mlp-64-128-10', epochs: 20, batchSize: 32, learningRate: 0.003, build: digitsMlp },
  'fashion-mnist': { model: 'convnet-8-16', epochs: 2, batchSize: 64, learningRate: 0.002, build: fashionConvnet },
};
