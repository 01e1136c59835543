"""The one list of the check types Spyglass can run: their specs, results and definitions.

A spec enters as ``{"type": ..., "params": {...}}`` (the API, the state file, ``spyglass.yml`` /
``recce.yml``) and is parsed once into :data:`AnySpec`, a union discriminated by ``type`` (Recce's
older aliases accepted and normalised); from there every layer passes it typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from spyglass.checks.base import CheckDefinition, CheckSpec, Result
from spyglass.checks.histogram import HISTOGRAM_DIFF
from spyglass.checks.lineage_diff import LINEAGE_DIFF
from spyglass.checks.profile import PROFILE_DIFF
from spyglass.checks.query import QUERY
from spyglass.checks.query_diff import QUERY_DIFF
from spyglass.checks.row_count import ROW_COUNT_DIFF
from spyglass.checks.schema_diff import SCHEMA_DIFF
from spyglass.checks.simple import SIMPLE
from spyglass.checks.top_k import TOP_K_DIFF
from spyglass.checks.value_diff import VALUE_DIFF
from spyglass.checks.value_diff_detail import VALUE_DIFF_DETAIL
from spyglass.exceptions import InvalidSpec

#: THE list of check types: adding a type is its package (``spyglass.checks.<type>``, exporting its definition)
#: plus its entry here (the import above and one line below).
_ALL: tuple[CheckDefinition[Any, Any], ...] = (
    LINEAGE_DIFF,
    SCHEMA_DIFF,
    ROW_COUNT_DIFF,
    VALUE_DIFF,
    VALUE_DIFF_DETAIL,
    QUERY,
    QUERY_DIFF,
    PROFILE_DIFF,
    TOP_K_DIFF,
    HISTOGRAM_DIFF,
    SIMPLE,
)

# Any: each definition has its own Params/Result pair; callers reach one through definition_of(spec).
DEFINITIONS: dict[str, CheckDefinition[Any, Any]] = {d.type: d for d in _ALL}
#: the same definitions by the ``kind`` their results carry
BY_KIND: dict[str, CheckDefinition[Any, Any]] = {d.kind: d for d in _ALL}

#: Recce's older aliases for the same types.
ALIASES: dict[str, str] = {"row_count": ROW_COUNT_DIFF.type, "profile": PROFILE_DIFF.type}


def canonical_type(type_name: str) -> str:
    """The type's own name for a name as written (a Recce alias is replaced)."""
    return ALIASES.get(type_name, type_name)


def _normalise(value: object) -> object:
    """Before the union picks a spec by ``type``: aliases become the type's name, absent params ``{}``."""
    if not isinstance(value, Mapping):
        return value
    spec = dict(value)
    if isinstance(spec.get("type"), str):
        spec["type"] = canonical_type(spec["type"])
    spec.setdefault("params", {})
    return spec


if TYPE_CHECKING:
    # what callers may rely on statically: a spec's ``type`` and ``params``, a result's verdict
    AnySpec: TypeAlias = CheckSpec[Any]
    AnyResult: TypeAlias = Result
else:
    # at run time, the unions of every definition's models, discriminated by ``type`` / ``kind``
    AnySpec = Annotated[Union[tuple(d.spec_model for d in _ALL)], Field(discriminator="type"),  # noqa: UP007
                        BeforeValidator(_normalise)]
    AnyResult = Annotated[Union[tuple(d.result_model for d in _ALL)], Field(discriminator="kind")]  # noqa: UP007

_SPECS: TypeAdapter[AnySpec] = TypeAdapter(AnySpec)


def parse_spec(type_name: str, params: object) -> AnySpec:
    """The typed spec of a check type (a Recce alias accepted) and its params as written: the one
    validation of what to check, wherever it comes from.

    Raises:
        InvalidSpec: the type is unknown (the known ones are listed) or the params do not fit it (the
            field is named).
    """
    definition = DEFINITIONS.get(canonical_type(type_name))
    if definition is None:
        raise InvalidSpec(f"Spyglass has no check type {type_name!r}.",
                         remedy="Use one of: " + ", ".join(DEFINITIONS) + ".")
    try:
        return _SPECS.validate_python({"type": definition.type, "params": params})
    except ValidationError as exc:
        raise InvalidSpec(f"Invalid params for {definition.type}: {params_problems(exc)}.",
                         remedy="Fix the check's params (in spyglass.yml, the state file or the request) "
                                "and try again.") from None


def params_problems(exc: ValidationError) -> str:
    """``field: problem; ...`` for a spec's validation error, located inside ``params``."""
    parts = []
    for err in exc.errors():
        loc = err["loc"]
        inside = loc[loc.index("params") + 1:] if "params" in loc else loc
        parts.append(f"{'.'.join(str(p) for p in inside) or 'params'}: {err['msg']}")
    return "; ".join(parts)


def definition_of(spec: AnySpec) -> CheckDefinition[Any, Any]:
    """The definition of a parsed spec's type."""
    return DEFINITIONS[spec.type]


def title(spec: AnySpec) -> str:
    """A default name for a check of this spec (``"Value diff of orders"``)."""
    return definition_of(spec).title(spec.params)
