"""The replicas suite: ``mock-idx serve --workers N`` over a real Redis (``redis_server``, one per session)."""

from tests.support.redis_server import redis_server

__all__ = ["redis_server"]
