/**
 * The demo's data sets, split into train / validation / test.
 *
 * @module
 */
import { Rng } from '../../adapters/tfjs/rng.js';
import { subset, type Splits } from './dataset.js';
import { loadDigits } from './digits.js';
import { FASHION_MNIST_DIR, loadFashionMnist } from './fashion-mnist.js';
import { splitDataset } from './split.js';

/** Data sets `ckpt demo` can train on. */
export const DEMO_DATASETS = ['digits', 'fashion-mnist'] as const;

/** A demo data set name. */
export type DemoDataset = (typeof DEMO_DATASETS)[number];

/** Options of {@link loadDemoData}. */
export interface LoadDemoDataOptions {
  /** Where Fashion-MNIST's IDX files are. Default: `/usr/share/datasets/fashion-mnist`. */
  fashionMnistDir?: string;
}

/**
 * Loads and splits a demo data set with fixed seeds (the split never depends on the training
 * seed). Digits: 20% test, 15% validation. Fashion-MNIST: its own 10,000 test images, and 5,000
 * of the 60,000 training images (one in twelve, for smaller copies) for validation.
 */
export async function loadDemoData(name: DemoDataset, options: LoadDemoDataOptions = {}): Promise<Splits> {
  if (name === 'digits') return splitDataset(await loadDigits(), { seed: 0, valFraction: 0.15, testFraction: 0.2 });
  const { train, test } = await loadFashionMnist(options.fashionMnistDir ?? FASHION_MNIST_DIR);
  const order = Rng.seeded(0).permutation(train.n);
  const nVal = Math.min(5000, Math.floor(train.n / 12));
  return { train: subset(train, order.subarray(nVal)), val: subset(train, order.subarray(0, nVal)), test };
}
