#!/usr/bin/python3
"""scikit-learn's side of bench/metrics.ts: reads the same binary files, times each metric
inside Python (loading excluded): at least REPEAT runs lasting MIN_SECONDS in all (at most 1000),
as bench/metrics.ts times ckpt. Prints JSON {metric: {"seconds": best wall, "cpu": best process
CPU seconds, "value": v}}.

usage: metrics_sklearn.py DIR N REPEAT [METRIC,... [MIN_SECONDS]]
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, r2_score, roc_auc_score

d, n, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
load = lambda name, dtype: np.fromfile(os.path.join(d, name), dtype=dtype, count=n)
yt, yp, yb = load("y_true.i32", np.int32), load("y_pred.i32", np.int32), load("y_binary.i32", np.int32)
score, a, b = load("score.f64", np.float64), load("a.f64", np.float64), load("b.f64", np.float64)

cases = {
    "confusion_matrix": lambda: float(confusion_matrix(yt, yp).trace()),
    "f1_macro": lambda: float(f1_score(yt, yp, average="macro")),
    "roc_auc": lambda: float(roc_auc_score(yb, score)),
    "r2": lambda: float(r2_score(a, b)),
}
out = {}
only = sys.argv[4].split(",") if len(sys.argv) > 4 else list(cases)
min_seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
for name, f in cases.items():
    if name not in only:
        continue
    best, cpu, value, runs, start = float("inf"), float("inf"), None, 0, time.perf_counter()
    while runs < 1000 and (runs < repeat or time.perf_counter() - start < min_seconds):
        t0, c0 = time.perf_counter(), time.process_time()
        value = f()
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
        runs += 1
    out[name] = {"seconds": best, "cpu": cpu, "value": value}
print(json.dumps(out))
