"""Benchmarks of ccsim against textbook SimPy and Ciw; run ``python -m benchmarks``.

The peer models live here, not in the package; Ciw is a benchmark-only dependency.
"""
