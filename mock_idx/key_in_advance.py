"""The org's RSA signing key, made on a thread of its own, off the path to the server's first answer.

Making a 2048-bit key takes 20-250 ms (it depends on the primes found), and OpenSSL does it without holding the GIL.
With a core to spare, ``mock-idx serve`` starts it before importing the server (about 200 ms of imports), so it is
often made before the org opens. On one core the thread would only take CPU from the imports, so it starts when the
org opens (:meth:`KeyInAdvance.start`, from :mod:`mock_idx.app`), once the imports are done. Either way the org takes
it as a :class:`~mock_idx.model.tokens.SigningKey` that waits for it on first use (the key set, a token): discovery,
which needs no key, is answered without waiting.

Only a server that would make its own key takes it (an in-memory store and no ``--key-file``, see :mod:`mock_idx.app`):
the first replica of a shared store must store the key it makes, which :meth:`~mock_idx.model.engine.Engine.join`
does, and a key file is read instead.

This module imports nothing of the server, so the CLI can start the key before anything else.
"""

from __future__ import annotations

import asyncio
import os
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
    """A private key made by a daemon thread (a process that exits first does not wait for it)."""

    def __init__(self, start_now: bool | None = None) -> None:
        """``start_now``: begin at once; by default only where this process may run on more than one core."""
        # Imported here, on the caller's thread, so the key's thread imports nothing: two threads importing the same
        # packages at once can meet in a circular import and fail.
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._generate: Callable[..., rsa.RSAPrivateKey] = rsa.generate_private_key
        self._made: Future[rsa.RSAPrivateKey] = Future()
        self._start_once = threading.Lock()
        self._started = False
        if start_now if start_now is not None else _cores() > 1:
            self.start()

    def start(self) -> None:
        """Begin making the key, unless begun already."""
        with self._start_once:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._make, name="mock-idx signing key", daemon=True).start()

    def _make(self) -> None:
        try:
            self._made.set_result(self._generate(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE))
        except BaseException as error:  # handed to whoever awaits the key, not lost with the thread
            self._made.set_exception(error)

    def _private_key(self) -> rsa.RSAPrivateKey:
        self.start()
        return self._made.result()

    def signing_key(self) -> SigningKey:
        """The key as the org signs with it, at once: its first use waits for the thread (and starts it if need be)."""
        from .model.tokens import SigningKey

        return SigningKey(self._private_key)

    async def key(self) -> SigningKey:
        """The key, once made (awaiting it lets the event loop run meanwhile)."""
        from .model.tokens import SigningKey

        self.start()
        private_key: rsa.RSAPrivateKey = await asyncio.wrap_future(self._made)
        return SigningKey(private_key)


def _cores() -> int:
    """The cores this process may run on (``taskset`` and container limits included where the OS says)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1
