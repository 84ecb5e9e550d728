"""Rewrites a torch zip file as if a big-endian machine had saved it: every storage byte-swapped
(complex per half), plus a `byteorder` record saying "big". torch 1.13 ignores that record, so
the test compares ckpt's reading of OUT with torch's reading of IN.  Usage: IN OUT"""
import pickle
import sys
import zipfile

import numpy as np
import torch

src, dst = sys.argv[1], sys.argv[2]
zin = zipfile.ZipFile(src)
names = zin.namelist()
root = names[0].split('/')[0]
units = {}


class Scan(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ('torch._utils', '_rebuild_tensor_v2'):
            return lambda *a: None
        return super().find_class(module, name)

    def persistent_load(self, pid):
        _, cls, key, _, _ = pid
        dtype = cls.dtype
        size = torch.tensor([], dtype=dtype).element_size()
        units[key] = size // 2 if dtype.is_complex else size
        return None


Scan(zin.open(root + '/data.pkl')).load()
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:
    for n in names:
        data = zin.read(n)
        key = n[len(root) + len('/data/'):] if n.startswith(root + '/data/') else None
        if key is not None and units.get(key, 1) > 1:
            data = np.frombuffer(data, dtype='u%d' % units[key]).byteswap().tobytes()
        zout.writestr(n, data)
        if n.endswith('/data.pkl'):
            zout.writestr(root + '/byteorder', b'big')
