"""mock-idx side by side with other fake identity providers (``python -m bench --peers``; see bench/README.md).

Each peer is installed from its own registry into ``bench/.peers/`` (once; later runs reuse it), started on a port of
its own pinned to one core, and loaded from the bench process pinned to the other, with the same load generator and
the same rounds as mock-idx, alternating between the servers.
"""
