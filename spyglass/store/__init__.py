"""Spyglass's own persistence: encrypted secrets and the store (SQLite by default, PostgreSQL by URL).

Used by the GitLab integration and the web server, each opening it once per process (a CLI command, a
server's life) and passing it on::

    with Store.open(os.environ) as store:
        store.save_connection(url, project, token, user="bot", scopes=["api"])
"""

from spyglass.store.db import Store
from spyglass.store.home import spyglass_home
from spyglass.store.models import StoredConnection, TrackedMergeRequest, TrackingChange, Validation, WebhookEvent
from spyglass.store.secrets import SecretBox

__all__ = [
    "SecretBox",
    "Store",
    "StoredConnection",
    "TrackedMergeRequest",
    "TrackingChange",
    "Validation",
    "WebhookEvent",
    "spyglass_home",
]
