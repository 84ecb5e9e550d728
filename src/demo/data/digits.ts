/**
 * The bundled UCI digits set (`data/digits.csv.gz`, CC BY 4.0, see `data/README.md`): 1,797
 * 8x8 images of pixel counts 0..16 (kept raw: the demo model rescales inside).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { fromSystemError } from '../../errors.js';
import { parseFeatureCsv } from './csv.js';
import type { Dataset } from './dataset.js';

/** Path of the bundled file; the same from `src/demo/data/` and `dist/demo/data/`. */
export const DIGITS_PATH = fileURLToPath(new URL('../../../data/digits.csv.gz', import.meta.url));

/** Loads the digits set from `path` (a gzip CSV, 64 pixels then the label). Default: the bundled file. */
export async function loadDigits(path: string = DIGITS_PATH): Promise<Dataset> {
  let gz: Buffer;
  try {
    gz = await readFile(path);
  } catch (err) {
    throw fromSystemError(err, 'reading the digits data set', path);
  }
  const d = parseFeatureCsv(gunzipSync(gz).toString('utf8'), { numClasses: 10, source: path });
  return { ...d, exampleShape: [64] };
}
