"""Loads files ckpt wrote: checks the zip (CRCs, alignment of every record to 64 bytes, the
records torch expects), then prints describe.py's JSON list of torch.load results.  Usage: FILE..."""
import json
import sys
import zipfile

import torch

from describe import describe

out = []
for path in sys.argv[1:]:
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    if bad is not None:
        raise SystemExit('%s: bad CRC in %s' % (path, bad))
    raw = open(path, 'rb').read()
    for info in z.infolist():
        name_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], 'little')
        extra_len = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], 'little')
        start = info.header_offset + 30 + name_len + extra_len
        if start % 64 != 0:
            raise SystemExit('%s: %s data at %d is not 64-byte aligned' % (path, info.filename, start))
    root = z.namelist()[0].split('/')[0]
    for need in ('data.pkl', 'version', 'byteorder'):
        if root + '/' + need not in z.namelist():
            raise SystemExit('%s: no %s record' % (path, need))
    out.append(describe(torch.load(path)))
json.dump(out, sys.stdout)
