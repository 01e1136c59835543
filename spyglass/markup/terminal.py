"""Rich text for the checks' terminal views (pure): values shown literally, never read as markup."""

from __future__ import annotations

from rich.text import Text

from spyglass.markup.tables import Scalar


def value_text(value: Scalar) -> Text:
    """One value for a table cell: NULL dim and italic, anything else as its plain text."""
    return Text("NULL", style="dim italic") if value is None else Text(str(value))


def styled_value(value: Scalar, style: str) -> Text:
    """:func:`value_text` in ``style`` (a removed value in red, an added one in green)."""
    text = value_text(value)
    text.stylize(style)
    return text
