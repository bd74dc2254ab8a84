"""Benchmark of source-halopsa against the HaloPSA simulator: `bin/bench` (see bench/REPORT.md).

Kept free of imports: `python -m bench.bare` (the bare client) and `python -m bench.simserver` (the
simulator process) import this package too, and must start as light as possible.
"""
