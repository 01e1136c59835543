"""The README's exit code table is the one the code uses: every error's exit code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from spyglass.cli.main import _register
from spyglass.exceptions import Cancelled, SpyglassError, UsageError

README = Path(__file__).resolve().parents[2] / "README.md"


def _documented() -> dict[int, str]:
    section = README.read_text(encoding="utf-8").split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {int(code): when for code, when in re.findall(r"^\| (\d+) \| (.+) \|$", section, re.MULTILINE)}


def _subclasses(cls: type[SpyglassError]) -> set[type[SpyglassError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_exit_code_is_in_the_readme_table() -> None:
    documented = _documented()
    assert sorted(documented) == [0, 1, 2, 3, 4, 130]
    _register()  # imports every command, and with them every error class
    errors = _subclasses(SpyglassError) | {SpyglassError}
    assert {cls.__name__ for cls in errors} >= {"GitLabReadOnly", "WarehouseUnavailable", "CheckSkipped"}
    undocumented = {cls.__name__: cls.exit_code for cls in errors if cls.exit_code not in documented}
    assert undocumented == {}
    assert UsageError.exit_code == click.UsageError.exit_code == 2 and "usage error" in documented[2]
    assert Cancelled.exit_code == 130 and "interrupted" in documented[130]
    assert "read merge requests but posting will fail" in documented[3]
    assert "no base artifacts" in documented[4]
