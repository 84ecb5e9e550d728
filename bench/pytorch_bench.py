"""torch side of bench/pytorch.ts; times are measured inside Python so interpreter start-up and
`import torch` are not counted.
  make PATH MIB          torch.save a state dict of about MIB MiB (float32) to PATH
  save PATH MIB REPEAT   best time of torch.save + flush + fsync of that state dict
  load PATH REPEAT       best time of torch.load(PATH)
Prints JSON."""
import json
import os
import sys
import time

import torch


def state(mib):
    torch.manual_seed(0)
    n_big = max(1, mib // 64)
    sd = {}
    for i in range(n_big):
        sd['layers.%d.weight' % i] = torch.randn(4096, 4096)  # 64 MiB each
        sd['layers.%d.bias' % i] = torch.randn(4096)
    return {'epoch': 3, 'model_state_dict': sd, 'best_val_acc': 0.91}


def save(obj, path):
    with open(path, 'wb') as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())


cmd = sys.argv[1]
if cmd == 'make':
    save(state(int(sys.argv[3])), sys.argv[2])
    print(json.dumps({'bytes': os.path.getsize(sys.argv[2])}))
elif cmd == 'save':
    obj = state(int(sys.argv[3]))
    best = float('inf')
    for _ in range(int(sys.argv[4])):
        t0 = time.perf_counter()
        save(obj, sys.argv[2])
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({'seconds': best, 'bytes': os.path.getsize(sys.argv[2])}))
elif cmd == 'load':
    best = float('inf')
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        obj = torch.load(sys.argv[2])
        best = min(best, time.perf_counter() - t0)
        del obj
    print(json.dumps({'seconds': best}))
