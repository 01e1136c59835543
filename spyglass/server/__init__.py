"""The web server: a JSON API over :class:`spyglass.service.Session` and a static UI.

Build an app with :func:`spyglass.server.app.create_app`; there is no module-level app.
"""

from __future__ import annotations
