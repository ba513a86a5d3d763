"""Shared timing helpers for the benchmarks: medians of repeated runs after a warm-up."""
import time

import numpy as np


def median_time(fn, repeat=7, number=1, warmup=1):
    """Median seconds per call of ``fn`` over ``repeat`` batches of ``number`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    times.sort()
    return times[len(times) // 2]


def alternate(runners, steps, blocks):
    """Run each runner's ``step`` for steps/blocks steps in turn, ``blocks`` times; median seconds per step."""
    per_block = max(steps // blocks, 1)
    times = {name: [] for name in runners}
    for _ in range(blocks):
        for name, step in runners.items():
            t0 = time.perf_counter()
            for _ in range(per_block):
                step()
            times[name].append((time.perf_counter() - t0) / per_block)
    return {name: float(np.median(t)) for name, t in times.items()}


def try_import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def print_table(title, rows, baseline_name):
    """rows: (name, seconds or None). Prints each time and its ratio to ``baseline_name``."""
    base = dict(rows)[baseline_name]
    print(f"\n{title}")
    print(f"  {'':34s} {'time':>12s} {'/ ' + baseline_name:>16s}")
    for name, t in rows:
        if t is None:
            print(f"  {name:34s} {'(not installed)':>12s}")
        else:
            unit, scale = ("us", 1e6) if t < 1e-3 else ("ms", 1e3)
            print(f"  {name:34s} {t * scale:9.2f} {unit} {t / base:15.2f}x")
