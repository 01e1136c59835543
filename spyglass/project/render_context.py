"""The names a SQL template sees when Spyglass renders it, as dbt gives them (see :mod:`spyglass.project.render`).

``ref``, ``source``, ``var``, ``return`` and the macros of :func:`~spyglass.project.macros.template_macros`.
A macro is compiled the first time a render calls it, in that render's guarded environment, so it runs
under the same time, step and size limits as the template. Before anything runs, a template or macro that
reads a name this context does not provide (dbt's ``adapter``, ``run_query``, ``statement``, ``this`` ...)
is refused with an error naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import Template

from spyglass.exceptions import CheckError
from spyglass.project.macros import TemplateMacros
from spyglass.project.models import Macro, Manifest
from spyglass.project.render_guard import GuardedEnvironment, compile_guarded
from spyglass.project.variables import TemplateVars

#: what a template or macro may use besides Jinja's own names (for error messages)
PROVIDED = "ref(), source(), var(), return() and the macros of the project and its packages"
_JINJA = re.compile(r"{[{%#]")
_NOT_SET = object()


class MacroReturn(Exception):
    """``{{ return(value) }}``: ends the macro being called, which returns ``value`` (dbt's way)."""

    def __init__(self, value: object) -> None:
        super().__init__("return() called outside a macro")
        self.value = value


def _return(value: object = None) -> None:
    raise MacroReturn(value)


@dataclass(frozen=True)
class RenderScope:
    """One side of a render: its manifest (``ref``/``source``), vars and callable macros."""

    manifest: Manifest
    variables: TemplateVars
    macros: TemplateMacros
    ref: Callable[..., str]
    source: Callable[[str, str], str]


class TemplateContext:
    """The names of one render, shared by the template and every macro it calls (one budget)."""

    def __init__(self, environment: GuardedEnvironment, scope: RenderScope) -> None:
        self._environment = environment
        self._scope = scope
        self._compiled: dict[str, Callable[..., Any]] = {}
        names: dict[str, Any] = {package: {name: _LazyMacro(self, m) for name, m in macros.items()}
                                 for package, macros in scope.macros.packages.items()}
        names.update({name: _LazyMacro(self, m) for name, m in scope.macros.root.items()})
        names.update({"ref": scope.ref, "source": scope.source, "var": self.var, "return": _return})
        self.names = names

    def compile(self, source: str, what: str) -> Template:
        """``source`` compiled in this render; refused when it reads a name this context lacks."""
        template, undeclared = compile_guarded(self._environment, source)
        missing = sorted(undeclared - self.names.keys())
        if missing:
            raise CheckError(f"{what} uses {_names(missing)}, which {'is' if len(missing) == 1 else 'are'} "
                             f"undefined when Spyglass renders SQL (dbt's run-time context is not available).",
                             remedy=f"Use only {PROVIDED}; run macros that need the adapter in dbt itself.")
        return template

    def render(self, source: str, what: str) -> str:
        return "".join(self.compile(source, what).generate(self.names))

    def macro(self, macro: Macro) -> Callable[..., Any]:
        """The callable Jinja macro ``macro`` defines, compiled on first use in this render."""
        function = self._compiled.get(macro.unique_id)
        if function is None:
            module = self.compile(macro.macro_sql, f"The macro {macro.name} ({macro.unique_id})")
            function = getattr(module.make_module(self.names), macro.name, None)
            if not callable(function):
                raise CheckError(f"The macro {macro.unique_id} does not define {macro.name}() in its source.",
                                 remedy="Rebuild the project with dbt so the manifest is current.")
            self._compiled[macro.unique_id] = function
        return function

    def var(self, name: str, default: object = _NOT_SET) -> object:
        """dbt's ``var(name, default)`` (see :mod:`spyglass.project.variables`)."""
        project = self._scope.manifest.metadata.project_name
        found, value = self._scope.variables.lookup(name, project)
        if not found:
            if default is not _NOT_SET:
                return default
            known = self._scope.variables.names(project)
            raise CheckError(f"var({name!r}) is not set: neither --vars nor the vars: of dbt_project.yml "
                             f"define it{f' (set: {_names(known)})' if known else ''}.",
                             remedy=f"Pass it as dbt takes it, e.g. --vars '{{{name}: ...}}', or give var() "
                                    "a default: var('name', 'default').")
        if isinstance(value, str) and _JINJA.search(value):
            return self.render(value, f"The value of var({name!r})")
        return value


class _LazyMacro:
    """A macro as a template calls it: compiled on the first call; ``return()`` gives its value."""

    def __init__(self, context: TemplateContext, macro: Macro) -> None:
        self._context = context
        self._macro = macro

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = self._context.macro(self._macro)
        try:
            return function(*args, **kwargs)
        except MacroReturn as returned:
            return returned.value


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)
