"""Authenticated encryption of the few secrets Spyglass stores (GitLab token, webhook secret).

The key never lives next to the data: it comes from ``SPYGLASS_SECRET_KEY`` or from a key file
``secret.key`` in the Spyglass home directory (created 0600 on first use). The database holds only
ciphertext, so a copied database (or a PostgreSQL dump) reveals nothing without the key.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spyglass.exceptions import SecretStoreError

KEY_ENV = "SPYGLASS_SECRET_KEY"
PREVIOUS_KEYS_ENV = "SPYGLASS_SECRET_KEY_PREVIOUS"
KEY_FILE_NAME = "secret.key"
#: shortest SPYGLASS_SECRET_KEY accepted when it is not itself a Fernet key (then a key is derived).
MIN_PASSPHRASE_CHARS = 32
_GENERATE_HINT = (
    'Generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class SecretBox:
    """Encrypts and decrypts short strings with Fernet (AES-128-CBC + HMAC-SHA256).

    New secrets are encrypted with the current key; previous keys (``SPYGLASS_SECRET_KEY_PREVIOUS``,
    comma-separated, each a Fernet key or a passphrase without commas) still decrypt, so a key can be
    rotated without losing the stored token.
    """

    def __init__(self, key: bytes, *, source: str, previous: Sequence[bytes] = ()) -> None:
        """``key`` is a url-safe base64 Fernet key; ``source`` says where it came from, for errors."""
        self._fernet = MultiFernet([Fernet(key), *(Fernet(old) for old in previous)])
        self.source = source

    @classmethod
    def from_environment(cls, home: Path, environ: Mapping[str, str]) -> SecretBox:
        """The key from ``SPYGLASS_SECRET_KEY``, else from ``home/secret.key`` (created 0600 if missing);
        older keys from ``SPYGLASS_SECRET_KEY_PREVIOUS``."""
        previous = [key_from_text(part, name=PREVIOUS_KEYS_ENV) for part in previous_key_texts(environ)]
        configured = environ.get(KEY_ENV, "").strip()
        if configured:
            return cls(key_from_text(configured), source=KEY_ENV, previous=previous)
        path = home / KEY_FILE_NAME
        return cls(load_or_create_key_file(path), source=str(path), previous=previous)

    def encrypt(self, plaintext: str) -> bytes:
        """The ciphertext of ``plaintext`` (random IV: two calls never give the same bytes)."""
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """The plaintext of ``token``; :class:`SecretStoreError` when the key is wrong or data corrupt."""
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError) as exc:
            raise self._undecryptable() from exc

    def rotate(self, token: bytes) -> bytes:
        """``token`` encrypted again with the current key (it may have been made with a previous one)."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken as exc:
            raise self._undecryptable() from exc

    def _undecryptable(self) -> SecretStoreError:
        return SecretStoreError(
            f"A stored secret cannot be decrypted with the key from {self.source}: "
            "the key changed or the stored value is corrupt.",
            remedy=(
                f"Restore the original key ({KEY_ENV} or the key file; a replaced key can go in "
                f"{PREVIOUS_KEYS_ENV}, then `spyglass gitlab reencrypt` moves the secrets to the new key), or "
                "remove the stored connection with `spyglass gitlab disconnect` and connect again."
            ),
        )


def previous_key_texts(environ: Mapping[str, str]) -> list[str]:
    """The entries of ``SPYGLASS_SECRET_KEY_PREVIOUS``: comma-separated, surrounding spaces ignored (so
    ``"key1, passphrase two"`` lists two keys). A passphrase listed here cannot itself contain a comma."""
    return [part.strip() for part in environ.get(PREVIOUS_KEYS_ENV, "").split(",") if part.strip()]


def key_from_text(text: str, *, name: str = KEY_ENV) -> bytes:
    """A Fernet key from the text of ``name``: a Fernet key as is, or derived from a long passphrase.

    Surrounding whitespace is not part of the key: ``" passphrase"`` and ``"passphrase"`` give one key.
    """
    text = text.strip()
    raw = text.encode("ascii", errors="replace")
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except (binascii.Error, ValueError):
        pass
    if len(text) < MIN_PASSPHRASE_CHARS:
        raise SecretStoreError(
            f"{name} is neither a Fernet key nor a passphrase of at least "
            f"{MIN_PASSPHRASE_CHARS} characters.",
            remedy=f"Set {name} to a Fernet key (separate several previous keys with commas). {_GENERATE_HINT}",
        )
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"spyglass-secret-key", info=b"fernet")
    return base64.urlsafe_b64encode(hkdf.derive(text.encode("utf-8")))


def load_or_create_key_file(path: Path) -> bytes:
    """The key stored at ``path``; a new random key written there (mode 0600) if the file is missing."""
    if not path.exists():
        _create_key_file(path)
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        raw = path.read_bytes().strip()
    except OSError as exc:
        raise SecretStoreError(
            f"Cannot read the Spyglass key file {path}: {exc.strerror or exc}.",
            remedy=f"Make it readable by this user, or set {KEY_ENV}.",
        ) from exc
    try:
        Fernet(raw)
    except (ValueError, binascii.Error) as exc:
        raise SecretStoreError(
            f"The Spyglass key file {path} does not hold a valid key.",
            remedy=(
                "Restore the original file, or delete it (stored secrets are then lost: connect "
                "GitLab again)."
            ),
        ) from exc
    return raw


def _create_key_file(path: Path) -> None:
    """Write a new key atomically: a 0600 temporary file hard-linked into place (first writer wins)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temporary, path)
    except OSError as exc:
        raise SecretStoreError(
            f"Cannot create the Spyglass key file {path}: {exc.strerror or exc}.",
            remedy=f"Make {path.parent} writable, or set {KEY_ENV}.",
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
