"""Pure: user text made inert in what GitLab renders (GitLab Flavored Markdown, with HTML allowed).

Check names and descriptions, error messages, model and column names, values and branch names are
controlled by whoever writes the merge request (``spyglass.yml``, the dbt project, the data). Each
helper here is for one context and leaves nothing active in it:

- :func:`md_text`: inline Markdown (paragraph, list item, table cell). ``<`` and ``>`` become entities;
  every character Markdown or GitLab gives a meaning (emphasis, code, links, tables, ``@mention``,
  ``#123``, ``!42``, ``~label``, ``%milestone``, ``$snippet``, ``&epic``, ``{+ +}``) is backslash-escaped
  (a reference prefix only where a reference could follow), which CommonMark renders as the plain
  character and GitLab honours as "not a reference"; line breaks
  and control characters become spaces, so text never starts a line (no heading, list, fence, quick
  action such as ``/merge``) and never ends a table row.
- :func:`md_paragraphs`: multi-line text (a description) whose paragraphs are kept.
- :func:`md_code`: text shown as code (a code span, or ``<code>`` when a span could not hold it).
- :func:`html_code`: text inside the HTML of a ``<summary>`` line, where Markdown is not parsed.
- :func:`mermaid_label`: text inside a quoted Mermaid node label.
- :func:`md_url`: an http(s) URL usable as a link destination, or None.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from urllib.parse import quote, urlsplit

#: characters with a meaning in GitLab Flavored Markdown wherever they stand (escaped with a backslash)
MARKDOWN_ACTIVE = frozenset("\\`*_[]|{}")
#: GitLab reference prefixes (``@user``, ``#1``, ``!2``, ``$3``, ``%m``, ``&4``, ``~l``, ``^5``): escaped
#: unless a space or the end of the text follows, where they cannot start a reference ("50 %", "Hi!")
REFERENCE_PREFIXES = frozenset("@#!$%&~^")
#: invisible characters that reorder text (a "Trojan Source" name could read as another one)
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])")
_URL_SAFE = "/:?#[]@!$&'*+,;=%-._~"


def one_line(text: str) -> str:
    """``text`` on one line: line breaks, tabs and other control characters become spaces, bidirectional
    overrides are dropped."""
    out = []
    for char in text:
        if char in _BIDI:
            continue
        out.append(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char)
    return "".join(out)


def md_text(text: str) -> str:
    """Inline Markdown showing ``text`` literally, on one line (safe in a table cell)."""
    flat = one_line(text)
    out = []
    for position, char in enumerate(flat):
        following = flat[position + 1:position + 2]
        if char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char in MARKDOWN_ACTIVE or (char in REFERENCE_PREFIXES and following.strip()):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def md_paragraphs(text: str) -> str:
    """Markdown showing multi-line ``text`` literally: blank lines separate paragraphs, no line can start
    a block (heading, list, quote, fence, table, HTML) or a GitLab quick action."""
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    rendered = []
    for paragraph in paragraphs:
        lines = [_line_start(md_text(line.strip())) for line in paragraph.split("\n") if line.strip()]
        if lines:
            rendered.append("\n".join(lines))
    return "\n\n".join(rendered)


def _line_start(line: str) -> str:
    """A line of :func:`md_text` output that cannot open a block: a leading punctuation character (list
    marker, setext underline, quick-action slash ...) or an ordered-list number is escaped."""
    if line[:1] in string.punctuation and line[:1] not in ("\\", "&"):
        return "\\" + line
    return _ORDERED_LIST.sub(r"\1\\\2", line)


def md_code(text: str) -> str:
    """``text`` shown as inline code: a backtick span when it can hold the text as is, else ``<code>``
    around :func:`md_text` (a backtick or ``|`` inside, spaces at both ends, or empty)."""
    flat = one_line(text)
    if flat and not {"`", "|"} & set(flat) and not (flat.startswith(" ") and flat.endswith(" ")):
        return f"`{flat}`"
    return f"<code>{md_text(flat)}</code>"


def html_code(text: str) -> str:
    """``<code>`` holding ``text`` for an HTML line (Markdown is not parsed there; GitLab makes no
    reference or mention inside ``<code>``)."""
    return f"<code>{html.escape(one_line(text), quote=True)}</code>"


_MERMAID = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label (``n["..."]``): quotes, markup and entity starts as entity codes."""
    return "".join(_MERMAID.get(char, char) for char in one_line(text))


def md_url(url: str) -> str | None:
    """``url`` as a Markdown link destination when it is an absolute http(s) URL (characters that could
    end the destination or the table cell are percent-encoded); None otherwise."""
    flat = url.strip()
    if not flat or one_line(flat) != flat or any(char.isspace() for char in flat):
        return None
    parts = urlsplit(flat)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(flat, safe=_URL_SAFE)
