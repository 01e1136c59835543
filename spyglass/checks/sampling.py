"""Deterministic sampling by primary key, and what a sampled rate can claim.

A sample keeps the rows whose key hashes, modulo :data:`BUCKETS`, under ``fraction * BUCKETS``: the hash is
the dialect's declared :attr:`~spyglass.warehouse.dialects.Dialect.sample_hash` of the key's text form
(cast to one type on both sides first, as the comparison casts it), so base and current keep exactly
the same keys and a key in both is compared with itself; a key added or removed is kept, or not, as it
would be on the other side. The same fraction keeps the same keys in every run.

A rate read from a sample is an estimate: :func:`wilson` gives its 95% interval (Wilson's score
interval, sound at 0 and for rare events), and a sample that found nothing proves nothing beyond "at
most so much at 95%" (:func:`rate_text`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field
from sqlglot import exp

from spyglass.checks.base import CheckContext, Result
from spyglass.checks.compare import ColumnPair, alias_of
from spyglass.checks.sides import Side
from spyglass.checks.sql import SqlBuilder, checked
from spyglass.exceptions import CheckError

#: how many hash buckets a sample's fraction is cut from (a fraction is rounded to 1 / BUCKETS)
BUCKETS = 1_000_000
#: the normal quantile of a two-sided 95% interval
Z95 = 1.959963984540054


def wilson(hits: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of a rate of ``hits`` in ``trials`` (``(0.0, 1.0)`` for no trial) (pure)."""
    if trials <= 0:
        return 0.0, 1.0
    p = hits / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == trials else min(1.0, centre + half)
    return low, high


def share(rate: float) -> str:
    """A rate as a short percentage (``0.4%``, ``12%``, ``<0.01%``) (pure)."""
    if rate == 0:
        return "0%"
    if rate < 0.0001:
        return "<0.01%"
    if rate < 0.01:
        return f"{rate * 100:.2f}%"
    if rate < 0.1:
        return f"{rate * 100:.1f}%"
    return f"{rate * 100:.0f}%"


class SampleInfo(BaseModel):
    """How a result was sampled: ``fraction`` of the keys, chosen by hashing them (the same keys on
    both sides). Counts in such a result are the sample's; rates are estimates with a 95% interval."""

    model_config = ConfigDict(frozen=True)

    fraction: float

    @property
    def percent(self) -> str:
        return share(self.fraction)

    @property
    def described(self) -> str:
        return f"a {self.percent} sample of the keys"

    def rate_text(self, hits: int, trials: int, unit: str = "keys") -> str:
        """``"1.0% (101 of 10,040 keys; 0.83%-1.2% at 95%)"``, or for no hit ``"0% (0 of 1,012 keys;
        ≤0.38% at 95%)"``: a sample that found nothing bounds the rate, it does not prove it zero."""
        rate = share(hits / trials) if trials else "-"
        return f"{rate} ({self.interval_text(hits, trials, unit)})"

    def interval_text(self, hits: int, trials: int, unit: str = "keys") -> str:
        """``"101 of 10,040 keys; 0.83%-1.2% at 95%"`` (for no hit: ``"0 of 1,012 keys; ≤0.38% at 95%"``)."""
        low, high = wilson(hits, trials)
        bound = f"≤{share(high)}" if hits == 0 else f"{share(low)}-{share(high)}"
        return f"{hits:,} of {trials:,} {unit}; {bound} at 95%"


class SampledResult(Result):
    """A result that may come from a sample of the keys (``sample`` set: every count in it is the sample's)."""

    #: left out of the written result when None, so a result that saw every row keeps the digest it had
    #: before sampling existed (an approval survives the upgrade)
    sample: SampleInfo | None = Field(default=None, exclude_if=lambda value: value is None)

    @property
    def conclusive(self) -> bool:
        """A sample that found no difference proves nothing about the rest: never auto-approved."""
        return self.sample is None or self.mismatch

    @property
    def sampled(self) -> str | None:
        return None if self.sample is None else self.sample.described


def bucket_limit(fraction: float) -> int:
    """How many of :data:`BUCKETS` a fraction keeps (at least one) (pure)."""
    return max(1, min(BUCKETS, round(fraction * BUCKETS)))


def effective_fraction(fraction: float) -> float:
    """The fraction a sample of ``fraction`` actually keeps, once cut to whole buckets (pure)."""
    return bucket_limit(fraction) / BUCKETS


def sample_condition(sql: SqlBuilder, keys: Sequence[ColumnPair], side: str, fraction: float) -> exp.Expr:
    """``abs(hash(key text) % BUCKETS) < limit`` over the key columns (unqualified) of the side aliased
    ``side`` (:data:`~spyglass.checks.compare.BASE` or :data:`~spyglass.checks.compare.CURRENT`).

    Raises:
        CheckError: the warehouse's dialect declares no sample hash.
    """
    template = sql.dialect.sample_hash
    if template is None:
        raise CheckError(f"Sampling is not available on {sql.dialect.name}: its dialect declares no hash.",
                         remedy="Run the check without sampling (drop sample/--sample), or narrow it with where:.")
    columns = [sql.cast(sql.col(k.on(side)), k.cast) for k in keys]
    hashed = sql.template(template, sql.key_text(columns))
    bucket = exp.Abs(this=exp.Mod(this=exp.paren(hashed), expression=exp.Literal.number(BUCKETS)))
    return exp.LT(this=bucket, expression=exp.Literal.number(bucket_limit(fraction)))


def sampled_side(sql: SqlBuilder, side: Side, keys: Sequence[ColumnPair], fraction: float) -> Side:
    """``side`` limited to the sampled keys: ``(SELECT * FROM <side> WHERE <sample>) AS <alias>``, so a row
    filter (``where:``) already in the side still applies, and the statements read it as before."""
    alias = alias_of(side)
    query = exp.select("*").from_(side.from_item.copy()).where(sample_condition(sql, keys, alias, fraction))
    item = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias)))
    return replace(side, from_item=item)


def count_query(sql: SqlBuilder, from_item: exp.Expr) -> str:
    """``SELECT count(*) AS row_count FROM <from_item>``."""
    return sql.render(exp.select(exp.alias_(exp.Count(this=exp.Star()), "row_count")).from_(from_item.copy()))


def sample_of(fraction: float | None, rows: int | None, ctx: CheckContext, sql: SqlBuilder, base: Side,
              current: Side) -> SampleInfo | None:
    """The sample a check asked for: ``fraction`` of the keys, or about ``rows`` keys (both sides counted
    first, concurrently); None when it asked for none, or the sample would hold every key."""
    if fraction is None and rows is not None:
        warehouse = ctx.require_warehouse()
        counted = warehouse.execute_many([count_query(sql, base.from_item), count_query(sql, current.from_item)],
                                         cancel=ctx.cancel)
        largest = max(checked(result).record().as_int("row_count") for result in counted)
        fraction = rows / largest if largest else 1.0
    if fraction is None or effective_fraction(fraction) >= 1:
        return None
    return SampleInfo(fraction=effective_fraction(fraction))
