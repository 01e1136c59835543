"""``spyglass gitlab fetch-base``: the newest base artifacts of the target branch, downloaded and unpacked.

One request does the work: ``GET /projects/:id/jobs/artifacts/:ref/download?job=NAME``, the zip of job NAME
in the newest successful pipeline of the branch (with ``CI_JOB_TOKEN`` in CI, header ``JOB-TOKEN``; else
the configured token, header ``PRIVATE-TOKEN``). GitLab answers 404 for every reason there is none (no
successful pipeline yet, no job of that name in it, its artifacts expired), never 410; so on a 404 Spyglass
lists the branch's newest successful pipeline and its jobs to say which it is and what to do. A job token
of an older GitLab may not list pipelines: the message then names every possible cause.

Exit codes (:mod:`spyglass.gitlab.errors`): 4 when there is nothing to compare against yet (no successful
pipeline, expired artifacts), 2 for a wrong job name, a job that keeps no artifacts, an unsafe archive or
an unusable token.

The download streams to a temporary file with a size limit, follows GitLab's redirect to object storage
without the token (a token is only ever sent to the GitLab it belongs to), and is unpacked by
:mod:`spyglass.gitlab.safezip`.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from spyglass.gitlab.client import (
    RetryPolicy,
    api_base,
    error_for,
    next_page,
    project_ref,
    require_sendable_token,
    retry_delay,
)
from spyglass.gitlab.errors import (
    BaseArtifactsUnavailable,
    BaseJobMissing,
    GitLabApiError,
    GitLabNotConfigured,
    GitLabNotFound,
    GitLabUnavailable,
    UnsafeArchive,
)
from spyglass.gitlab.safezip import ZipLimits, extract
from spyglass.gitlab.settings import TOKEN_ENV, ConnectionSettings, normalise_url
from spyglass.markup.escape import one_line

log = logging.getLogger(__name__)
T = TypeVar("T")

BASE_JOB = "spyglass-base"
JOB_TOKEN_ENV = "CI_JOB_TOKEN"
#: where the target branch comes from when --ref is not given, in order
BRANCH_ENVS = ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "CI_DEFAULT_BRANCH")
_RETRIED = (httpx.TransportError,)
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Credentials:
    """The token and the header it travels in; ``source`` says where it came from (never the token)."""

    header: str
    token: str = field(repr=False)
    source: str


@dataclass(frozen=True)
class BaseRequest:
    url: str
    project: str
    ref: str
    destination: Path
    job: str = BASE_JOB
    #: the directory inside the archive that holds manifest.json
    inside: str = "target"
    limits: ZipLimits = field(default_factory=ZipLimits)


@dataclass(frozen=True)
class BaseFetched:
    ref: str
    job: str
    destination: Path
    files: tuple[str, ...]
    archive_bytes: int
    token_source: str


class _Pipeline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    id: int


class _Artifact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    file_type: str = ""


class _Job(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    id: int
    name: str
    status: str = ""
    artifacts: tuple[_Artifact, ...] = ()
    artifacts_expire_at: datetime | None = None
    artifacts_file: dict[str, object] | None = None

    @property
    def kept_archive(self) -> bool:
        return self.artifacts_file is not None or any(a.file_type == "archive" for a in self.artifacts)


def credentials(environ: Mapping[str, str], settings: ConnectionSettings) -> tuple[Credentials, ...]:
    """The tokens to try, in order: ``CI_JOB_TOKEN`` when running in CI against CI's own GitLab, then the
    configured token (which may list pipelines where an older GitLab's job token may not)."""
    found = []
    job_token = environ.get(JOB_TOKEN_ENV, "").strip()
    ci_url = environ.get("CI_SERVER_URL", "").strip()
    if job_token and ci_url and settings.url and normalise_url(settings.url) == normalise_url(ci_url):
        found.append(Credentials("JOB-TOKEN", require_sendable_token(job_token), JOB_TOKEN_ENV))
    if settings.token:
        found.append(Credentials("PRIVATE-TOKEN", require_sendable_token(settings.token),
                                 settings.sources.get("token", "")))
    if found:
        return tuple(found)
    raise GitLabNotConfigured("No GitLab token to download the base artifacts with.",
                              remedy=f"In GitLab CI, {JOB_TOKEN_ENV} is used; elsewhere run `spyglass gitlab connect` "
                                     f"or set {TOKEN_ENV} (a token with the read_api scope is enough).")


def target_branch(ref: str | None, environ: Mapping[str, str]) -> str:
    """``--ref``, else the merge request's target branch, else the default branch (in GitLab CI)."""
    for value in (ref, *(environ.get(name) for name in BRANCH_ENVS)):
        if value and value.strip():
            return value.strip()
    raise GitLabNotConfigured("Which branch's base artifacts? No --ref given and not in a merge request pipeline.",
                              remedy="Pass --ref BRANCH (the merge request's target branch, e.g. main).")


def fetch_base(request: BaseRequest, creds: Sequence[Credentials], *, transport: httpx.BaseTransport | None = None,
               sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] | None = None) -> BaseFetched:
    """Download the newest base artifacts of ``request.ref`` and unpack them into ``request.destination``.

    Raises:
        BaseArtifactsUnavailable: none to download yet (no successful pipeline, expired): exit 4.
        BaseJobMissing: no such job, it keeps no artifacts, or they hold no manifest.json: exit 2.
        UnsafeArchive: the archive is not a zip, or unsafe, or over the size limit: exit 2.
    """
    project = f"/projects/{project_ref(request.project)}"
    path = f"{project}/jobs/artifacts/{quote(request.ref, safe='')}/download"
    request.destination.parent.mkdir(parents=True, exist_ok=True)
    with ArtifactsHttp(request.url, creds[0], transport=transport, sleep=sleep) as http, \
            tempfile.TemporaryFile(prefix=".spyglass-base.", suffix=".zip", dir=request.destination.parent) as tmp:
        try:
            size = http.download(path, {"job": request.job}, tmp, request.limits.max_bytes)
        except GitLabNotFound:
            raise explain_missing(request, creds, now=(now or _utcnow)(), transport=transport,
                                  sleep=sleep) from None
        tmp.seek(0)
        files = extract(tmp, request.destination, inside=request.inside, limits=request.limits,
                        required="manifest.json")
    return BaseFetched(request.ref, request.job, request.destination, tuple(files), size, creds[0].source)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def explain_missing(request: BaseRequest, creds: Sequence[Credentials], *, now: datetime,
                    transport: httpx.BaseTransport | None = None,
                    sleep: Callable[[float], None] = time.sleep) -> BaseArtifactsUnavailable | BaseJobMissing:
    """Why GitLab has no artifacts of ``request.job`` on ``request.ref``: the newest successful pipeline and
    its jobs, listed with the first token allowed to (when none is, every possible cause)."""
    for cred in creds:
        with ArtifactsHttp(request.url, cred, transport=transport, sleep=sleep) as http:
            try:
                listed = _newest_jobs(http, request)
            except (GitLabApiError, ValidationError) as exc:
                if isinstance(exc, GitLabApiError) and exc.status not in (401, 403, 404):
                    raise
                continue
        return _judge(request, *listed, now=now)
    return _unknown_cause(one_line(request.ref), one_line(request.job), creds)


