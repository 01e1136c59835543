"""Render a user's Jinja SQL with ``ref()`` and ``source()`` resolved against one manifest.

No dbt compilation: ``ref``/``source`` return the ``relation_name`` dbt wrote into the manifest of
the environment being queried (base or current), so ``select * from {{ ref('orders') }}`` reads the
production table on the base side and the merge request's table on the current side. Other dbt
macros are not available. Rendering uses Jinja's immutable sandbox under the limits of
:class:`~spyglass.warehouse.render_budget.RenderLimits` (time, steps, size) and stops when its
run's :class:`~spyglass.warehouse.base.CancelToken` fires (see :mod:`spyglass.warehouse.render_guard`).
"""

from __future__ import annotations

from jinja2 import TemplateError

from spyglass.exceptions import CheckError, RenderLimitExceeded, SpyglassError
from spyglass.project.models import Manifest, Node, ResourceType
from spyglass.warehouse.base import CancelToken
from spyglass.warehouse.render_budget import RenderLimits
from spyglass.warehouse.render_guard import compile_guarded

_REF_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})


#: limits for any template a user writes by hand (see RenderLimits)
DEFAULT_LIMITS = RenderLimits()


def render_sql(template: str, manifest: Manifest, env_label: str, *, limits: RenderLimits = DEFAULT_LIMITS,
               cancel: CancelToken | None = None) -> str:
    """``template`` with ``ref('m')``, ``ref('pkg', 'm')`` and ``source('s', 't')`` resolved.

    Raises:
        CheckError: an unknown ref/source, a node that is not materialized, or a Jinja error.
        RenderLimitExceeded: the template ran past ``limits`` (time, steps, size of a value or of the SQL).
        Cancelled: ``cancel`` fired while rendering.
    """

    def ref(*args: str, **kwargs: object) -> str:
        if len(args) not in (1, 2):
            raise CheckError("ref() takes a model name, or a package and a model name.",
                             remedy="Write {{ ref('model') }} or {{ ref('package', 'model') }}.")
        return _relation_of(find_ref(manifest, args[-1], args[0] if len(args) == 2 else None),
                            f"ref({', '.join(repr(a) for a in args)})", env_label)

    def source(source_name: str, table_name: str) -> str:
        node = find_source(manifest, source_name, table_name)
        return _relation_of(node, f"source({source_name!r}, {table_name!r})", env_label)

    try:
        compiled = compile_guarded(template, limits, cancel)
        parts: list[str] = []
        size = 0
        for chunk in compiled.generate(ref=ref, source=source):
            size += len(chunk)
            if size > limits.max_chars:
                raise RenderLimitExceeded(
                    f"The rendered SQL is longer than {limits.max_chars:,} characters; rendering was stopped.",
                    remedy="Generate less SQL (check the template's loops), or split it into several queries.")
            parts.append(chunk)
        return "".join(parts)
    except SpyglassError:
        raise
    except TemplateError as exc:
        raise CheckError(f"The SQL template is not valid Jinja: {_excerpt(exc)}",
                         remedy="Fix the template; only ref() and source() are available.") from exc
    except RecursionError as exc:
        raise RenderLimitExceeded("The SQL template nests or recurses too deeply (a macro that calls itself "
                                  "without end?) and was stopped.",
                                  remedy="Give the recursion a stopping condition, or nest less.") from exc
    except Exception as exc:  # TypeError, ZeroDivisionError, OverflowError ... raised by the template's own code
        raise CheckError(f"Rendering the SQL template failed: {type(exc).__name__}: {_excerpt(exc)}",
                         remedy="Fix the template expression that raised it.") from exc


def _excerpt(exc: Exception, width: int = 300) -> str:
    text = str(exc)
    return text if len(text) <= width else text[:width] + "..."


def find_ref(manifest: Manifest, name: str, package: str | None) -> Node | None:
    for node in manifest.nodes.values():
        if node.name == name and node.resource_type in _REF_TYPES and package in (None, node.package_name):
            return node
    return None


def find_source(manifest: Manifest, source_name: str, table_name: str) -> Node | None:
    suffix = f".{source_name}.{table_name}"
    for node in manifest.nodes.values():
        if node.resource_type is ResourceType.SOURCE and node.unique_id.endswith(suffix):
            return node
    return None


def _relation_of(node: Node | None, call: str, env_label: str) -> str:
    if node is None:
        raise CheckError(f"{call} does not name a node of the {env_label} manifest.",
                         remedy="Check the spelling, or build the project so the manifest contains it.")
    if not node.relation_name:
        raise CheckError(f"{call} resolves to {node.unique_id}, which is not materialized in the "
                         f"{env_label} environment (ephemeral or not a relation).",
                         remedy="Query a table or view model instead.")
    return node.relation_name
