"""The fake GitLab's CI routes: pipelines, their jobs, and job artifacts downloads (``spyglass gitlab fetch-base``).

As GitLab answers them (lib/api/ci/pipelines.rb, jobs.rb, job_artifacts.rb):

- ``GET /projects/:id/pipelines?ref=&status=&order_by=id&sort=desc``: newest first, paginated;
- ``GET /projects/:id/pipelines/:pipeline_id/jobs``: the Job entity, with ``artifacts`` (one entry per kept
  file type; no ``archive`` once expired artifacts were erased) and ``artifacts_expire_at``;
- ``GET /projects/:id/jobs/artifacts/:ref_name/download?job=NAME``: the zip of job NAME in the *latest
  successful pipeline* of the ref, else ``404 {"message":"404 Not found"}`` whatever the cause (no such
  pipeline, no such job in it, artifacts expired or never kept). ``job`` missing: ``400 job is missing``.

Reading them needs the Reporter role (``read_build``); a CI job token of the project may call those in
:attr:`~spyglass.testing.gitlab_world.World.job_token_routes`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from spyglass.testing.gitlab_routes import FORBIDDEN, Call, HttpError, _route, paginate
from spyglass.testing.gitlab_world import JSON, FakeJob, FakePipeline, FakeProject, now_iso

if TYPE_CHECKING:
    from spyglass.testing.gitlab import FakeGitLab

P = r"/projects/(?P<p>[^/]+)"
NOT_FOUND: JSON = {"message": "404 Not found"}


def _ci_project(fake: FakeGitLab, call: Call, ref: str) -> FakeProject:
    """The project, if the caller may read its CI: Reporter or above, or a job token of this project."""
    project = fake.project(call, ref) if call.token.job_project_id is None else \
        fake.world.find_project(unquote(ref))
    if project is None or (call.token.job_project_id is not None and call.token.job_project_id != project.id):
        raise HttpError(404, {"message": "404 Project Not Found"})
    if call.token.job_project_id is None and fake.world.access_level(project, call.user) < 20:
        raise HttpError(403, FORBIDDEN)
    return project


def pipeline_json(project: FakeProject, pipeline: FakePipeline, base: str) -> JSON:
    return {"id": pipeline.id, "iid": pipeline.id, "project_id": project.id, "sha": "c0" * 20, "ref": pipeline.ref,
            "status": pipeline.status, "source": "push", "created_at": now_iso(), "updated_at": now_iso(),
            "web_url": f"{base}/{project.path}/-/pipelines/{pipeline.id}"}


def job_json(project: FakeProject, pipeline: FakePipeline, job: FakeJob, base: str) -> JSON:
    artifacts: list[JSON] = [{"file_type": "trace", "size": 1024, "filename": "job.log", "file_format": None}]
    data: JSON = {"id": job.id, "name": job.name, "status": job.status, "stage": "build", "ref": pipeline.ref,
                  "tag": False, "created_at": now_iso(), "artifacts_expire_at": job.expire_at,
                  "pipeline": {"id": pipeline.id, "project_id": project.id, "ref": pipeline.ref,
                               "status": pipeline.status},
                  "web_url": f"{base}/{project.path}/-/jobs/{job.id}"}
    if job.archive is not None:
        artifacts.insert(0, {"file_type": "archive", "size": len(job.archive), "filename": "artifacts.zip",
                             "file_format": "zip"})
        data["artifacts_file"] = {"filename": "artifacts.zip", "size": len(job.archive)}
    data["artifacts"] = artifacts
    return data


def pipelines(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    project = _ci_project(fake, call, m["p"])
    found = [p for p in project.pipelines
             if call.query.get("ref", p.ref) == p.ref and call.query.get("status", p.status) == p.status]
    found.sort(key=lambda p: p.id, reverse=call.query.get("sort", "desc") == "desc")
    return paginate(call, [pipeline_json(project, p, call.base) for p in found])


def pipeline_jobs(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    project = _ci_project(fake, call, m["p"])
    pipeline = next((p for p in project.pipelines if p.id == int(m["pid"])), None)
    if pipeline is None:
        return 404, NOT_FOUND
    jobs = sorted(pipeline.jobs, key=lambda j: j.id, reverse=True)
    return paginate(call, [job_json(project, pipeline, j, call.base) for j in jobs])


def job_artifacts_by_ref(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    project = _ci_project(fake, call, m["p"])
    name = call.query.get("job")
    if not name:
        return 400, {"error": "job is missing"}
    ref = unquote(m["ref"])
    succeeded = [p for p in project.pipelines if p.ref == ref and p.status == "success"]
    latest = max(succeeded, key=lambda p: p.id, default=None)
    job = next((j for j in latest.jobs if j.name == name and j.archive is not None), None) if latest else None
    if job is None or job.archive is None:
        return 404, NOT_FOUND
    if job.redirect_to is not None:
        return 302, (b"", {"Location": f"{job.redirect_to}/{job.id}/artifacts.zip"})
    return 200, (job.archive, {"Content-Disposition": 'attachment; filename="artifacts.zip"'})


#: appended to the fake's routes (:data:`spyglass.testing.gitlab_routes.ROUTES`) by the server
JOB_ROUTES = (
    _route("GET", P + "/pipelines", pipelines),
    _route("GET", P + r"/pipelines/(?P<pid>\d+)/jobs", pipeline_jobs),
    _route("GET", P + r"/jobs/artifacts/(?P<ref>.+)/download", job_artifacts_by_ref),
)
