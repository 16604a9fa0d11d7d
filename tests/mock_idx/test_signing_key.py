"""``SigningKey.load_or_create``: a key file that cannot be the signing key is one ``ValueError`` naming the file and
the problem on one line (the CLI prints it instead of a traceback), and a good one keeps its ``kid``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from mock_idx.model.tokens import KeyFileError, SigningKey


def pem(private_key: PrivateKeyTypes, encryption: serialization.KeySerializationEncryption | None = None) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    )


def refused(path: Path) -> str:
    with pytest.raises(KeyFileError) as raised:
        SigningKey.load_or_create(path)
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert str(path) in message and "\n" not in message
    return message


def _permission_denied(path: Path) -> bytes:
    raise PermissionError(13, "Permission denied", str(path))


def test_a_directory(tmp_path: Path) -> None:
    assert "is a directory" in refused(tmp_path)


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(pem(rsa.generate_private_key(65537, 2048)))
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make the read fail the way permissions would
        monkeypatch.setattr(Path, "read_bytes", _permission_denied)
    assert "cannot be read" in refused(path)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a key at all", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", b"\xff\xfe\x00"],
)
def test_not_a_pem_private_key(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(content)
    assert "is not a PEM private key" in refused(path)


def test_a_public_key_is_not_a_private_key(tmp_path: Path) -> None:
    public = rsa.generate_private_key(65537, 2048).public_key()
    path = tmp_path / "key.pem"
    path.write_bytes(public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert "is not a PEM private key" in refused(path)


def test_an_encrypted_pem(tmp_path: Path) -> None:
    """cryptography raises TypeError for a password-protected key; that must not escape as anything but the one
    ValueError the CLI reports."""
    path = tmp_path / "key.pem"
    path.write_bytes(pem(rsa.generate_private_key(65537, 2048), serialization.BestAvailableEncryption(b"secret")))
    assert "is encrypted" in refused(path)


@pytest.mark.parametrize(
    "private_key",
    [ec.generate_private_key(ec.SECP256R1()), ed25519.Ed25519PrivateKey.generate()],
    ids=["ec", "ed25519"],
)
def test_a_key_that_is_not_rsa(tmp_path: Path, private_key: PrivateKeyTypes) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(pem(private_key))
    assert "non-RSA key" in refused(path)


def test_a_key_file_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert "cannot be written" in refused(blocker / "key.pem")


def test_a_good_key_file_is_created_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "key.pem"
    created = SigningKey.load_or_create(path)
    assert SigningKey.load_or_create(path).kid == created.kid
