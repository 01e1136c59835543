"""The report's JavaScript and CSS, read from the package and joined into one inline script (pure).

The UI's ES modules (``spyglass/server/static/js``) and the report's own (``spyglass/report/static``) are
joined without a build step: each module's body is wrapped in a function of its own, its ``import``
lines become reads of the modules before it and its ``export``s the function's return value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

#: (specifier the modules import it by, folder under the package, file name), dependencies first
MODULES = (
    ("dom.js", "server/static/js", "dom.js"),
    ("charts.js", "server/static/js", "charts.js"),
    ("grid.js", "server/static/js", "grid.js"),
    ("markdown.js", "report/static", "markdown.js"),  # the report's renderer stands in for the UI's
    ("profile_view.js", "server/static/js", "profile_view.js"),
    ("value_diff_view.js", "server/static/js", "value_diff_view.js"),
    ("results.js", "server/static/js", "results.js"),
    ("order.js", "server/static/js", "order.js"),
    ("place.js", "server/static/js", "place.js"),
    ("layout.js", "server/static/js", "layout.js"),
    ("report.js", "report/static", "report.js"),
)
STYLESHEETS = (
    ("server/static/css", "app.css"),
    ("server/static/css", "graph.css"),
    ("server/static/css", "results.css"),
    ("server/static/css", "query.css"),
    ("report/static", "report.css"),
)

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.]+)";\s*$', re.MULTILINE)
_EXPORT = re.compile(r"^export\s+((?:async\s+)?function\*?|const|let|class)\s+(\w+)", re.MULTILINE)
_LEFT = re.compile(r"^\s*(import|export)\b", re.MULTILINE)


class BundleError(ValueError):
    """A module the bundler cannot join (a form of import or export it does not know)."""


@dataclass(frozen=True)
class Assets:
    script: str
    style: str


def _read(folder: str, name: str) -> str:
    location = files("spyglass")
    for part in (*folder.split("/"), name):
        location = location.joinpath(part)
    return location.read_text(encoding="utf-8")


def _variable(specifier: str) -> str:
    return "__module_" + re.sub(r"\W", "_", specifier.removesuffix(".js"))


def wrap_module(specifier: str, source: str, known: set[str]) -> str:
    """One module as ``const __module_x = (() => { ...; return { exports }; })();``.

    Raises:
        BundleError: it imports a module not joined before it, or uses an import/export form not handled.
    """
    def imported(match: re.Match[str]) -> str:
        names, target = match.group(1), match.group(2)
        if target not in known:
            raise BundleError(f"{specifier} imports {target}, which is not joined before it")
        return f"const {{{names}}} = {_variable(target)};"

    body = _IMPORT.sub(imported, source)
    exports = [match.group(2) for match in _EXPORT.finditer(body)]
    body = _EXPORT.sub(lambda match: f"{match.group(1)} {match.group(2)}", body)
    left = _LEFT.search(body)
    if left is not None:
        line = body[left.start():].split("\n", 1)[0]
        raise BundleError(f"{specifier}: cannot join the line {line.strip()!r}")
    returned = ", ".join(exports)
    return f"const {_variable(specifier)} = (() => {{\n{body.rstrip()}\nreturn {{ {returned} }};\n}})();\n"


def bundle(modules: tuple[tuple[str, str], ...]) -> str:
    """(specifier, source) pairs, dependencies first, as one strict-mode script."""
    known: set[str] = set()
    parts = []
    for specifier, source in modules:
        parts.append(wrap_module(specifier, source, known))
        known.add(specifier)
    return '(() => {\n"use strict";\n' + "\n".join(parts) + "})();\n"


def load_assets() -> Assets:
    """The report's script and stylesheet, from the installed package."""
    script = bundle(tuple((specifier, _read(folder, name)) for specifier, folder, name in MODULES))
    style = "\n".join(_read(folder, name) for folder, name in STYLESHEETS)
    for text, what in ((script, "script"), (style, "stylesheet")):
        if re.search(r"</(script|style)", text, re.IGNORECASE):
            raise BundleError(f"The report's {what} contains a closing tag and cannot be inlined")
    return Assets(script=script, style=style)
