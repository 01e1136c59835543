"""The one HTTP choke point to GitLab: an ``httpx.Client`` wrapper with retries and pagination.

- The token travels only in the ``PRIVATE-TOKEN`` header: never in a URL, a log line or an error.
- Redirects are not followed (a custom header would follow them to another host).
- 429 waits for ``Retry-After`` (else ``RateLimit-Reset``, an epoch) and retries, bounded.
- 5xx, timeouts and dropped connections are retried with backoff, bounded, for idempotent requests.
  A non-idempotent write (POST) whose response was lost raises :class:`GitLabResponseLost` instead,
  so the caller looks for its effect before writing again (no duplicate notes).
- Pagination follows ``X-Next-Page`` (else the ``page`` of ``Link: rel="next"``) against our own base
  URL, never the host GitLab writes into ``Link`` (which may differ behind a proxy).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from spyglass.exceptions import UsageError
from spyglass.gitlab.errors import (
    GitLabApiError,
    GitLabAuthError,
    GitLabForbidden,
    GitLabNotFound,
    GitLabResponseLost,
    GitLabScopeError,
    GitLabTokenInvalid,
    GitLabUnavailable,
)

log = logging.getLogger(__name__)

Params = Mapping[str, str | int | bool]
JsonBody = Mapping[str, object]

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
_LOST = (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout, httpx.WriteError,
         httpx.WriteTimeout)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``attempts`` in all, backoff ``base * 2**n`` capped, 429 waits capped."""

    attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_wait: float = 60.0

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff_base * 2**attempt))


def api_base(url: str) -> str:
    """``https://host/prefix`` (or ``.../api/v4``) → ``https://host/prefix/api/v4``.

    Anything that is not a plain http(s) address (control characters, a malformed host or port, a name
    the HTTP client cannot encode) is a :class:`UsageError` that does not quote the URL (it may hold a
    password).
    """
    cleaned = url.strip().rstrip("/")
    try:
        parts = urlsplit(cleaned)
        usable = (parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
                  and all(char.isprintable() and not char.isspace() for char in cleaned))
        if usable:
            httpx.URL(cleaned)  # the HTTP client's own parser (ports, ...)
            (parts.hostname or "").encode("idna")  # what name resolution will do (label lengths)
    except (ValueError, httpx.InvalidURL):  # UnicodeError is a ValueError
        usable = False
    if not usable:
        raise UsageError("The GitLab URL is not an http(s) address.",
                         remedy="Give the instance's address, e.g. https://gitlab.com or https://host/gitlab.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UsageError("The GitLab URL must not carry credentials, a query string or a fragment.",
                         remedy="Give only the address, e.g. https://gitlab.example.com; "
                                "the token goes in SPYGLASS_GITLAB_TOKEN or --token-stdin.")
    return cleaned if cleaned.endswith("/api/v4") else f"{cleaned}/api/v4"


def require_sendable_token(token: str) -> str:
    """``token`` without surrounding whitespace; :class:`GitLabTokenInvalid` (a usage error: 400 / exit 2)
    when it holds a character an HTTP header cannot carry (line break, control, space, non-ASCII).

    Checked before any request is built, so neither the token nor a traceback quoting it reaches a log.
    The message never quotes the token.
    """
    cleaned = token.strip()
    if not cleaned:
        raise GitLabTokenInvalid("The GitLab token is empty.",
                                 remedy="Paste the whole token (GitLab shows it once, e.g. glpat-...).")
    if not all("!" <= char <= "~" for char in cleaned):
        raise GitLabTokenInvalid(
            "The GitLab token contains a line break, space, control or non-ASCII character, which cannot be "
            "sent in an HTTP header; it was not sent anywhere.",
            remedy="Copy the token again exactly as GitLab shows it (one line, letters, digits and - _ . only) "
                   "and paste nothing else.")
    return cleaned


def project_ref(project: str | int) -> str:
    """A numeric id as is, a ``group/sub/project`` path URL-encoded (``group%2Fsub%2Fproject``)."""
    text = str(project).strip().strip("/")
    return text if text.isdigit() else quote(text, safe="")


def retry_delay(response: httpx.Response, *, now: float, policy: RetryPolicy, attempt: int) -> float:
    """Seconds to wait before retrying a 429: ``Retry-After``, else ``RateLimit-Reset`` - now."""
    retry_after = response.headers.get("Retry-After", "")
    reset = response.headers.get("RateLimit-Reset", "")
    delay: float | None = None
    if retry_after.strip().replace(".", "", 1).isdigit():
        delay = float(retry_after)
    elif reset.strip().isdigit():
        delay = max(0.0, float(reset) - now)
    if delay is None:
        delay = policy.backoff(attempt)
    return min(delay, policy.max_wait)


