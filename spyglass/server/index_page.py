"""The UI's entry page: ``index.html`` with its stylesheets inlined and a ``modulepreload`` link for each
module the first page needs.

Stylesheets block the first paint and every script: inlined, they cost no request. The browser learns a
module's imports only once it has that module, so a cold page would fetch the entry module's imports
level by level (one round trip each). The links name them all up front: the static imports, followed
transitively, of the entry module and of the page it opens on (the lineage page). The other pages'
modules load when they are first shown. Both are computed from the files when the app is built, so a
new module or stylesheet needs no list kept by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

#: the entry module and the default page's module: what a first visit runs before it draws
ENTRIES = ("main.js", "lineage.js")
#: a static import of a sibling module: ``import { a, b } from "./x.js";`` (dynamic ``import()`` is not one)
_STATIC_IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s*"\./([\w.-]+\.js)";', re.MULTILINE)
#: a stylesheet of the static folder: ``<link rel="stylesheet" href="/static/css/app.css">``
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="/static/css/([\w.-]+\.css)">')
#: where the links go: before the entry module's script tag
_ENTRY_SCRIPT = '<script type="module"'


def static_closure(entries: Iterable[str], source_of: Callable[[str], str]) -> list[str]:
    """The entries and the modules they import statically, directly or not, breadth first: the entry
    module and its imports come first, so it can start (and ask for its data) while the rest loads."""
    order = list(dict.fromkeys(entries))
    for name in order:  # grows while it is read
        order.extend(m for m in _STATIC_IMPORT.findall(source_of(name)) if m not in order)
    return order


def with_module_preloads(html: str, modules: Iterable[str]) -> str:
    """``html`` with ``<link rel="modulepreload" href="/static/js/NAME">`` for each of ``modules`` (in
    their order) before its entry script; ``html`` unchanged when it has no module script."""
    at = html.find(_ENTRY_SCRIPT)
    if at < 0:
        return html
    links = "".join(f'<link rel="modulepreload" href="/static/js/{name}">\n  ' for name in modules)
    return html[:at] + links + html[at:]


def with_inline_styles(html: str, source_of: Callable[[str], str]) -> str:
    """``html`` with each of its static stylesheet links replaced by a ``<style>`` holding the sheet (the
    sheets are the package's own files: no ``</style>`` in them, checked)."""
    def inline(match: re.Match[str]) -> str:
        css = source_of(match[1])
        if "</" in css:
            raise ValueError(f"{match[1]} holds '</', which would end its <style> element")
        return f"<style>/* {match[1]} */\n{css}</style>"

    return _STYLESHEET.sub(inline, html)


def index_page(static_dir: Path) -> str:
    """The entry page of the UI in ``static_dir``: its stylesheets inlined, the first page's modules
    preloaded."""
    scripts = static_dir / "js"
    modules = static_closure(ENTRIES, lambda name: (scripts / name).read_text(encoding="utf-8"))
    html = with_inline_styles((static_dir / "index.html").read_text(encoding="utf-8"),
                              lambda name: (static_dir / "css" / name).read_text(encoding="utf-8"))
    return with_module_preloads(html, modules)
