#!/usr/bin/python3
"""Generates sklearn-expected.json: datasets and scikit-learn's values for ckpt's metrics.

Run with Debian's interpreter (scikit-learn 1.2.1):  /usr/bin/python3 test/metrics/golden/generate.py
The data is drawn with a fixed seed, so re-running gives the same file. Edge cases included:
a class never predicted, a class absent from y_true, one class only, ties in scores, a single
sample, constant y_true (R^2), zeros in y_true (MAPE), zero_division 0/1/"warn".
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261201)


def num(x):
    x = float(x)
    return None if np.isnan(x) else x


def safe(f):
    try:
        return num(f())
    except ValueError:
        return None


def classification_case(name, y_true, y_pred, k, scores=None, zero_division="warn", logits=None, top_k=2):
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    binary = k == 2
    zd = zero_division
    exp = {
        "accuracy": num(M.accuracy_score(y_true, y_pred)),
        "balanced_accuracy": num(M.balanced_accuracy_score(y_true, y_pred)),
        "confusion_matrix": M.confusion_matrix(y_true, y_pred).tolist(),
        "matthews_corrcoef": num(M.matthews_corrcoef(y_true, y_pred)),
        "cohen_kappa": num(M.cohen_kappa_score(y_true, y_pred)),
    }
    for avg in ("micro", "macro", "weighted"):
        exp["precision_" + avg] = num(M.precision_score(y_true, y_pred, average=avg, zero_division=zd))
        exp["recall_" + avg] = num(M.recall_score(y_true, y_pred, average=avg, zero_division=zd))
        exp["f1_" + avg] = num(M.f1_score(y_true, y_pred, average=avg, zero_division=zd))
    if binary:
        exp["precision"] = num(M.precision_score(y_true, y_pred, zero_division=zd))
        exp["recall"] = num(M.recall_score(y_true, y_pred, zero_division=zd))
        exp["f1"] = num(M.f1_score(y_true, y_pred, zero_division=zd))
    report = M.classification_report(y_true, y_pred, zero_division=zd, output_dict=True)
    exp["per_class"] = {key: value for key, value in report.items() if key not in ("accuracy", "micro avg", "macro avg", "weighted avg")}
    exp["report_dict"] = report
    exp["report_text"] = M.classification_report(y_true, y_pred, zero_division=zd)
    exp["report_text_4"] = M.classification_report(y_true, y_pred, zero_division=zd, digits=4)
    case = {"name": name, "task": "binary" if binary else "multiclass", "num_classes": k, "zero_division": zd,
            "y_true": y_true.tolist(), "y_pred": y_pred.tolist(), "expected": exp}
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
        case["scores"] = scores.tolist()
        exp["log_loss"] = safe(lambda: M.log_loss(y_true, scores, labels=list(range(k))))
        if binary:
            positive = scores if scores.ndim == 1 else scores[:, 1]
            exp["roc_auc"] = safe(lambda: M.roc_auc_score(y_true, positive))
            exp["average_precision"] = safe(lambda: M.average_precision_score(y_true, positive))
        else:
            exp["top_k_accuracy"] = safe(lambda: M.top_k_accuracy_score(y_true, scores, k=top_k, labels=list(range(k))))
            for avg in ("macro", "weighted"):
                exp["roc_auc_ovr_" + avg] = safe(lambda: M.roc_auc_score(y_true, scores, multi_class="ovr", average=avg, labels=list(range(k))))
            onehot = label_binarize(y_true, classes=list(range(k)))
            exp["average_precision"] = safe(lambda: M.average_precision_score(onehot, scores, average="macro"))
    if logits is not None:
        case["logits"] = np.asarray(logits, dtype=np.float64).tolist()
    return case


def dirichlet(n, k):
    return rng.dirichlet(np.ones(k), size=n)


def classification_cases():
    cases = []
    n = 200
    p = rng.random(n)
    y = (rng.random(n) < 0.3 + 0.4 * p).astype(int)
    cases.append(classification_case("binary_random", y, (p > 0.5).astype(int), 2, scores=p))
    p = np.round(rng.random(n), 1)
    y = (rng.random(n) < p).astype(int)
    cases.append(classification_case("binary_score_ties", y, (p > 0.5).astype(int), 2, scores=p))
    s = dirichlet(120, 2)
    y = rng.integers(0, 2, 120)
    cases.append(classification_case("binary_two_columns", y, np.argmax(s, axis=1), 2, scores=s))
    for k, n in ((3, 150), (4, 200), (12, 120)):
        s = dirichlet(n, k)
        y = np.where(rng.random(n) < 0.5, np.argmax(s, axis=1), rng.integers(0, k, n))
        cases.append(classification_case(f"multiclass_{k}", y, np.argmax(s, axis=1), k, scores=s))
    grid = np.array([[0.2, 0.3, 0.5], [0.5, 0.3, 0.2], [0.25, 0.25, 0.5], [0.4, 0.4, 0.2], [0.6, 0.2, 0.2]])
    s = grid[rng.integers(0, len(grid), 180)]
    y = rng.integers(0, 3, 180)
    cases.append(classification_case("multiclass_score_ties", y, np.argmax(s, axis=1), 3, scores=s))
    s = dirichlet(100, 3)
    y = rng.integers(0, 3, 100)
    yp = np.where(rng.random(100) < 0.7, y, rng.integers(0, 2, 100))
    yp[yp == 2] = 0
    for zd in ("warn", 0, 1):
        cases.append(classification_case(f"class_never_predicted_zd_{zd}", y, yp, 3, scores=s, zero_division=zd))
    y = rng.choice([0, 2], 90)
    yp = rng.integers(0, 3, 90)
    for zd in ("warn", 1):
        cases.append(classification_case(f"class_absent_from_y_true_zd_{zd}", y, yp, 3, scores=dirichlet(90, 3), zero_division=zd))
    cases.append(classification_case("one_class_only", np.zeros(20, int), np.zeros(20, int), 2, scores=rng.random(20) * 0.4))
    cases.append(classification_case("one_class_only_zd_1", np.ones(15, int), np.ones(15, int), 2, scores=0.6 + rng.random(15) * 0.4, zero_division=1))
    cases.append(classification_case("one_class_true_other_predicted", np.zeros(10, int), np.ones(10, int), 2, scores=0.5 + rng.random(10) * 0.5))
    cases.append(classification_case("single_sample", [1], [1], 2, scores=[0.8]))
    cases.append(classification_case("single_sample_wrong", [0], [1], 2, scores=[0.7]))
    z = rng.normal(size=(160, 4)) * 3
    sm = np.exp(z - z.max(axis=1, keepdims=True))
    sm /= sm.sum(axis=1, keepdims=True)
    y = rng.integers(0, 4, 160)
    cases.append(classification_case("multiclass_logits", y, np.argmax(z, axis=1), 4, scores=sm, logits=z))
    s = np.clip(dirichlet(60, 3) * 1.3 - 0.1, 0, 1)
    s[:5] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]]
    y = rng.integers(0, 3, 60)
    cases.append(classification_case("probabilities_clipped_unnormalised", y, np.argmax(s, axis=1), 3, scores=s))
    return cases


def regression_case(name, y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    exp = {
        "mse": num(M.mean_squared_error(y_true, y_pred)),
        "rmse": num(M.mean_squared_error(y_true, y_pred, squared=False)),
        "mae": num(M.mean_absolute_error(y_true, y_pred)),
        "r2": num(M.r2_score(y_true, y_pred)),
        "explained_variance": num(M.explained_variance_score(y_true, y_pred)),
        "mape": num(M.mean_absolute_percentage_error(y_true, y_pred)),
        "max_error": num(M.max_error(y_true, y_pred)),
        "median_absolute_error": num(M.median_absolute_error(y_true, y_pred)),
    }
    return {"name": name, "y_true": y_true.tolist(), "y_pred": y_pred.tolist(), "expected": exp}


def regression_cases():
    cases = []
    y = rng.normal(size=500)
    cases.append(regression_case("random", y, y + rng.normal(scale=0.5, size=500)))
    y = 1000 + rng.normal(scale=0.01, size=300)
    cases.append(regression_case("large_offset_small_variance", y, y + rng.normal(scale=0.005, size=300)))
    cases.append(regression_case("constant_y_true_imperfect", np.full(20, 2.5), 2.5 + rng.normal(size=20)))
    cases.append(regression_case("constant_y_true_perfect", np.full(20, 2.5), np.full(20, 2.5)))
    y = rng.normal(size=30)
    cases.append(regression_case("perfect", y, y.copy()))
    cases.append(regression_case("single_sample", [1.5], [2.0]))
    y = rng.integers(-3, 4, 101).astype(float)
    cases.append(regression_case("zeros_in_y_true_odd_n", y, y + rng.integers(-1, 2, 101)))
    y = rng.exponential(size=64) * 1e6
    cases.append(regression_case("large_values_even_n", y, y * (1 + rng.normal(scale=0.1, size=64))))
    y = rng.normal(size=50) * 1e-8
    cases.append(regression_case("tiny_values", y, y + rng.normal(size=50) * 1e-9))
    cases.append(regression_case("constant_offset_predictions", np.arange(10.0), np.arange(10.0) + 0.5))
    return cases


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn-expected.json")
    doc = {
        "generator": "test/metrics/golden/generate.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "classification": classification_cases(),
        "regression": regression_cases(),
    }
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {out}: {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
