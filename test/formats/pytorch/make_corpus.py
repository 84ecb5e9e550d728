"""Writes a random torch.save corpus into OUTDIR (seeded): every dtype, strided views, shared
storages, Parameters, nested optimizer state, the seed's checkpoint dict, Python scalars and
containers, and the legacy stream format. Prints the file names as a JSON list."""
import collections
import json
import os
import sys

import torch

out, seed = sys.argv[1], int(sys.argv[2])
torch.manual_seed(seed)
g = torch.Generator().manual_seed(seed)
files = []


def save(name, obj, **kw):
    path = os.path.join(out, name)
    torch.save(obj, path, **kw)
    files.append(name)


def rand(dtype, shape):
    if dtype == torch.bool:
        return torch.rand(shape, generator=g) > 0.5
    if dtype.is_complex:
        return torch.randn(shape, dtype=dtype, generator=g)
    if dtype.is_floating_point:
        return torch.randn(shape, generator=g).to(dtype)
    info = torch.iinfo(dtype)
    return torch.randint(max(info.min, -2**31), min(info.max, 2**31 - 1), shape, generator=g, dtype=torch.int64).to(dtype)


DTYPES = [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
          torch.int16, torch.int8, torch.uint8, torch.bool, torch.complex64]
shapes = [(), (0,), (3,), (2, 3), (2, 0, 3), (1, 4, 1, 2)]
save('dtypes.pt', {'%s_%d' % (str(d).split('.')[1], i): rand(d, s) for d in DTYPES for i, s in enumerate(shapes)})
save('extremes.pt', {
    'f32': torch.tensor([float('nan'), float('inf'), -float('inf'), -0.0, 1e-45, 3.4e38]),
    'f16': torch.tensor([65504.0, -0.0, 6e-8, float('inf')], dtype=torch.float16),
    'i64': torch.tensor([-2**63, 2**63 - 1, 0, -1]),
    'u8': torch.tensor([0, 255, 128], dtype=torch.uint8),
})

base = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5)
w = torch.randn(4, 6, generator=g)
save('views.pt', {
    'base': base,
    'transposed': base.transpose(0, 2),
    'sliced': base[1:, ::2, 1:4],
    'narrow': base.narrow(2, 2, 3),
    'expanded': torch.tensor([1.0, 2.0]).expand(3, 2),
    'row': base[2],
    'w': w,
    'w_again': w,
    'w_t': w.t(),
    'tail': w.view(-1)[5:],
    'i16_step': torch.arange(20, dtype=torch.int16)[1::3],
})

model = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
save('params.pt', {'weight': model[0].weight, 'list': [model[3].weight, model[3].bias], 'plain': model[0].bias.detach()})

opt = torch.optim.Adam(model.parameters(), lr=0.003, betas=(0.85, 0.995))
sgd_model = torch.nn.Linear(3, 2)
sgd = torch.optim.SGD(sgd_model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
for _ in range(3):
    x = torch.randn(8, 5, generator=g)
    loss = model(x).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    l2 = sgd_model(torch.randn(4, 3, generator=g)).sum()
    sgd.zero_grad()
    l2.backward()
    sgd.step()
save('optim.pt', {'adam': opt.state_dict(), 'sgd': sgd.state_dict()})
save('seed.pt', {'epoch': 7, 'model_state_dict': model.state_dict(), 'optimizer_state_dict': opt.state_dict(),
                 'best_val_acc': 0.9133})

od = collections.OrderedDict([('b', 1), ('a', (1, 'x'))])
save('scalars.pt', {
    'ints': [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, 2**53, 2**53 + 1, -2**70, 2**200],
    'floats': [0.5, -2.25, float('nan'), float('inf'), -float('inf'), -0.0, 1e-300, 1e300],
    'strings': ['', 'ascii', 'ünï€ode', '\U0001F600', 'a\nb'],
    'bools': (True, False, None),
    'nested': {'t': ((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)), 'l': [[], [[]], {}]},
    'int_keys': {0: 'a', -3: 'b', 2**60: 'c', 1.5: 'd', True: 'e', None: 'f'},
    'bytes': [b'', b'\x00\xff\x80abc', bytearray(b'xy')],
    'od': od,
    'big_list': list(range(2500)),
    'big_dict': {('k%d' % i): i for i in range(2100)},
})
save('legacy_mix.pt', {'a': base, 'view': base[1], 'step': torch.arange(10)[::3], 'sd': sgd_model.state_dict()},
     _use_new_zipfile_serialization=False)
json.dump(files, sys.stdout)
