"""Timing helpers shared by the benches: best-of-N timing and a note on how busy the machine was.

The benches run on small shared machines, so every figure is the best of several runs and is
printed next to a baseline measured in the same run; `machine()` says how loaded the box was.
"""
from __future__ import annotations

import os
import pathlib
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benches" / "results"


def best_of(repeat: int, fn) -> tuple[float, object]:
    """The fastest of `repeat` calls of fn() in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def memory_gb() -> tuple[float, float]:
    """(total, available) memory in GB, from /proc/meminfo (nan when unknown)."""
    info = {}
    try:
        for line in pathlib.Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0]) / 1024 / 1024
    except OSError:
        pass
    return info.get("MemTotal", float("nan")), info.get("MemAvailable", float("nan"))


def machine() -> str:
    """One line: cores, load average (1/5/15 min) and memory, to print beside the numbers."""
    one, five, fifteen = load_average()
    total, free = memory_gb()
    return (f"{os.cpu_count()} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min), "
            f"memory {free:.1f} of {total:.1f} GB available")


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1f}x" if baseline > 0 else "n/a"
