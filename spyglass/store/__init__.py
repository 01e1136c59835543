"""Spyglass's own persistence: encrypted secrets and the store (SQLite by default, PostgreSQL by URL).

Used by the GitLab integration and the web server::

    with Store.open(os.environ) as store:
        store.save_connection(url, project, token, user="bot", scopes=["api"])
"""

from spyglass.store.db import Store
from spyglass.store.home import spyglass_home
from spyglass.store.models import StoredConnection, TrackedMergeRequest, Validation, WebhookEvent
from spyglass.store.secrets import SecretBox

__all__ = [
    "SecretBox",
    "Store",
    "StoredConnection",
    "TrackedMergeRequest",
    "Validation",
    "WebhookEvent",
    "spyglass_home",
]
