"""The one type vocabulary: what a column's type means for comparing, profiling and showing values.

Every warehouse type name (``BIGINT``, ``character varying(20)``, ``TIMESTAMP WITH TIME ZONE``) and
every value a driver returns maps to one :class:`TypeFamily`. Pure.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum


class TypeFamily(str, Enum):
    """A coarse type; its value is what the state file and the API show (``"integer"`` ...)."""

    INTEGER = "integer"
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    UNKNOWN = "unknown"

    @property
    def numeric(self) -> bool:
        return self in (TypeFamily.INTEGER, TypeFamily.NUMBER)

    @property
    def temporal(self) -> bool:
        return self in (TypeFamily.DATE, TypeFamily.DATETIME)

    @property
    def ordered(self) -> bool:
        """``min``/``max`` are meaningful and every engine supports them."""
        return self.numeric or self.temporal or self is TypeFamily.TEXT


_FAMILY_PATTERNS: tuple[tuple[TypeFamily, re.Pattern[str]], ...] = (
    (TypeFamily.DATETIME, re.compile(r"timestamp|datetime")),
    (TypeFamily.DATE, re.compile(r"^date\b")),
    (TypeFamily.INTEGER, re.compile(r"^u?(tiny|small|big|huge)?int(?!erval)|^int\d|^serial|^long")),
    (TypeFamily.NUMBER, re.compile(r"^(numeric|decimal|double|float|real|number)")),
    (TypeFamily.TEXT, re.compile(r"char|text|string|^varchar|^bpchar|^name$|^uuid")),
    (TypeFamily.BOOLEAN, re.compile(r"^bool")),
)


def type_family(type_name: str | None) -> TypeFamily:
    """Classify a warehouse type name (``BIGINT``, ``character varying(20)``) or a family's own name."""
    if not type_name:
        return TypeFamily.UNKNOWN
    name = type_name.strip().lower()
    for family, pattern in _FAMILY_PATTERNS:
        if pattern.search(name):
            return family
    return TypeFamily.UNKNOWN


def value_family(value: object) -> TypeFamily:
    """The family of one non-null Python value from a driver (times of day and bytes are ``unknown``)."""
    if isinstance(value, bool):
        return TypeFamily.BOOLEAN
    if isinstance(value, int):
        return TypeFamily.INTEGER
    if isinstance(value, float | Decimal):
        return TypeFamily.NUMBER
    if isinstance(value, datetime):
        return TypeFamily.DATETIME
    if isinstance(value, date):
        return TypeFamily.DATE
    if isinstance(value, str):
        return TypeFamily.TEXT
    return TypeFamily.UNKNOWN
