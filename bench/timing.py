"""Small timing helpers shared by the benchmarks: percentiles and interleaved A/B runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(seconds: Sequence[float]) -> dict:
    """p50, p95 and mean in milliseconds, and how many samples."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "mean": statistics.fmean(ms) if ms else float("nan"),
    }


def timed(fn: Callable, *args) -> tuple[float, object]:
    """Seconds one call took, and what it returned."""
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def interleaved(app: Callable, floor: Callable, inputs: Sequence, warmup: int = 10) -> dict:
    """Time `app(x)` and `floor(x)` on every input, alternating which goes first so both see
    the same load; returns {'app': summary, 'floor': summary, 'rows': rows app returned}."""
    for x in inputs[:warmup]:
        app(x)
        floor(x)
    a, f, rows = [], [], 0
    for i, x in enumerate(inputs):
        first, second = (app, floor) if i % 2 == 0 else (floor, app)
        t1, r1 = timed(first, x)
        t2, r2 = timed(second, x)
        ta, tf, ra = (t1, t2, r1) if first is app else (t2, t1, r2)
        a.append(ta)
        f.append(tf)
        rows += len(ra) if hasattr(ra, "__len__") else 0
    return {"app": summary(a), "floor": summary(f), "rows": rows / max(len(inputs), 1)}
