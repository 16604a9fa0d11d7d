"""The org's RSA signing key, made on a thread of its own from the moment ``mock-idx serve`` starts.

Making a 2048-bit key takes 20-250 ms (it depends on the primes found), and OpenSSL does it without holding the GIL:
begun before the CLI imports the server (about 300 ms of imports), it is usually made by the time the org opens, so
the first answer comes that much sooner on a machine with a core to spare. Only a server that would make its own key
takes it (an in-memory store and no ``--key-file``, see :mod:`mock_idx.app`): the first replica of a shared store
must store the key it makes, which :meth:`~mock_idx.model.engine.Engine.join` does, and a key file is read instead.

This module imports nothing of the server, so the CLI can start the key before anything else.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from .model.tokens import SigningKey

KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


class KeyInAdvance:
    """A private key being made by a daemon thread (a process that exits first does not wait for it)."""

    def __init__(self) -> None:
        # Imported here, on the caller's thread, so the key's thread imports nothing: two threads importing the same
        # packages at once can meet in a circular import and fail.
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._made: Future[rsa.RSAPrivateKey] = Future()
        generate = rsa.generate_private_key
        threading.Thread(target=self._make, args=(generate,), name="mock-idx signing key", daemon=True).start()

    def _make(self, generate: Callable[..., rsa.RSAPrivateKey]) -> None:
        try:
            self._made.set_result(generate(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE))
        except BaseException as error:  # handed to whoever awaits the key, not lost with the thread
            self._made.set_exception(error)

    async def key(self) -> SigningKey:
        """The key, once made (awaiting it lets the event loop run meanwhile)."""
        from .model.tokens import SigningKey

        return SigningKey(await asyncio.wrap_future(self._made))
