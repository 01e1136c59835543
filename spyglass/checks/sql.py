"""SQL-building helpers every data check shares, over sqlglot trees.

Identifiers are quoted by the adapter (:meth:`Warehouse.quote`) and embedded verbatim in the tree, so
what reaches the warehouse is exactly what dbt would write; relations come from
:meth:`Warehouse.relation`. Engine differences come from the warehouse's declared
:class:`~spyglass.warehouse.dialects.Dialect`, never from branching on the engine.

Typical use::

    sql = SqlBuilder.for_warehouse(warehouse)
    query = exp.select(sql.count_if(sql.col("id", "b").is_(exp.null()))).from_(sql.relation(rel, "b"))
    warehouse.execute(sql.render(query))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

import sqlglot
from sqlglot import exp

from spyglass.warehouse.base import QueryResult, Value, Warehouse
from spyglass.warehouse.dialects import Dialect
from spyglass.warehouse.families import TypeFamily, type_family


def _normalize_type(type_name: str) -> str:
    return re.sub(r"\s+", " ", type_name.strip().lower())


#: types some engines cannot compare with ``=`` or group by (PostgreSQL ``json``, ``xml``): compared as text
_NO_EQUALITY = re.compile(r"^(json|xml)$")


def comparison_type(base_type: str | None, current_type: str | None, dialect: Dialect) -> str | None:
    """The type both sides are cast to before comparing, or None when they compare as they are.

    Declared per dialect: integers of different widths compare as the dialect's ``integer_type``,
    mixed numerics as its ``float_type``, texts of different lengths and values of unrelated types
    (``int`` vs ``varchar``) by their text form, as are types without equality (``json``). Unknown types
    are left to the engine.
    """
    if any(t and _NO_EQUALITY.match(_normalize_type(t)) for t in (base_type, current_type)):
        return dialect.text_type
    if not base_type or not current_type or _normalize_type(base_type) == _normalize_type(current_type):
        return None
    base, current = type_family(base_type), type_family(current_type)
    if TypeFamily.UNKNOWN in (base, current):
        return None
    if base == current == TypeFamily.INTEGER:
        return dialect.integer_type
    if base.numeric and current.numeric:
        return dialect.float_type
    if base == current and base is not TypeFamily.TEXT:
        return None
    return dialect.text_type


def and_all(conditions: Iterable[exp.Expr]) -> exp.Expr:
    """``a AND b AND ...`` (TRUE for no condition)."""
    items = list(conditions)
    return exp.and_(*items) if items else exp.true()


def or_all(conditions: Iterable[exp.Expr]) -> exp.Expr:
    """``a OR b OR ...`` (FALSE for no condition)."""
    items = list(conditions)
    return exp.or_(*items) if items else exp.false()


def count_if(condition: exp.Expr) -> exp.Expr:
    """``SUM(CASE WHEN cond THEN 1 ELSE 0 END)``: portable conditional count (never NULL on rows)."""
    return exp.func("COALESCE", exp.Sum(this=flag(condition)), exp.Literal.number(0))


@dataclass(frozen=True)
class Numbered:
    """The output names of one kind, one per column or key, that a statement selects and its reader reads:
    ``Numbered("mismatched")(2) == "mismatched_2"`` (distinct, lower case)."""

    prefix: str

    def __call__(self, position: int) -> str:
        return f"{self.prefix}_{position}"


def flag(condition: exp.Expr) -> exp.Expr:
    """``CASE WHEN cond THEN 1 ELSE 0 END``: a condition as a 0/1 number (portable across drivers)."""
    return exp.case().when(condition, exp.Literal.number(1)).else_(exp.Literal.number(0))


def divide(left: exp.Expr, right: exp.Expr) -> exp.Expr:
    """``left / right`` with the engine's own division, as written (sqlglot adds no cast to it)."""
    return exp.Div(this=left, expression=right, typed=True, safe=False)


