"""Render a user's Jinja SQL with ``ref()`` and ``source()`` resolved against one manifest.

No dbt compilation: ``ref``/``source`` return the ``relation_name`` dbt wrote into the manifest of
the environment being queried (base or current), so ``select * from {{ ref('orders') }}`` reads the
production table on the base side and the merge request's table on the current side. Other dbt
macros are not available. Rendering uses Jinja's sandboxed environment.
"""

from __future__ import annotations

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from spyglass.exceptions import CheckError
from spyglass.project.models import Manifest, Node, ResourceType

_REF_TYPES = frozenset({ResourceType.MODEL, ResourceType.SEED, ResourceType.SNAPSHOT})


def render_sql(template: str, manifest: Manifest, env_label: str) -> str:
    """``template`` with ``ref('m')``, ``ref('pkg', 'm')`` and ``source('s', 't')`` resolved.

    Raises:
        CheckError: an unknown ref/source, a node that is not materialized, or a Jinja error.
    """
    jinja = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

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
        return jinja.from_string(template).render(ref=ref, source=source)
    except TemplateError as exc:
        raise CheckError(f"The SQL template is not valid Jinja: {exc}",
                         remedy="Fix the template; only ref() and source() are available.") from exc


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
