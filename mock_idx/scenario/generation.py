"""Made-up people for a scenario's ``generate`` groups and the control client's ``add_user()``: names by Faker,
logins a person can type, and TOTP secrets, all reproducible from a seed.

Faker is slow to import, so it is imported here, inside the functions: only scenarios and tests that make people up
pay for it.
"""

from __future__ import annotations

import base64
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TOTP_SECRET_BYTES = 20
"""160 bits, as RFC 4226 recommends; base32 makes it 32 characters."""


@dataclass(frozen=True)
class Person:
    login: str
    profile: dict[str, str]
    totp_secret: str


def is_known_locale(locale: str) -> bool:
    from faker.config import AVAILABLE_LOCALES

    return locale in AVAILABLE_LOCALES


@dataclass
class Fakers:
    """One Faker per locale for one scenario's worth of groups: making a Faker costs a thousand times more than
    reseeding one, and a scenario may hold many small groups. Not shared between calls (threads may generate
    side by side), so reseeding one never disturbs another."""

    by_locale: dict[str, Any] = field(default_factory=dict)

    def seeded(self, locale: str, seed: int) -> Any:
        fake = self.by_locale.get(locale)
        if fake is None:
            from faker import Faker

            fake = self.by_locale[locale] = Faker(locale)
        fake.seed_instance(seed)
        return fake


def made_up_people(
    count: int, seed: int, locale: str, domain: str, taken: set[str], fakers: Fakers | None = None
) -> Iterator[Person]:
    """``count`` people; the same ``seed`` gives the same names, logins and secrets with the same Faker version.
    Logins already in ``taken`` (which grows) are numbered rather than reused."""
    fake = (fakers or Fakers()).seeded(locale, seed)
    secrets = random.Random(seed)
    for _ in range(count):
        first, last = fake.first_name(), fake.last_name()
        yield Person(
            login=login_for(first, last, domain, taken),
            profile={"firstName": first, "lastName": last, "name": f"{first} {last}"},
            totp_secret=base64.b32encode(secrets.randbytes(TOTP_SECRET_BYTES)).decode(),
        )


def login_for(first: str, last: str, domain: str, taken: set[str]) -> str:
    """``José``, ``Núñez`` -> ``jose.nunez@domain`` (a login people can type), numbered when already in ``taken``,
    which it joins."""
    local = ".".join(_ascii(part) for part in (first, last)).lower()
    candidate, number = f"{local}@{domain}", 1
    while candidate in taken:
        number += 1
        candidate = f"{local}{number}@{domain}"
    taken.add(candidate)
    return candidate


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded) or "user"
