"""Which GitLab connection to use: flags → ``SPYGLASS_GITLAB_*`` → GitLab CI's variables → stored.

Pure: the environment is an injected mapping, the stored connection an argument. The stored token is
only used for the stored URL: a token is never sent to a host it was not created for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spyglass.store.models import StoredConnection

#: GitLab keeps merge-request iids in a 32-bit integer column
MAX_IID = 2**31 - 1
URL_ENV = "SPYGLASS_GITLAB_URL"
PROJECT_ENV = "SPYGLASS_GITLAB_PROJECT"
TOKEN_ENV = "SPYGLASS_GITLAB_TOKEN"


@dataclass(frozen=True)
class ConnectionSettings:
    """A resolved connection. ``token`` is excluded from ``repr``; ``sources`` says where each came from."""

    url: str | None
    project: str | None
    token: str | None = field(default=None, repr=False)
    mr_iid: int | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def token_last4(self) -> str | None:
        return self.token[-4:] if self.token else None


def normalise_url(url: str) -> str:
    """``https://Host/prefix/`` → ``https://host/prefix`` (for comparing URLs, not for requests)."""
    text = url.strip().rstrip("/")
    if text.endswith("/api/v4"):
        text = text[: -len("/api/v4")]
    scheme, _, rest = text.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")


def _first(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    for value, source in candidates:
        if value is not None and value.strip():
            return value.strip(), source
    return None, "unset"


def _mr_iid(flag: int | None, environ: Mapping[str, str]) -> tuple[int | None, str]:
    if flag is not None:
        return flag, "flag"
    raw = environ.get("CI_MERGE_REQUEST_IID", "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_IID:
        return int(raw), "CI_MERGE_REQUEST_IID"
    return None, "unset"


def resolve(environ: Mapping[str, str], stored: StoredConnection | None, *, url: str | None = None,
            project: str | None = None, token: str | None = None, mr_iid: int | None = None,
            stored_token: str | None = None) -> ConnectionSettings:
    """Resolve every field in order: flags, environment, GitLab CI variables, stored connection.

    Args:
        environ: the process environment (injected).
        stored: the stored connection, if any (without its token).
        url, project, token, mr_iid: explicit values (command-line flags / API body).
        stored_token: the decrypted stored token; used only when the URL is the stored one.
    """
    url_value, url_source = _first((url, "flag"), (environ.get(URL_ENV), URL_ENV),
                                   (environ.get("CI_SERVER_URL"), "CI_SERVER_URL"),
                                   (stored.url if stored else None, "stored"))
    project_value, project_source = _first(
        (project, "flag"), (environ.get(PROJECT_ENV), PROJECT_ENV),
        (environ.get("CI_PROJECT_ID"), "CI_PROJECT_ID"), (environ.get("CI_PROJECT_PATH"), "CI_PROJECT_PATH"),
        (stored.project if stored else None, "stored"))
    same_host = stored is not None and url_value is not None and \
        normalise_url(url_value) == normalise_url(stored.url)
    token_value, token_source = _first((token, "flag"), (environ.get(TOKEN_ENV), TOKEN_ENV),
                                       (stored_token if same_host else None, "stored"))
    iid, iid_source = _mr_iid(mr_iid, environ)
    return ConnectionSettings(
        url=url_value, project=project_value, token=token_value, mr_iid=iid,
        sources={"url": url_source, "project": project_source, "token": token_source, "mr_iid": iid_source})
