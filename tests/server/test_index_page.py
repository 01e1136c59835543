"""The UI's entry page preloads the modules its first page needs, so a cold page fetches them in one round."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from spyglass.server.index_page import static_closure, with_inline_styles, with_module_preloads

PAGE = ('<head>\n  <link rel="stylesheet" href="/static/css/app.css">\n'
        '  <script type="module" src="/static/js/main.js"></script>\n</head>')
SOURCES = {
    "main.js": 'import { h } from "./dom.js";\nconst page = () => import("./query.js");\n',
    "lineage.js": 'import {\n  h,\n  s,\n} from "./dom.js";\nimport { layout } from "./layout.js";\n',
    "layout.js": 'import { order } from "./order.js";\n// import { no } from "./comment.js";\n',
    "order.js": "export const order = 1;\n",
    "dom.js": 'import { api } from "./api.js";\n',
    "api.js": 'import { h } from "./dom.js";\n',  # a cycle
    "query.js": 'import { h } from "./dom.js";\n',
}


def test_the_closure_follows_static_imports_only() -> None:
    # breadth first from the entries; not query.js (imported on demand), nor what a comment names
    assert static_closure(["main.js", "lineage.js"], SOURCES.__getitem__) == [
        "main.js", "lineage.js", "dom.js", "layout.js", "api.js", "order.js"]


def test_links_go_before_the_entry_script() -> None:
    html = with_module_preloads(PAGE, ["api.js", "main.js"])
    assert html.index('href="/static/js/api.js"') < html.index('href="/static/js/main.js">') < html.index("<script")
    assert html.count('rel="modulepreload"') == 2 and html.startswith('<head>\n  <link rel="stylesheet"')
    assert with_module_preloads("<p>no script</p>", ["api.js"]) == "<p>no script</p>"


def test_stylesheets_are_inlined_and_a_closing_tag_in_one_is_refused() -> None:
    html = with_inline_styles(PAGE, {"app.css": "body { color: red; }\n"}.__getitem__)
    assert "<link" not in html and "<style>/* app.css */\nbody { color: red; }\n</style>" in html
    with pytest.raises(ValueError, match="would end its <style> element"):
        with_inline_styles(PAGE, lambda name: "a::after { content: '</style><script>'; }")


def test_the_served_page_preloads_the_lineage_pages_modules(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/js/([a-z_]+\.js)">', response.text)
    assert {"main.js", "lineage.js", "layout.js", "order.js", "place.js", "graph_view.js", "dom.js"} <= set(preloaded)
    assert not {"panel.js", "query.js", "gitlab.js", "checklist.js"} & set(preloaded)  # loaded when first needed
    for name in preloaded:  # each one is served where the link says
        assert client.get(f"/static/js/{name}").status_code == 200
    assert "Content-Security-Policy" in response.headers  # the same headers as any page
    # every stylesheet of the page is in it: no request before the first paint
    assert 'rel="stylesheet"' not in response.text and response.text.count("<style>/* ") == 5
    assert ":root" in response.text and "prefers-color-scheme: dark" in response.text
