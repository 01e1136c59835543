"""``spyglass mcp``: the review tools for AI agents, over the Model Context Protocol.

An entry point beside the server and the CLI: the same :class:`spyglass.service.Session` (opened
sandboxed, as the server opens it), the same checklist (:class:`spyglass.server.workspace.Workspace`)
and, over HTTP, the server's own host, origin and token checks (:mod:`spyglass.server.security`).
"""