def _body_fields(response: httpx.Response) -> tuple[str, str, str]:
    """(message, error, error_description) from GitLab's JSON error body, tolerant of anything."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip(), "", ""
    if not isinstance(data, dict):
        return "", "", ""
    message = data.get("message", "")
    if isinstance(message, dict):
        message = "; ".join(f"{k}: {v}" for k, v in message.items())
    return str(message), str(data.get("error", "")), str(data.get("error_description", ""))


def error_for(response: httpx.Response, what: str) -> GitLabApiError:
    """Translate a non-2xx response into the matching :mod:`spyglass.gitlab.errors` class."""
    message, error, description = _body_fields(response)
    status = response.status_code
    said = description or message or error or response.reason_phrase
    cls, text, remedy = _classify(status, error, description, said, what)
    return cls(text, status=status, error=error, description=description, remedy=remedy,
               gitlab_message=message)


def _classify(status: int, error: str, description: str, said: str,
              what: str) -> tuple[type[GitLabApiError], str, str]:
    if status == 401:
        lowered = description.lower()
        remedy = ("The token has expired: create a new one (User settings -> Access tokens)."
                  if "expired" in lowered else
                  "The token was revoked: create a new one (User settings -> Access tokens)."
                  if "revoked" in lowered else
                  "GitLab does not know this token: check you copied all of it, and the GitLab URL.")
        return GitLabAuthError, f"GitLab rejected the token ({said}) on {what}.", remedy
    if status == 403 and error == "insufficient_scope":
        return (GitLabScopeError, f"The token's scopes do not allow {what}.",
                "Create a token with the `api` scope (User settings -> Access tokens) to post; "
                "`read_api` can only read.")
    if status == 403:
        return (GitLabForbidden, f"GitLab refused {what} ({said}).",
                "The token's user lacks the role for this: ask a Maintainer or Owner of the project.")
    if status == 404:
        return (GitLabNotFound, f"GitLab found nothing at {what} ({said}).",
                "Check the project path or id, and that the token's user can see the project.")
    if 300 <= status < 400:
        return (GitLabApiError, f"GitLab redirected {what} (HTTP {status}): the project was probably moved.",
                "Use the project's new path.")
    return (GitLabApiError, f"GitLab answered HTTP {status} to {what} ({said}).",
            "Check the GitLab URL and try again later.")


def _lost(what: str, how: str) -> GitLabResponseLost:
    return GitLabResponseLost(f"{how} during {what}; it may or may not have been applied.",
                              remedy="Run the command again: it updates what exists.")


class GitLabClient:
    """A thin GitLab REST v4 client. Inject ``transport`` and ``sleep`` in tests."""

    def __init__(self, url: str, token: str, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 policy: RetryPolicy | None = None, timeout: float = 30.0) -> None:
        self.base = api_base(url)
        token = require_sendable_token(token)
        self._sleep = sleep
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._http = httpx.Client(
            base_url=self.base, transport=transport, timeout=timeout, follow_redirects=False,
            headers={"PRIVATE-TOKEN": token, "User-Agent": "spyglass", "Accept": "application/json"})

    def __enter__(self) -> GitLabClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, params: Params | None = None,
                json: JsonBody | None = None, idempotent: bool | None = None) -> httpx.Response:
        """Send one request with bounded retries; return the 2xx response or raise a GitLab error."""
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        what = f"{method} {path}"
        problem, delay = "", 0.0
        for attempt in range(self._policy.attempts):
            if attempt:
                log.debug("retrying %s in %.1fs (attempt %d): %s", what, delay, attempt + 1, problem)
                self._sleep(delay)
            delay = self._policy.backoff(attempt)
            try:
                response = self._http.request(method, path, params=params, json=json)
            except _NOT_SENT as exc:
                problem = f"could not connect ({type(exc).__name__})"
                continue
            except _LOST as exc:
                if not safe:
                    raise _lost(what, "The connection to GitLab dropped") from None
                problem = f"connection lost ({type(exc).__name__})"
                continue
            log.debug("%s -> %d", what, response.status_code)
            if response.status_code == 429:
                problem = "rate limited (429)"
                delay = retry_delay(response, now=self._clock(), policy=self._policy, attempt=attempt)
                continue
            if response.status_code >= 500:
                if not safe:
                    raise _lost(what, f"GitLab answered HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 300:
                raise error_for(response, what)
            return response
        raise GitLabUnavailable(
            f"GitLab kept failing on {what} after {self._policy.attempts} attempts ({problem}).",
            remedy="Check the GitLab URL and network, or try again later (GitLab may be down or "
                   "rate-limiting).")

    def get(self, path: str, params: Params | None = None) -> object:
        return self.request("GET", path, params=params).json()

    def post(self, path: str, body: JsonBody, *, idempotent: bool = False) -> object:
        return self.request("POST", path, json=body, idempotent=idempotent).json()

    def put(self, path: str, body: JsonBody) -> object:
        return self.request("PUT", path, json=body).json()

    def paginate(self, path: str, params: Params | None = None, *, per_page: int = 100) -> Iterator[object]:
        """Every item of a list endpoint, page after page until GitLab says there is no next page."""
        page = 1
        while True:
            query: dict[str, str | int | bool] = {**(params or {}), "per_page": per_page, "page": page}
            response = self.request("GET", path, params=query)
            items = response.json()
            if not isinstance(items, list):
                raise GitLabApiError(f"GitLab did not answer a list to GET {path}.", status=200,
                                     remedy="Check the GitLab URL points at a GitLab instance.")
            yield from items
            following = next_page(response.headers)
            if following is None or following <= page or not items:
                return
            page = following


def next_page(headers: httpx.Headers) -> int | None:
    """The next page number from ``X-Next-Page``, else from the ``page`` of ``Link: rel="next"``."""
    raw = headers.get("X-Next-Page", "").strip()
    if raw.isdigit():
        return int(raw)
    for part in headers.get("Link", "").split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            target = part[part.index("<") + 1:part.index(">")]
            pages = parse_qs(urlsplit(target).query).get("page", [])
            if pages and pages[0].isdigit():
                return int(pages[0])
    return None
