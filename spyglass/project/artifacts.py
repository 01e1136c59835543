"""PLACEHOLDER: load manifest.json/catalog.json into spyglass.project.models (to be implemented)."""

from __future__ import annotations

from pathlib import Path

from spyglass.project.models import ArtifactPair


def load_pair(base_dir: Path, current_dir: Path) -> ArtifactPair:
    """Load base and current artifacts (raises ArtifactError)."""
    raise NotImplementedError


def artifact_fingerprint(base_dir: Path, current_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of every artifact file, to notice when dbt rewrote them."""
    out: list[tuple[str, int, int]] = []
    for directory in (base_dir, current_dir):
        for name in ("manifest.json", "catalog.json"):
            path = directory / name
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)
