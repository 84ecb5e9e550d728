/**
 * Renders a state tree's skeleton compactly for `ckpt inspect`: the non-tensor values (epoch,
 * step, metrics, optimizer settings, ...) in full, while containers that hold only tensors
 * collapse to a count (`model_state_dict: OrderedDict of 8 tensors`). Short containers stay on
 * one line; tensors show as `F32[2, 3]`. Tuples print as `(a, b)`, ints beyond 2^53 exactly.
 *
 * @module
 */
import type { Skeleton } from '../../tensor/state-tree.js';

/** Options of {@link renderSkeleton}. */
export interface RenderSkeletonOptions {
  /** dtype and shape of a tensor by name, shown in place of the tensor; default: `tensor`. */
  describeTensor?: (name: string) => string | undefined;
  /** Longest one-line rendering of a container before it is expanded. Default: 88. */
  width?: number;
  /** Most children listed per container; the rest are counted. Default: 40. */
  maxChildren?: number;
}

type Obj = { [key: string]: Skeleton };

interface Child {
  key: string;
  node: Skeleton;
}

/** The container a skeleton node is, with its children; `undefined` for leaves. */
function containerOf(node: Skeleton): { kind: 'dict' | 'odict' | 'list' | 'tuple'; children: Child[] } | undefined {
  if (Array.isArray(node)) return { kind: 'list', children: node.map((n, i) => ({ key: String(i), node: n })) };
  if (node === null || typeof node !== 'object') return undefined;
  const tag = Object.keys(node).find((k) => k.startsWith('$'));
  if (tag === undefined) return { kind: 'dict', children: Object.entries(node).map(([key, n]) => ({ key, node: n })) };
  const body = node[tag] ?? null;
  if (tag === '$tuple' && Array.isArray(body)) return { kind: 'tuple', children: body.map((n, i) => ({ key: String(i), node: n })) };
  if ((tag === '$dict' || tag === '$odict' || tag === '$object') && Array.isArray(body)) {
    const children = body.filter((e): e is Skeleton[] => Array.isArray(e) && e.length === 2).map((e) => ({ key: keyText(e[0] ?? null), node: e[1] ?? null }));
    return { kind: tag === '$odict' ? 'odict' : 'dict', children };
  }
  return undefined;
}

function keyText(k: Skeleton): string {
  if (typeof k === 'string') return k;
  const leaf = leafText(k, undefined);
  return leaf ?? JSON.stringify(k);
}

/** A leaf's text, or `undefined` when `node` is a container. */
function leafText(node: Skeleton, describeTensor: RenderSkeletonOptions['describeTensor']): string | undefined {
  if (node === null) return 'None';
  if (typeof node === 'boolean') return node ? 'True' : 'False';
  if (typeof node === 'number') return String(node);
  if (typeof node === 'string') return JSON.stringify(node);
  if (Array.isArray(node)) return undefined;
  const o = node as Obj;
  if (typeof o.$tensor === 'string') return describeTensor?.(o.$tensor) ?? 'tensor';
  if (typeof o.$float === 'string') return o.$float === 'NaN' ? 'nan' : o.$float === 'Infinity' ? 'inf' : o.$float === '-Infinity' ? '-inf' : o.$float;
  if (typeof o.$bigint === 'string') return o.$bigint;
  if (typeof o.$bytes === 'string') return `bytes(${Buffer.from(o.$bytes, 'base64').byteLength})`;
  return undefined;
}

/** Number of tensors under `node`, or -1 when it holds anything else too. */
function tensorsOnly(node: Skeleton): number {
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && typeof (node as Obj).$tensor === 'string') return 1;
  const c = containerOf(node);
  if (c === undefined) return -1;
  let n = 0;
  for (const child of c.children) {
    const k = tensorsOnly(child.node);
    if (k < 0) return -1;
    n += k;
  }
  return n;
}

const BRACKETS = { dict: ['{', '}'], odict: ['OrderedDict{', '}'], list: ['[', ']'], tuple: ['(', ')'] } as const;

/**
 * The skeleton as indented lines (two spaces per level). The root's children are listed as
 * `key: value` lines; a root that is not a container is one line.
 */
export function renderSkeleton(skeleton: Skeleton, options: RenderSkeletonOptions = {}): string[] {
  const width = options.width ?? 88;
  const maxChildren = options.maxChildren ?? 40;
  const describeTensor = options.describeTensor;

  const inline = (node: Skeleton, budget: number): string | undefined => {
    const leaf = leafText(node, describeTensor);
    if (leaf !== undefined) return leaf;
    const c = containerOf(node);
    if (c === undefined) return JSON.stringify(node);
    const [open, close] = BRACKETS[c.kind];
    const parts: string[] = [];
    let used = open.length + close.length;
    for (const child of c.children) {
      const v = inline(child.node, budget - used);
      if (v === undefined) return undefined;
      const part = c.kind === 'dict' || c.kind === 'odict' ? `${child.key}: ${v}` : v;
      used += part.length + 2;
      if (used > budget) return undefined;
      parts.push(part);
    }
    const trailing = c.kind === 'tuple' && parts.length === 1 ? ',' : '';
    return `${open}${parts.join(', ')}${trailing}${close}`;
  };

  const lines: string[] = [];
  const visit = (key: string, node: Skeleton, depth: number): void => {
    const pad = '  '.repeat(depth);
    const c = containerOf(node);
    const n = c === undefined ? -1 : tensorsOnly(node);
    if (c !== undefined && n > 1) {
      const kind = c.kind === 'odict' ? 'OrderedDict' : c.kind;
      lines.push(`${pad}${key}: ${kind} of ${n} tensors`);
      return;
    }
    const one = inline(node, width - pad.length - key.length - 2);
    if (one !== undefined || c === undefined) {
      lines.push(`${pad}${key}: ${one ?? JSON.stringify(node)}`);
      return;
    }
    lines.push(`${pad}${key}:${c.kind === 'tuple' ? ' (tuple)' : c.kind === 'odict' ? ' (OrderedDict)' : ''}`);
    for (const child of c.children.slice(0, maxChildren)) visit(child.key, child.node, depth + 1);
    if (c.children.length > maxChildren) lines.push(`${pad}  ... ${c.children.length - maxChildren} more`);
  };

  const root = containerOf(skeleton);
  if (root === undefined) return [inline(skeleton, width) ?? JSON.stringify(skeleton)];
  for (const child of root.children.slice(0, maxChildren)) visit(child.key, child.node, 0);
  if (root.children.length > maxChildren) lines.push(`... ${root.children.length - maxChildren} more`);
  return lines;
}
