"""What ``var()`` returns in a SQL template, by dbt's rule.

dbt looks a var up in the command line's ``--vars`` first, then in the ``vars:`` of ``dbt_project.yml``
scoped to the project (``vars: {my_project: {x: 1}}``), then in its global ``vars:``
(``ConfiguredVar``/``VarProvider.vars_for``). A template rendered by Spyglass is the root project's, so
package-scoped vars of other packages do not apply. A string value holding Jinja is rendered, as dbt
does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from spyglass.exceptions import ConfigError


@dataclass(frozen=True)
class TemplateVars:
    """``--vars`` (``cli``) and the ``vars:`` of ``dbt_project.yml`` (``project``), as YAML parsed them."""

    cli: Mapping[str, object] = field(default_factory=dict)
    project: Mapping[str, object] = field(default_factory=dict)

    def lookup(self, name: str, project_name: str | None) -> tuple[bool, object]:
        """(True, value) when ``name`` is set for templates of ``project_name``, else (False, None)."""
        for scope in self._scopes(project_name):
            if name in scope:
                return True, scope[name]
        return False, None

    def names(self, project_name: str | None) -> list[str]:
        """Every var name a template of ``project_name`` can read (for error messages: names, never values)."""
        return sorted({name for scope in self._scopes(project_name) for name in scope})

    def _scopes(self, project_name: str | None) -> list[Mapping[str, object]]:
        scoped = self.project.get(project_name) if project_name else None
        return [self.cli, scoped if isinstance(scoped, Mapping) else {}, self.project]


def read_project_vars(project_dir: Path) -> Mapping[str, object]:
    """The ``vars:`` of ``project_dir/dbt_project.yml`` (empty when the file or the key is missing).

    Raises:
        ConfigError: the file is not valid YAML or ``vars:`` is not a mapping.
    """
    path = project_dir / "dbt_project.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read as YAML: {exc}", remedy="Fix dbt_project.yml.") from None
    found = data.get("vars") if isinstance(data, Mapping) else None
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise ConfigError(f"The vars: of {path} is not a mapping of names to values.",
                          remedy="Write vars: as `name: value` lines, as dbt expects.")
    return {str(key): value for key, value in found.items()}
