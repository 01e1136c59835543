"""Render a user's Jinja SQL the way dbt would, against one environment's manifest.

No dbt compilation: ``ref``/``source`` return the ``relation_name`` dbt wrote into the manifest of
the environment being queried (base or current), resolved as dbt resolves them
(:mod:`spyglass.project.lookup`: package, version, latest version), so ``select * from {{ ref('orders') }}`` reads the
production table on the base side and the merge request's table on the current side. ``var()`` follows
dbt (``--vars``, then ``dbt_project.yml``; :mod:`spyglass.project.variables`), and the macros of the
project and its packages can be called (:mod:`spyglass.project.render_context`); dbt's run-time
context (``adapter``, ``run_query`` ...) is not available. Rendering uses Jinja's immutable sandbox
under the limits of :class:`~spyglass.project.render_budget.RenderLimits` (time, steps, size) and stops
when its run is cancelled (see :mod:`spyglass.project.render_guard`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import TemplateError

from spyglass.exceptions import CheckError, RenderLimitExceeded, SpyglassError
from spyglass.project.lookup import Found, find_ref, find_source
from spyglass.project.macros import template_macros
from spyglass.project.models import ArtifactPair, Env, Manifest
from spyglass.project.render_budget import Cancellation, RenderLimits
from spyglass.project.render_context import PROVIDED, MacroReturn, RenderScope, TemplateContext
from spyglass.project.render_guard import guarded_environment
from spyglass.project.variables import TemplateVars

#: limits for any template a user writes by hand (see RenderLimits)
DEFAULT_LIMITS = RenderLimits()


@dataclass(frozen=True)
class SqlRenderer:
    """Renders SQL templates against one artifact pair with one set of vars (immutable, thread-safe)."""

    artifacts: ArtifactPair
    variables: TemplateVars = field(default_factory=TemplateVars)
    limits: RenderLimits = DEFAULT_LIMITS

    def render(self, template: str, env: Env, *, cancel: Cancellation | None = None) -> str:
        """``template`` rendered for the ``env`` side (see :func:`render_sql`)."""
        return render_sql(template, self.artifacts.side(env).manifest, env.value, variables=self.variables,
                          limits=self.limits, cancel=cancel)


def render_sql(template: str, manifest: Manifest, env_label: str, *, variables: TemplateVars | None = None,
               limits: RenderLimits = DEFAULT_LIMITS, cancel: Cancellation | None = None) -> str:
    """``template`` with ``ref('m')``, ``ref('pkg', 'm')``, ``source('s', 't')``, ``var()`` and the
    project's macros resolved against ``manifest``.

    Raises:
        CheckError: an unknown ref/source/var, a node that is not materialized, a name dbt provides at run
            time only (``adapter`` ...), or a Jinja error.
        RenderLimitExceeded: the template ran past ``limits`` (time, steps, size of a value or of the SQL).
        Cancelled: ``cancel`` fired while rendering.
    """

    def ref(*args: str, **kwargs: object) -> str:
        if len(args) not in (1, 2) or not kwargs.keys() <= {"v", "version"} or len(kwargs) > 1:
            raise CheckError("ref() takes a model name, or a package and a model name, and optionally its "
                             "version as v=.", remedy="Write {{ ref('model') }}, {{ ref('package', 'model') }} "
                                                     "or {{ ref('model', v=2) }}.")
        version = next(iter(kwargs.values()), None)
        call = ", ".join([*map(repr, args), *(f"v={version!r}" for _ in kwargs)])
        found = find_ref(manifest, args[-1], package=args[0] if len(args) == 2 else None, version=version)
        return _relation_of(found, f"ref({call})", env_label)

    def source(source_name: str, table_name: str) -> str:
        found = find_source(manifest, source_name, table_name)
        return _relation_of(found, f"source({source_name!r}, {table_name!r})", env_label)

    scope = RenderScope(manifest=manifest, variables=variables or TemplateVars(),
                        macros=template_macros(manifest), ref=ref, source=source)
    try:
        context = TemplateContext(guarded_environment(limits, cancel), scope)
        parts: list[str] = []
        size = 0
        for chunk in context.compile(template, "The SQL template").generate(context.names):
            size += len(chunk)
            if size > limits.max_chars:
                raise RenderLimitExceeded(
                    f"The rendered SQL is longer than {limits.max_chars:,} characters; rendering was stopped.",
                    remedy="Generate less SQL (check the template's loops), or split it into several queries.")
            parts.append(chunk)
        return "".join(parts)
    except SpyglassError:
        raise
    except MacroReturn:
        raise CheckError("The SQL template calls return() outside a macro.",
                         remedy="Use return() only in a macro's body; write the SQL itself at the top level.") from None
    except TemplateError as exc:
        raise CheckError(f"The SQL template is not valid Jinja: {_excerpt(exc)}",
                         remedy=f"Fix the template; {PROVIDED} are available.") from exc
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


def _relation_of(found: Found | None, call: str, env_label: str) -> str:
    if found is None:
        raise CheckError(f"{call} does not name a node of the {env_label} manifest.",
                         remedy="Check the spelling, or build the project so the manifest contains it.")
    node = found.node
    if not node.relation_name:
        raise CheckError(f"{call} resolves to {node.unique_id}, which is not materialized in the "
                         f"{env_label} environment (ephemeral or not a relation).",
                         remedy="Query a table or view model instead.")
    return node.relation_name
