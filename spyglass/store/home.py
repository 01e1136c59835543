"""Where Spyglass keeps its own files: ``SPYGLASS_HOME``, else ``~/.spyglass``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from spyglass.exceptions import StoreError

HOME_ENV = "SPYGLASS_HOME"


def home_path(environ: Mapping[str, str]) -> Path:
    """The Spyglass home directory named by ``environ`` (nothing is created)."""
    configured = environ.get(HOME_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    user_home = environ.get("HOME", "").strip()
    base = Path(user_home) if user_home else Path.home()
    return base / ".spyglass"


def spyglass_home(environ: Mapping[str, str]) -> Path:
    """``SPYGLASS_HOME`` or ``~/.spyglass``, created with mode 0700 when missing."""
    path = home_path(environ)
    if path.is_dir():
        return path
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the Spyglass home directory {path}: {exc.strerror or exc}.",
            remedy=f"Set {HOME_ENV} to a directory you can write to.",
        ) from exc
    return path
