/**
 * Lists the tensor references of an unpickled object with their dotted paths (as
 * `flattenState` names them), each once, without building anything.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { PyDict, PyList, PyTuple, TensorRef, type PyValue } from './pickle/values.js';

/** A tensor reference and the path where it was first met. */
export interface NamedTensorRef {
  name: string;
  ref: TensorRef;
}

/** Every distinct tensor reference under `root`, in pickle order. */
export function listTensorRefs(root: PyValue, maxDepth: number): NamedTensorRef[] {
  const out: NamedTensorRef[] = [];
  const seen = new Set<object>();
  const visit = (v: PyValue, path: string[]): void => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) return;
    if (path.length > maxDepth) throw new CkptError('E_LIMIT', `pickled structure nests deeper than ${maxDepth}`);
    seen.add(v);
    if (v instanceof TensorRef) out.push({ name: path.length === 0 ? 'tensor' : path.join('.'), ref: v });
    else if (v instanceof PyTuple || v instanceof PyList) v.items.forEach((x, i) => visit(x, [...path, String(i)]));
    else if (v instanceof PyDict) {
      for (const [k, x] of v.map) visit(x, [...path, String(k)]);
      if (v.attributes !== undefined) for (const [k, x] of v.attributes) visit(x, [...path, '$attrs', k]);
    }
  };
  visit(root, []);
  return out;
}