def _newest_jobs(http: ArtifactsHttp, request: BaseRequest) -> tuple[_Pipeline | None, list[_Job]]:
    """The newest successful pipeline of the branch (None: there is none) and its jobs."""
    project = f"/projects/{project_ref(request.project)}"
    found = http.get_json(f"{project}/pipelines", {"ref": request.ref, "status": "success", "order_by": "id",
                                                   "sort": "desc", "per_page": 1})
    if not isinstance(found, list) or not found:
        return None, []
    pipeline = _Pipeline.model_validate(found[0])
    return pipeline, [_Job.model_validate(item) for item in http.list_all(f"{project}/pipelines/{pipeline.id}/jobs")]


def _judge(request: BaseRequest, pipeline: _Pipeline | None, jobs: list[_Job], *,
           now: datetime) -> BaseArtifactsUnavailable | BaseJobMissing:
    ref, job = one_line(request.ref), one_line(request.job)
    rerun = f"Run a pipeline on {ref} (Build -> Pipelines -> Run pipeline, or merge a first change), then retry."
    if pipeline is None:
        return BaseArtifactsUnavailable(
            f"No pipeline has succeeded on {ref} yet, so there are no base artifacts to compare against "
            "(the first pipeline?).", remedy=f"{rerun} Its {job} job builds them.")
    named = [j for j in jobs if j.name == request.job]
    where = f"the newest successful pipeline on {ref} (#{pipeline.id})"
    if not named:
        names = ", ".join(sorted({one_line(j.name) for j in jobs})) or "none"
        return BaseJobMissing(f"GitLab has no base artifacts: {where} has no job named {job!r} (its jobs: {names}).",
                              remedy=f"Pass --job with the name of the job that keeps target/manifest.json as "
                                     f"artifacts (the CI template's is {BASE_JOB}), and let it run on every "
                                     f"pipeline of {ref}.")
    latest = max(named, key=lambda j: j.id)
    expired = latest.artifacts_expire_at is not None and latest.artifacts_expire_at <= now
    if expired and latest.artifacts_expire_at is not None:
        return BaseArtifactsUnavailable(
            f"The base artifacts of job {job} (#{latest.id}) in {where} expired on "
            f"{latest.artifacts_expire_at:%Y-%m-%d %H:%M} UTC.",
            remedy=f"{rerun} To keep them longer: a longer `expire_in` on the {job} job, and \"Keep artifacts "
                   "from most recent successful jobs\" on (Settings -> CI/CD -> Artifacts).")
    if not latest.kept_archive:
        return BaseJobMissing(f"Job {job} (#{latest.id}, {one_line(latest.status) or 'no status'}) in {where} "
                              "kept no artifacts.",
                              remedy="Give it `artifacts: paths: [target/manifest.json, target/catalog.json]` "
                                     "(see `spyglass gitlab ci-template`), then run a pipeline on " + ref + ".")
    return BaseArtifactsUnavailable(f"Job {job} (#{latest.id}) in {where} has artifacts, but GitLab would not "
                                    "serve them.", remedy="Try again; if it persists, download them from the "
                                                          "job's page to check they are intact.")