#: stands for the expression of a dialect's template while the template is parsed
_PLACEHOLDER = "spyglass_template_expr"


@lru_cache(maxsize=64)
def _parsed_template(text: str, dialect: str) -> exp.Expr:
    return sqlglot.parse_one(text, read=dialect or None)


@lru_cache(maxsize=64)
def _data_type(type_name: str, dialect: str) -> exp.DataType:
    """A type name parsed in a dialect (parsed once; callers copy it into their trees)."""
    return exp.DataType.build(type_name, dialect=dialect or None)


def is_null(expr: exp.Expr) -> exp.Expr:
    return exp.Is(this=expr.copy(), expression=exp.Null())


def not_null(expr: exp.Expr) -> exp.Expr:
    return exp.Not(this=is_null(expr))


@dataclass(frozen=True)
class SqlBuilder:
    """Builds SQL trees for one warehouse: its quoting and its dialect."""

    quote: Callable[[str], str]
    dialect: Dialect

    @classmethod
    def for_warehouse(cls, warehouse: Warehouse) -> SqlBuilder:
        return cls(quote=warehouse.quote, dialect=warehouse.dialect)

    # -- names ----------------------------------------------------------------------------------------
    def ident(self, name: str) -> exp.Expr:
        """An identifier quoted by the adapter, embedded verbatim."""
        return exp.Var(this=self.quote(name))

    def col(self, name: str, table: str | None = None) -> exp.Expr:
        """Column ``name`` (adapter-quoted), optionally qualified by a plain alias such as ``b``."""
        return exp.Column(this=self.ident(name), table=exp.to_identifier(table) if table else None)

    def relation(self, relation: str, alias: str | None = None) -> exp.Expr:
        """A relation name as :meth:`Warehouse.relation` returned it, usable in FROM/JOIN."""
        table = exp.Table(this=exp.Var(this=relation))
        return exp.alias_(table, alias, table=True) if alias else table

    def filtered(self, relation: str, condition: exp.Expr, alias: str) -> exp.Expr:
        """``(SELECT * FROM relation WHERE condition) AS alias``; ``condition`` is a parsed tree
        (:func:`spyglass.checks.user_sql.parse_condition`), never text."""
        query = exp.select("*").from_(self.relation(relation)).where(condition.copy())
        return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))

    # -- expressions ----------------------------------------------------------------------------------
    def cast(self, expr: exp.Expr, type_name: str | None) -> exp.Expr:
        """``CAST(expr AS type_name)``, or ``expr`` unchanged when ``type_name`` is None."""
        if type_name is None:
            return expr
        return exp.Cast(this=expr, to=_data_type(type_name, self.dialect.sqlglot).copy())

    def cast_text(self, expr: exp.Expr) -> exp.Expr:
        return self.cast(expr, self.dialect.text_type)

    def null_safe_eq(self, left: exp.Expr, right: exp.Expr) -> exp.Expr:
        """True when both are equal or both NULL."""
        if self.dialect.null_safe_equals:
            return exp.NullSafeEQ(this=left, expression=right)
        equal = exp.EQ(this=left.copy(), expression=right.copy())
        both_null = exp.and_(is_null(left), is_null(right))
        return exp.paren(exp.or_(exp.paren(equal), exp.paren(both_null)))

    def within_tolerance(
        self, left: exp.Expr, right: exp.Expr, abs_tolerance: float | None,
        rel_tolerance: float | None,
    ) -> exp.Expr:
        """Null-safe numeric match: both NULL, or ``|a-b| <= abs`` or ``|a-b| <= rel * max(|a|,|b|)``."""
        a = self.cast(left, self.dialect.float_type)
        b = self.cast(right, self.dialect.float_type)
        delta = exp.Abs(this=exp.Sub(this=a.copy(), expression=b.copy()))
        tests: list[exp.Expr] = [exp.EQ(this=left.copy(), expression=right.copy())]
        if abs_tolerance is not None:
            tests.append(exp.LTE(this=delta.copy(), expression=_number(abs_tolerance)))
        if rel_tolerance is not None:
            scale = exp.Greatest(this=exp.Abs(this=a.copy()), expressions=[exp.Abs(this=b.copy())])
            bound = exp.Mul(this=_number(rel_tolerance), expression=scale)
            tests.append(exp.LTE(this=delta.copy(), expression=bound))
        both_null = exp.and_(is_null(left), is_null(right))
        present = exp.and_(not_null(left), not_null(right), exp.paren(or_all(tests)))
        return exp.paren(exp.or_(exp.paren(both_null), exp.paren(present)))

    def template(self, template: str, expr: exp.Expr, **words: str) -> exp.Expr:
        """A dialect's ``{expr}`` template (``median({expr})``, ``date_trunc('{unit}', {expr})``) as a tree
        around ``expr``: parsed in the dialect with a placeholder for ``{expr}``, which is then replaced.
        ``words`` fill the template's other fields; they are a fixed vocabulary (``month``), never user text."""
        parsed = _parsed_template(template.format(expr=_PLACEHOLDER, **words), self.dialect.sqlglot)
        return parsed.transform(
            lambda node: expr.copy() if isinstance(node, exp.Column) and node.name == _PLACEHOLDER else node)

    def template_args(self, template: str, exprs: Sequence[exp.Expr]) -> exp.Expr:
        """A dialect's template whose ``{expr}`` is an argument list (``hash({expr})``) as a tree with
        ``exprs`` as those arguments (ValueError when ``{expr}`` is not in an argument list)."""
        parsed = _parsed_template(template.format(expr=_PLACEHOLDER), self.dialect.sqlglot).copy()
        for node in parsed.find_all(exp.Column):
            parent, key = node.parent, node.arg_key
            args = parent.args.get(key) if parent is not None and key is not None else None
            if node.name == _PLACEHOLDER and parent is not None and key is not None and isinstance(args, list):
                at = next(i for i, arg in enumerate(args) if arg is node)
                parent.set(key, [*args[:at], *(e.copy() for e in exprs), *args[at + 1:]])
                return parsed
        raise ValueError(f"{template!r} has no {{expr}} argument list")

    def key_text(self, columns: Sequence[exp.Expr]) -> exp.Expr:
        """One text value for a (composite) key: ``a`` or ``a || '|' || b`` (keys are non-null)."""
        parts = [self.cast_text(c.copy()) for c in columns]
        text = parts[0]
        for part in parts[1:]:
            text = exp.DPipe(this=exp.DPipe(this=text, expression=exp.Literal.string("|")), expression=part)
        return text

    # -- statements -----------------------------------------------------------------------------------
    def render(self, expr: exp.Expr) -> str:
        """The SQL text of a tree in this warehouse's dialect."""
        return expr.sql(dialect=self.dialect.sqlglot or None)

    def probe(self, from_item: exp.Expr) -> str:
        """A query returning no rows, only the column names and types of ``from_item``."""
        return self.render(exp.select("*").from_(from_item).where(exp.false()).limit(0))


def _number(value: float) -> exp.Expr:
    return exp.Literal.number(repr(float(value)))


def checked(result: QueryResult | Exception) -> QueryResult:
    """One slot of :meth:`Warehouse.execute_many`'s answer, raising the error it holds."""
    if isinstance(result, Exception):
        raise result
    return result


def find_column(columns: Sequence[str], name: str) -> str | None:
    """The actual spelling of ``name`` among ``columns``: exact match first, then case-insensitive."""
    if name in columns:
        return name
    lowered = [c for c in columns if c.lower() == name.lower()]
    return lowered[0] if len(lowered) == 1 else None


#: A warehouse value made JSON-safe (what results store).
JsonScalar = str | int | float | bool | None


def to_json_scalar(value: Value) -> JsonScalar:
    """A warehouse value as a JSON-safe scalar: decimals as numbers, dates ISO 8601, bytes as hex."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**63 else float(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
