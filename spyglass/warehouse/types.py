"""Coarse column types of a query result: from the values when there are any, else from the driver's
DB-API type objects (``NUMBER``, ``STRING``, ``DATETIME``) declared by ``Dialect.dbapi_module``."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from spyglass.warehouse.base import ResultColumn, Value
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.families import TypeFamily, value_family


def coarse_types(
    description: Sequence[Sequence[Any]], rows: Sequence[Sequence[Value]], dialect: Dialect
) -> tuple[ResultColumn, ...]:
    """One :class:`ResultColumn` per column of a DB-API cursor description."""
    # Any: DB-API descriptions are 7-tuples of driver-specific objects
    dbapi = _dbapi(dialect)
    columns = []
    for index, column in enumerate(description):
        seen = {value_family(row[index]) for row in rows if row[index] is not None}
        if len(seen) == 1:
            kind = seen.pop()
        elif seen == {TypeFamily.INTEGER, TypeFamily.NUMBER}:
            kind = TypeFamily.NUMBER
        else:
            kind = _from_type_code(column[1], dbapi) if not seen else TypeFamily.UNKNOWN
        columns.append(ResultColumn(name=str(column[0]), type=kind))
    return tuple(columns)


def _dbapi(dialect: Dialect) -> Any:
    if dialect.dbapi_module is None:
        return None
    try:
        return importlib.import_module(dialect.dbapi_module)
    except ImportError:
        return None


def _from_type_code(type_code: Any, dbapi: Any) -> TypeFamily:
    if dbapi is None:
        return TypeFamily.UNKNOWN
    for attribute, kind in (("NUMBER", TypeFamily.NUMBER), ("STRING", TypeFamily.TEXT),
                            ("DATETIME", TypeFamily.DATETIME)):
        type_object = getattr(dbapi, attribute, None)
        if type_object is not None and type_code == type_object:
            return kind
    return TypeFamily.UNKNOWN
