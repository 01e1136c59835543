from __future__ import annotations

import stat
from pathlib import Path

import pytest

from spyglass.exceptions import StoreError
from spyglass.store import spyglass_home


def test_spyglass_home_is_created_private(tmp_path: Path) -> None:
    home = spyglass_home({"SPYGLASS_HOME": str(tmp_path / "a" / "home")})

    assert home == tmp_path / "a" / "home"
    assert home.is_dir()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_default_home_is_dot_spyglass_under_the_users_home(tmp_path: Path) -> None:
    assert spyglass_home({"HOME": str(tmp_path)}) == tmp_path / ".spyglass"
    assert (tmp_path / ".spyglass").is_dir()


def test_existing_home_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir(mode=0o755)
    (tmp_path / "home").chmod(0o755)

    spyglass_home({"SPYGLASS_HOME": str(tmp_path / "home")})

    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o755


def test_unusable_home_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")

    with pytest.raises(StoreError) as caught:
        spyglass_home({"SPYGLASS_HOME": str(tmp_path / "file" / "home")})

    assert "file/home" in caught.value.message
    assert "SPYGLASS_HOME" in caught.value.remedy
