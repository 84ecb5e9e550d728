import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readSafetensorsFile, writeSafetensorsFile } from '../../../src/formats/safetensors/index.js';
import { fromBFloat16Array, fromFloat16Array, toBFloat16Array, toFloat16Array } from '../../../src/tensor/half.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { describeWithPython, runPython } from '../../helpers/python.js';
import { useTempDirs } from '../../helpers/tmp.js';

/**
 * Python's safetensors package is not installable here (only npm and Debian are reachable) and
 * torch 1.13 cannot read safetensors, so this cross-checks against a minimal reader and writer
 * written in Python from the spec, with torch.frombuffer / tensor.numpy() doing the byte work.
 */
const TORCH_DTYPES = `{"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
  "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}`;

const READ_SCRIPT = `
import json, struct, sys, torch
DT = ${TORCH_DTYPES}
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n].decode("utf-8"))
meta = header.pop("__metadata__", {})
out, end = {}, 0
for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
    b, e2 = e["data_offsets"]
    assert b == end, (name, b, end)
    assert (8 + n + b) % torch.tensor([], dtype=DT[e["dtype"]]).element_size() == 0, ("misaligned", name)
    chunk = bytearray(raw[8 + n + b:8 + n + e2])
    t = (torch.frombuffer(chunk, dtype=DT[e["dtype"]]) if chunk else torch.empty(0, dtype=DT[e["dtype"]])).reshape(e["shape"])
    out[name] = {"dtype": e["dtype"], "shape": list(t.shape), "values": t.flatten().to(torch.float64).tolist()}
    end = e2
assert 8 + n + end == len(raw)
assert n % 8 == 0 and raw[8:9] == b"{"
print(json.dumps({"metadata": meta, "tensors": out, "order": [k for k in header]}))
`;

const WRITE_SCRIPT = `
import json, struct, sys, torch
DT = ${TORCH_DTYPES}
state = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3) - 3, "h": torch.tensor([1.5, -2.0], dtype=torch.float16),
         "b": torch.tensor([0.5, 3.0], dtype=torch.bfloat16), "s": torch.tensor(7, dtype=torch.int64), "m": torch.tensor([True, False])}
NAMES = {v: k for k, v in DT.items()}
header, data = {"__metadata__": {"format": "pt"}}, b""
for name, t in state.items():   # insertion order, no alignment, no padding: like an old writer
    by = t.contiguous().view(torch.uint8).numpy().tobytes() if t.dim() > 0 else t.reshape(1).view(torch.uint8).numpy().tobytes()
    header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(by)]}
    data += by
h = json.dumps(header).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + data)
`;

describeWithPython(['torch'], 'safetensors files and torch (minimal spec reader/writer in Python)', () => {
  const tempDir = useTempDirs();

  it('a file we write reads back in torch with the right dtypes, shapes, values, alignment and padding', async () => {
    const path = join(tempDir(), 'ours.safetensors');
    await writeSafetensorsFile(path, new Map<string, Tensor>([
      ['f64', Tensor.from('F64', [2], [1.25, -2])],
      ['f32', Tensor.from('F32', [2, 2], [0, 1, 2, 3])],
      ['f16', Tensor.from('F16', [3], toFloat16Array([0.5, -1, 65504]))],
      ['bf16', Tensor.from('BF16', [1], toBFloat16Array([3]))],
      ['i64', Tensor.from('I64', [], [-9n])],
      ['i32', Tensor.from('I32', [1, 1], [-7])],
      ['i16', Tensor.from('I16', [1], [300])],
      ['i8', Tensor.from('I8', [3], [-1, 0, 1])],
      ['u8', Tensor.from('U8', [1], [255])],
      ['bool', Tensor.from('BOOL', [2], [1, 0])],
      ['empty', Tensor.from('F32', [0, 3], [])],
    ]), { metadata: { format: 'pt' } });
    const got = JSON.parse(runPython(READ_SCRIPT, [path])) as { metadata: object; order: string[]; tensors: Record<string, { dtype: string; shape: number[]; values: number[] }> };
    expect(got.metadata).toEqual({ format: 'pt' });
    // The reference writer's order: dtype enum position descending, then name.
    expect(got.order).toEqual(['i64', 'f64', 'empty', 'f32', 'i32', 'bf16', 'f16', 'i16', 'i8', 'u8', 'bool']);
    expect(got.tensors).toEqual({
      f64: { dtype: 'F64', shape: [2], values: [1.25, -2] },
      f32: { dtype: 'F32', shape: [2, 2], values: [0, 1, 2, 3] },
      f16: { dtype: 'F16', shape: [3], values: [0.5, -1, 65504] },
      bf16: { dtype: 'BF16', shape: [1], values: [3] },
      i64: { dtype: 'I64', shape: [], values: [-9] },
      i32: { dtype: 'I32', shape: [1, 1], values: [-7] },
      i16: { dtype: 'I16', shape: [1], values: [300] },
      i8: { dtype: 'I8', shape: [3], values: [-1, 0, 1] },
      u8: { dtype: 'U8', shape: [1], values: [255] },
      bool: { dtype: 'BOOL', shape: [2], values: [1, 0] },
      empty: { dtype: 'F32', shape: [0, 3], values: [] },
    });
  });

  it('reads an unaligned, unpadded file written from torch tensors', async () => {
    const path = join(tempDir(), 'torch.safetensors');
    runPython(WRITE_SCRIPT, [path]);
    const { header, tensors } = await readSafetensorsFile(path);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect([...(tensors.get('w')?.data as Float32Array)]).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(tensors.get('w')?.shape).toEqual([2, 3]);
    expect([...fromFloat16Array(tensors.get('h')?.data as Uint16Array)]).toEqual([1.5, -2]);
    expect([...fromBFloat16Array(tensors.get('b')?.data as Uint16Array)]).toEqual([0.5, 3]);
    expect(tensors.get('s')?.shape).toEqual([]);
    expect([...(tensors.get('s')?.data as BigInt64Array)]).toEqual([7n]);
    expect([...(tensors.get('m')?.data as Uint8Array)]).toEqual([1, 0]);
  });
});
