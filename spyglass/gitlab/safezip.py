"""Unpack a downloaded artifacts zip without trusting it: no entry outside the destination, no link, bounded.

The archive comes from a CI job anyone who can push a branch can write, so every entry is checked before
anything is written: a name that is absolute, holds ``..``, a backslash or a drive letter, a symbolic link,
an encrypted or duplicate entry refuses the whole archive. Sizes are counted as bytes are written (the
sizes the zip declares are not trusted), against a total and an entry-count limit. What is unpacked lands
in a staging directory first and replaces the destination only once complete.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from spyglass.gitlab.errors import BaseJobMissing, UnsafeArchive
from spyglass.markup.escape import one_line

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """At most ``max_bytes`` unpacked in all, ``max_entries`` entries in the archive."""

    max_bytes: int = 2 << 30
    max_entries: int = 100_000


def _refuse(reason: str, name: str | None = None) -> UnsafeArchive:
    shown = f" ({one_line(name)[:200]!r})" if name is not None else ""
    return UnsafeArchive(f"The base artifacts archive was refused: {reason}{shown}. Nothing was unpacked.",
                         remedy="Check what the base job keeps as artifacts (`artifacts: paths:` in "
                                ".gitlab-ci.yml): only dbt's target/manifest.json and target/catalog.json "
                                "are needed.")


def entry_parts(name: str) -> tuple[str, ...]:
    """The path components of a zip entry name, or :class:`UnsafeArchive` when it could leave the
    destination (absolute, ``..``, backslash, drive letter, NUL)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _refuse("an entry with an absolute or unsafe path", name)
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise _refuse("an entry that climbs out of the directory (`..`)", name)
    return parts


def _selected(archive: zipfile.ZipFile, inside: tuple[str, ...],
              limits: ZipLimits) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Every file entry under ``inside``, with its path below it; the whole archive checked first."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _refuse(f"more than {limits.max_entries:,} entries")
    seen: set[tuple[str, ...]] = set()
    chosen = []
    for info in infos:
        parts = entry_parts(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refuse("a symbolic link", info.filename)
        if info.flag_bits & 0x1:
            raise _refuse("an encrypted entry", info.filename)
        if parts in seen:
            raise _refuse("the same path twice", info.filename)
        seen.add(parts)
        if not info.is_dir() and parts[: len(inside)] == inside and len(parts) > len(inside):
            chosen.append((info, parts[len(inside):]))
    return chosen


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Unpack one entry to ``target``; the bytes written (never more than ``budget``)."""
    written = 0
    with archive.open(info) as source, target.open("xb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > budget:
                raise _refuse("more unpacked bytes than the size limit", info.filename)
            sink.write(chunk)
    return written


def extract(source: Path | IO[bytes], destination: Path, *, inside: str = "target",
            limits: ZipLimits | None = None, required: str | None = None) -> list[str]:
    """Unpack the files under ``inside/`` of the archive into ``destination`` (replacing it whole); the
    paths written, relative to it, sorted.

    Raises:
        UnsafeArchive: the archive is not a zip, or any entry is unsafe or over a limit (nothing changed).
        BaseJobMissing: ``required`` is not among the files under ``inside/`` (nothing changed).
    """
    limits = limits or ZipLimits()
    prefix = entry_parts(inside) if inside.strip("/ ") else ()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError):
            raise _refuse("it is not a zip file") from None
        with archive:
            written, budget = [], limits.max_bytes
            for info, parts in _selected(archive, prefix, limits):
                target = staging.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    budget -= _copy(archive, info, target, budget)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise _refuse(f"an entry cannot be read ({type(exc).__name__})", info.filename) from None
                written.append("/".join(parts))
        if required is not None and required not in written:
            raise BaseJobMissing(
                f"The base artifacts hold no {'/'.join((*prefix, required))}.",
                remedy="Keep dbt's target/manifest.json and target/catalog.json as the base job's artifacts "
                       "(`artifacts: paths:`), or pass --artifacts-dir with the directory that holds them.")
        _replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(written)


def _replace(staging: Path, destination: Path) -> None:
    """Put ``staging`` where ``destination`` is (a previous copy removed only after the swap)."""
    if destination.is_symlink() or destination.is_file():
        destination.unlink()
    if not destination.exists():
        staging.rename(destination)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old.", dir=destination.parent))
    old.rmdir()
    destination.rename(old)
    staging.rename(destination)
    shutil.rmtree(old, ignore_errors=True)
