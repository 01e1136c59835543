"""What a manual check is asked: nothing (Recce writes no params), its spec and title."""

from __future__ import annotations

from typing import Literal

from spyglass.checks.base import CheckSpec, Params


class SimpleParams(Params):
    """No params (Recce writes none; anything given is ignored)."""


class SimpleSpec(CheckSpec[SimpleParams]):
    type: Literal["simple"] = "simple"


def title(params: SimpleParams) -> str:
    return "Manual check"
