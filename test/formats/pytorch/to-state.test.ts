import { describe, expect, it } from 'vitest';
import { parsePth } from '../../../src/formats/pytorch/read.js';
import { OrderedDict } from '../../../src/tensor/state-tree.js';
import { pk, str, torchZip } from './hostile.js';

/** Protocol-2 pickle of a dict whose items are (BINUNICODE key, BININT1 value) pairs, in order. */
function dictPickle(items: [string, number][]): Uint8Array {
  const body = items.flatMap(([k, v]) => [str(k), 0x4b, v]); // BINUNICODE key, BININT1 value
  return pk(0x80, 2, 0x7d, 0x28, ...body, 0x75, 0x2e); // PROTO 2, EMPTY_DICT, MARK, ..., SETITEMS, STOP
}

describe('pickled dicts as state trees', () => {
  it('keeps the order of integer-like string keys by using a Map', async () => {
    const tree = await parsePth(torchZip(dictPickle([['10', 1], ['2', 2], ['b', 3]])));
    expect(tree).toBeInstanceOf(Map);
    expect(tree instanceof OrderedDict).toBe(false);
    expect([...(tree as Map<unknown, unknown>).entries()]).toEqual([['10', 1], ['2', 2], ['b', 3]]);
  });

  it('gives a plain object when every key keeps its order in one', async () => {
    const tree = await parsePth(torchZip(dictPickle([['epoch', 3], ['01', 1], ['a', 2]])));
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
    expect(Object.entries(tree as object)).toEqual([['epoch', 3], ['01', 1], ['a', 2]]);
  });
});
