"""Describes a torch.load result as JSON that test/formats/pytorch/describe.ts also produces from
a ckpt state tree, so both sides can be compared exactly (types, key order, dtypes, shapes, bytes).
Used by the interop tests: python3 describe.py FILE... prints a JSON list of descriptions."""
import collections
import json
import math
import sys

import torch

DTYPES = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
    torch.bool: 'BOOL', torch.complex64: 'C64',
}


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes().hex()


def describe(v, depth=0):
    if depth > 200:
        raise ValueError('too deep')
    if v is None:
        return None
    if isinstance(v, bool):
        return {'bool': v}
    if isinstance(v, int):
        return {'int': str(v)}
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v) or (v == 0 and math.copysign(1, v) < 0):
            return {'float': repr(v)}
        return {'float': v}
    if isinstance(v, str):
        return {'str': v}
    if isinstance(v, (bytes, bytearray)):
        return {'bytes': bytes(v).hex()}
    if isinstance(v, torch.Tensor):
        return {'tensor': [DTYPES[v.dtype], list(v.shape), tensor_bytes(v)]}
    if isinstance(v, tuple):
        return {'tuple': [describe(x, depth + 1) for x in v]}
    if isinstance(v, list):
        return {'list': [describe(x, depth + 1) for x in v]}
    if isinstance(v, collections.OrderedDict):
        out = {'odict': [[describe(k), describe(x, depth + 1)] for k, x in v.items()]}
        attrs = vars(v) if hasattr(v, '__dict__') else {}
        if attrs:
            out['attrs'] = [[k, describe(x, depth + 1)] for k, x in attrs.items()]
        return out
    if isinstance(v, dict):
        return {'dict': [[describe(k), describe(x, depth + 1)] for k, x in v.items()]}
    raise TypeError('cannot describe %r' % type(v))


if __name__ == '__main__':
    # describe.py FILE...: a JSON list with one description per file (one torch import for all).
    json.dump([describe(torch.load(f)) for f in sys.argv[1:]], sys.stdout)
