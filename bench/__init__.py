"""Benchmarks for mock_idx: ``python -m bench [--quick]``.

Every number comes from one run on one machine: the server under test runs in its own process (``bench.target``), the
load comes from this process, over loopback, and each throughput is set next to a bare aiohttp JSON endpoint measured
the same way in the same run, so the ratios carry over between machines even where the absolute numbers do not.
"""
