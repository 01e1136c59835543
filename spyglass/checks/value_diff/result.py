"""What a value diff found: row counts by kind, per-column matches, example keys, where the changes are."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spyglass.checks.sampling import SampledResult, SampleInfo
from spyglass.checks.sql import JsonScalar


class ColumnMatch(BaseModel):
    """How one compared column fared on the rows present on both sides."""

    model_config = ConfigDict(frozen=True)

    column: str
    base_type: str | None = None
    current_type: str | None = None
    matched: int
    mismatched: int
    #: the smallest key whose value differs in this column
    example_key: JsonScalar = None

    @property
    def matched_p(self) -> float | None:
        """Share of in-both rows whose values match (None when no row is on both sides)."""
        total = self.matched + self.mismatched
        return self.matched / total if total else None


#: a kind of differing row: removed (base only), added (current only), changed (in both, some value differs)
SegmentKind = Literal["removed", "added", "changed"]


class Segment(BaseModel):
    """Where one kind of differing row concentrates: most of them have ``column`` = ``value``.

    Values come from base for removed and changed rows, from current for added rows (:attr:`side`), in
    their text form (None: NULL). ``overall_rows`` of the ``side_rows`` rows on that side hold the value,
    so a reader can tell "92% of changed rows, 5% of all rows" from a column that holds it everywhere.
    """

    model_config = ConfigDict(frozen=True)

    kind: SegmentKind
    column: str
    value: str | None
    #: rows of this kind with the value
    rows: int
    #: rows of this kind
    kind_rows: int
    #: rows on :attr:`side` with the value, and all rows on that side
    overall_rows: int
    side_rows: int
    #: the column holds text (the value is shown quoted); numbers and booleans are shown bare
    text: bool = True

    def shown(self) -> str:
        """The value as SQL would write it: quoted text, bare numbers and booleans (``NULL`` for none)."""
        if self.value is None:
            return "NULL"
        return "'" + self.value.replace("'", "''") + "'" if self.text else self.value

    @property
    def side(self) -> Literal["base", "current"]:
        """Where the values were read: current for added rows, base for removed and changed rows."""
        return "current" if self.kind == "added" else "base"

    @property
    def share(self) -> float:
        """Share of this kind's rows that have the value."""
        return self.rows / self.kind_rows if self.kind_rows else 0.0

    @property
    def overall_share(self) -> float:
        """Share of all rows on :attr:`side` that have the value."""
        return self.overall_rows / self.side_rows if self.side_rows else 0.0


class ValueDiffResult(SampledResult):
    """``sample`` (:class:`SampledResult`) set: every count is the sample's."""

    kind: Literal["value_diff"] = "value_diff"
    model: str
    primary_key: tuple[str, ...]
    base_rows: int
    current_rows: int
    added: int
    removed: int
    in_both: int
    changed: int
    columns: tuple[ColumnMatch, ...]
    base_only_columns: tuple[str, ...] = ()
    current_only_columns: tuple[str, ...] = ()
    #: a few keys of each kind of difference (smallest and largest)
    example_added: tuple[JsonScalar, ...] = ()
    example_removed: tuple[JsonScalar, ...] = ()
    example_changed: tuple[JsonScalar, ...] = ()
    abs_tolerance: float | None = None
    rel_tolerance: float | None = None
    #: where the differing rows concentrate, most concentrated first (:mod:`.segments`); empty when
    #: nothing differs, when no segment holds most of a kind, or when the grouping was not run
    segments: tuple[Segment, ...] = ()
    #: the columns the differing rows were grouped by (empty when the grouping did not run)
    segment_columns: tuple[str, ...] = ()

    @property
    def mismatch(self) -> bool:
        return bool(self.added or self.removed or self.changed or any(c.mismatched for c in self.columns))

    @property
    def headline(self) -> str:
        if self.sample is not None:
            return sampled_headline(self, self.sample)
        if not self.base_rows and not self.current_rows:
            return "both sides empty: 0 rows each"
        if not self.mismatch:
            return f"identical: {self.in_both:,} rows, {len(self.columns)} columns match"
        parts = [f"{self.added:,} added", f"{self.removed:,} removed",
                 f"{self.changed:,} of {self.in_both:,} changed"]
        return ", ".join(parts)


def sampled_headline(result: ValueDiffResult, sample: SampleInfo) -> str:
    """A sampled result's headline: its counts as the sample's, the changed rate with its interval; no
    difference reads "no difference in a 10% sample (0 of 1,012 keys; ≤0.38% at 95%)", never "identical"."""
    if not result.mismatch:
        return f"no difference in a {sample.percent} sample ({sample.interval_text(0, result.in_both)})"
    changed = sample.rate_text(result.changed, result.in_both)
    return (f"in a {sample.percent} sample: {result.added:,} added, {result.removed:,} removed, "
            f"changed {changed}")
