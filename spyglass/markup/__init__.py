"""Pure text helpers shared by every renderer (the checks' own Markdown and terminal views, the summary,
GitLab notes): user text made inert in GitLab Flavored Markdown (:mod:`spyglass.markup.escape`), Markdown
tables of values (:mod:`spyglass.markup.tables`) and values as rich text for terminal views
(:mod:`spyglass.markup.terminal`).

An inner layer: it imports nothing of Spyglass, so check definitions can own their renderers.
"""