def _unknown_cause(ref: str, job: str, creds: Sequence[Credentials]) -> BaseArtifactsUnavailable:
    only_job_token = all(c.header == "JOB-TOKEN" for c in creds)
    token = "the CI job token may not list pipelines on this GitLab" if only_job_token \
        else "the token may not list this project's pipelines (it needs the Reporter role)"
    better = f"Set {TOKEN_ENV} (read_api) for Spyglass to tell which." if only_job_token else ""
    return BaseArtifactsUnavailable(
        f"GitLab has no artifacts of job {job!r} on {ref}, and {token}, so Spyglass cannot tell why: no pipeline "
        f"has succeeded on {ref} yet (the first pipeline), or its {job} job is named otherwise, or its "
        "artifacts expired.",
        remedy=f"Check the newest pipeline of {ref} (Build -> Pipelines): if there is none, run one; if its job "
               "has another name, pass --job NAME; if its artifacts expired, run it again. " + better)


class ArtifactsHttp:
    """GETs to one GitLab with bounded retries (429 waits, 5xx and dropped connections retried), streamed.

    The token goes only to the GitLab's own origin: a redirect elsewhere (object storage) is followed
    without it.
    """

    def __init__(self, url: str, creds: Credentials, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, policy: RetryPolicy | None = None,
                 timeout: float = 60.0) -> None:
        self.base = api_base(url)
        self._origin = _origin(self.base)
        self._creds = creds
        self._sleep = sleep
        self._policy = policy or RetryPolicy()
        self._http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False,
                                  headers={"User-Agent": "spyglass"})

    def __enter__(self) -> ArtifactsHttp:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._http.close()

    def get_json(self, path: str, params: Mapping[str, str | int]) -> object:
        return self._stream(path, params, lambda response: (response.read(), response.json())[1])

    def list_all(self, path: str, *, max_pages: int = 20) -> list[object]:
        """Every item of a list endpoint (100 a page, at most ``max_pages`` pages)."""
        items: list[object] = []
        page: int | None = 1
        while page is not None and page <= max_pages:
            current = page
            chunk, headers = self._stream(path, {"per_page": 100, "page": current},
                                          lambda response: (response.read(), (response.json(), response.headers))[1])
            if not isinstance(chunk, list):
                break
            items += chunk
            following = next_page(headers)
            page = following if following is not None and following > current and chunk else None
        return items

    def download(self, path: str, params: Mapping[str, str | int], sink: IO[bytes], max_bytes: int) -> int:
        """Stream the body into ``sink`` (rewritten on each attempt); its size. :class:`UnsafeArchive` past
        ``max_bytes``."""

        def consume(response: httpx.Response) -> int:
            sink.seek(0)
            sink.truncate()
            size = 0
            for chunk in response.iter_bytes(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise UnsafeArchive(f"The base artifacts archive is larger than {max_bytes // 2**20:,} MiB.",
                                        remedy="Keep only target/manifest.json and target/catalog.json as the "
                                               "base job's artifacts, or raise --max-size.")
                sink.write(chunk)
            return size

        return self._stream(path, params, consume)

    def _stream(self, path: str, params: Mapping[str, str | int], consume: Callable[[httpx.Response], T]) -> T:
        what = f"GET {path}"
        problem, delay = "", 0.0
        for attempt in range(self._policy.attempts):
            self._pause(attempt, delay, f"{what}: {problem}")
            delay = self._policy.backoff(attempt)
            try:
                with self._open(self.base + path, params) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        problem = f"HTTP {response.status_code}"
                        if response.status_code == 429:
                            delay = retry_delay(response, now=time.time(), policy=self._policy, attempt=attempt)
                        continue
                    if response.status_code >= 300:
                        response.read()
                        raise error_for(response, what)
                    return consume(response)
            except _RETRIED as exc:
                problem = f"connection problem ({type(exc).__name__})"
        raise GitLabUnavailable(f"GitLab kept failing on {what} after {self._policy.attempts} attempts ({problem}).",
                                remedy="Check the GitLab URL and network, or try again later.")

    def _pause(self, attempt: int, delay: float, why: str) -> None:
        """Before a retry (not the first attempt): wait ``delay`` seconds."""
        if attempt:
            log.debug("retrying in %.1fs (attempt %d) after %s", delay, attempt + 1, why)
            self._sleep(delay)

    def _open(self, url: str, params: Mapping[str, str | int] | None) -> _Redirected:
        return _Redirected(self, url, params)

    def send(self, url: str, params: Mapping[str, str | int] | None) -> httpx.Response:
        """One streamed GET; the token header only when ``url`` is on the GitLab's origin."""
        headers = {self._creds.header: self._creds.token} if _origin(url) == self._origin else {}
        request = self._http.build_request("GET", url, params=params, headers=headers)
        return self._http.send(request, stream=True)


class _Redirected:
    """A streamed GET that follows up to five redirects (relative or absolute, http(s) only)."""

    def __init__(self, http: ArtifactsHttp, url: str, params: Mapping[str, str | int] | None) -> None:
        self._http, self._url, self._params = http, url, params
        self._response: httpx.Response | None = None

    def __enter__(self) -> httpx.Response:
        url, params = self._url, self._params
        for _ in range(_MAX_REDIRECTS + 1):
            response = self._http.send(url, params)
            location = response.headers.get("Location", "")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                self._response = response
                return response
            response.close()
            url, params = urljoin(str(response.url), location), None
            if urlsplit(url).scheme not in ("http", "https"):
                break
        raise GitLabUnavailable("GitLab redirected the artifacts download too often or to a non-web address.",
                                remedy="Check the GitLab URL, and the instance's object storage settings.")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._response is not None:
            self._response.close()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
