"""Reads Markdown the way GitLab does, to check that user text stayed text.

A real CommonMark parser (markdown-it-py, with GFM tables and raw HTML on, as GitLab notes allow) parses
the document; :func:`audit` collects what a reviewer's browser would get: the raw HTML, the tables, the
text where GitLab would look for references and mentions, and the lines its quick-action parser reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: a GitLab reference or mention: @user, #1, !2, $3, %milestone, &4, ~label, ^5 (or a quoted name)
REFERENCE = re.compile(r"[@#!$%&~^][\w\"]")
SUMMARY_LINE = re.compile(r"^<details><summary>[^\n]*</summary>\n?$")
MERMAID_LINE = re.compile(
    r'^(graph LR|  n\d+\["[^"<>`\n]*<br/><small>[^"<>`\n]*</small>"\]:::(added|removed|modified|impacted)'
    r"|  n\d+ --> n\d+|  classDef \w+ [^\n]*)$")


def parser(*, keep_escapes: bool = False) -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough and raw HTML; ``keep_escapes`` keeps each backslash
    escape as its own token (an escaped ``@`` is no mention), for reading tokens, not for rendering."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    if keep_escapes:
        md.disable("text_join")
    return md


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Audit:
    html_blocks: list[str] = field(default_factory=list)
    html_inline: list[str] = field(default_factory=list)
    #: text GitLab scans for references (not in code, not in a link, not a backslash escape)
    reference_text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    fences: list[tuple[str, str]] = field(default_factory=list)
    #: every start tag of the rendered HTML, with its attributes
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    #: the text of every <summary> and of every <code> in the rendered HTML
    summaries: list[str] = field(default_factory=list)
    #: source lines whose table cells (counted as GFM does) differ from their table's header
    ragged_rows: list[str] = field(default_factory=list)
    #: source lines GitLab would run as quick actions
    quick_actions: list[str] = field(default_factory=list)

    @property
    def details_opened(self) -> int:
        return sum(1 for block in self.html_blocks if block.startswith("<details>"))

    @property
    def details_closed(self) -> int:
        return sum(1 for block in self.html_blocks if block.strip() == "</details>")


def audit(markdown: str) -> Audit:
    found = Audit()
    tokens = parser(keep_escapes=True).parse(markdown)
    for token in tokens:
        if token.type == "html_block":
            found.html_blocks.append(token.content)
        elif token.type == "fence":
            found.fences.append((token.info, token.content))
        elif token.type == "inline":
            _inline(token.children or [], found)
    found.tables = _tables(tokens)
    _html(parser().render(markdown), found)
    found.ragged_rows = _ragged(markdown)
    found.quick_actions = [line for line in markdown.splitlines() if line.startswith("/")]
    return found


def _inline(children: list[Token], found: Audit) -> None:
    in_code = in_link = 0
    for child in children:
        if child.type == "html_inline":
            found.html_inline.append(child.content)
            in_code += {"<code>": 1, "</code>": -1}.get(child.content, 0)
        elif child.type in ("link_open", "link_close"):
            in_link += 1 if child.type == "link_open" else -1
        elif child.type == "text" and not in_code and not in_link:
            found.reference_text.append(child.content)


def _tables(tokens: list[Token]) -> list[Table]:
    tables: list[Table] = []
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            tables.append(Table(header=[], rows=[]))
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open") and row is not None:
            row.append(_plain(tokens[index + 1]))
        elif token.type == "tr_close" and row is not None:
            table = tables[-1]
            if table.header:
                table.rows.append(row)
            else:
                table.header = row
            row = None
    return tables


def _plain(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "text_special", "code_inline"))


def _ragged(markdown: str) -> list[str]:
    """Rows whose number of cells (unescaped ``|`` as GFM counts them) is not their header's."""
    ragged: list[str] = []
    header: int | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        pipes = _pipes(line)
        if header is None:
            header = pipes
        elif pipes != header:
            ragged.append(line)
    return ragged


def _pipes(line: str) -> int:
    count, escaped = 0, False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
    return count


class _Collector(HTMLParser):
    def __init__(self, found: Audit) -> None:
        super().__init__(convert_charrefs=True)
        self.found = found
        self.in_summary = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.append((tag, dict(attrs)))
        if tag == "summary":
            self.in_summary, self.text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary":
            self.in_summary = False
            self.found.summaries.append("".join(self.text))

    def handle_data(self, data: str) -> None:
        if self.in_summary:
            self.text.append(data)


def _html(rendered: str, found: Audit) -> None:
    collector = _Collector(found)
    collector.feed(rendered)
    collector.close()


def rendered_text(markdown: str) -> str:
    """All the text a reader sees (HTML rendered, tags dropped, entities decoded)."""
    chunks: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            chunks.append(data)

    reader = _Text(convert_charrefs=True)
    reader.feed(parser().render(markdown))
    reader.close()
    return "".join(chunks)
