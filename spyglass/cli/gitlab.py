"""``spyglass gitlab ...``: thin commands over :class:`spyglass.gitlab.service.GitLabService`.

Each command opens the Spyglass store once and hands it to the service. The token is never a command-line
argument: ``--token-stdin``, ``SPYGLASS_GITLAB_TOKEN`` or a hidden prompt. Only its last four characters
are ever printed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape as escape_markup

from spyglass.exceptions import UsageError
from spyglass.gitlab import ci_template
from spyglass.gitlab.artifacts import BASE_JOB, JOB_TOKEN_ENV, BaseRequest, credentials, fetch_base, target_branch
from spyglass.gitlab.diagnose import Diagnosis
from spyglass.gitlab.safezip import ZipLimits
from spyglass.gitlab.service import GitLabService, MergeRequestList, PostResult
from spyglass.gitlab.settings import MAX_IID, TOKEN_ENV, resolve
from spyglass.gitlab.status_lines import status_lines, verdict
from spyglass.gitlab.sync import StateChecklist, approval_for
from spyglass.markup.escape import one_line
from spyglass.state.store import load_state, save_state
from spyglass.store.db import Store
from spyglass.store.secrets import PREVIOUS_KEYS_ENV


def escape(text: str) -> str:
    """Text from GitLab or the user for the console: no Rich markup, no terminal control sequence."""
    return escape_markup(one_line(text))


_MARKS = {"pass": "[green]PASS[/]", "warn": "[yellow]WARN[/]", "fail": "[red]FAIL[/]", "skip": "[dim]SKIP[/]",
          "info": "[cyan]NOTE[/]"}
_VERDICT_STYLE = {"good": "green", "partial": "yellow", "bad": "red"}
_connection = [click.option("--url", default=None, help="GitLab URL (default: env, CI, stored)."),
               click.option("--project", default=None, help="Project path or id (default: env, CI, stored).")]


@contextmanager
def _service() -> Iterator[GitLabService]:
    """The service over the store, opened once for the command and closed when it ends."""
    with Store.open(os.environ) as store:
        yield GitLabService(store, os.environ)


def _console() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def print_diagnosis(console: Console, d: Diagnosis, token_last4: str | None = None) -> None:
    """The troubleshooting report: one line per item, each failure with its remedy, then the verdict."""
    token = f"  token ...{escape(token_last4)}" if token_last4 else ""
    user = d.user or ("unknown (the token cannot be read)" if not d.token_readable else "?")
    console.print(f"GitLab {escape(d.url)}  project {escape(d.project)}  user {escape(user)}{token}")
    for line in status_lines(d):
        console.print(f"{_MARKS[line.outcome]} {escape(line.label)}: {escape(line.detail)}")
        if line.remedy:
            console.print(f"     -> {escape(line.remedy)}")
    style, text = verdict(d)
    console.print(f"[{_VERDICT_STYLE[style]}]{escape(text)}[/]")


def _read_token(token_stdin: bool) -> str:
    if token_stdin:
        token = sys.stdin.readline().strip()
    else:
        token = os.environ.get(TOKEN_ENV, "").strip() or click.prompt(
            "GitLab token (input hidden)", hide_input=True, default="", show_default=False, err=True).strip()
    if not token:
        raise UsageError("No GitLab token given.", remedy=f"Pipe it with --token-stdin, set {TOKEN_ENV}, "
                         "or type it at the prompt (never as a command-line argument).")
    return token


def register(group: click.Group) -> None:
    """Add the ``gitlab`` command group to ``spyglass``."""
    group.add_command(gitlab)


@click.group()
def gitlab() -> None:
    """Connect GitLab, track merge requests, post summaries and notes on them."""


@gitlab.command()
@click.option("--url", required=True, help="GitLab URL, e.g. https://gitlab.com or https://host/gitlab.")
@click.option("--project", required=True, help="Project path (group/subgroup/project) or numeric id.")
@click.option("--token-stdin", is_flag=True, help="Read the token from standard input.")
@click.option("--allow-downgrade", is_flag=True,
              help="Let a token that can only read merge requests replace a stored token that can post.")
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as JSON.")
def connect(url: str, project: str, token_stdin: bool, allow_downgrade: bool, as_json: bool) -> None:
    """Validate a token and store the connection (token encrypted) if it can read merge requests. A
    read-only token never replaces a stored token that can post unless --allow-downgrade (exit 2)."""
    token = _read_token(token_stdin)
    with _service() as service:
        result = service.connect(url, project, token, confirm_downgrade=allow_downgrade)
    if as_json:
        _emit_json({**result.diagnosis.model_dump(mode="json"), "stored": result.stored,
                    "token_last4": result.token_last4, "exit_code": result.diagnosis.exit_code})
    else:
        console = _console()
        print_diagnosis(console, result.diagnosis, result.token_last4)
        console.print(f"Connection stored (token ...{escape(result.token_last4)}, encrypted)." if result.stored
                      else "[red]Connection NOT stored:[/] fix the problems above and connect again.")
    sys.exit(result.diagnosis.exit_code)


@gitlab.command()
@_connection[0]
@_connection[1]
@click.option("--mr", "mr_iid", type=click.IntRange(1, MAX_IID), default=None,
              help="Also check this merge request (its discussion lock); default: CI_MERGE_REQUEST_IID.")
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as JSON.")
def status(url: str | None, project: str | None, mr_iid: int | None, as_json: bool) -> None:
    """Validate the configured connection, never writing. Exit 0: can post; 3: can read merge requests
    but posting will fail or is unknown; 2: unusable."""
    with _service() as service:
        settings = service.settings(url=url, project=project, mr_iid=mr_iid)
        diagnosis = service.diagnose(settings)
    if as_json:
        _emit_json({**diagnosis.model_dump(mode="json"), "token_last4": settings.token_last4,
                    "exit_code": diagnosis.exit_code})
    else:
        print_diagnosis(_console(), diagnosis, settings.token_last4)
    sys.exit(diagnosis.exit_code)


def _print_mrs(listing: MergeRequestList) -> None:
    console = _console()
    console.print(f"{len(listing.merge_requests)} merge requests in {escape(listing.project)}"
                  + ("" if listing.can_post else " (read-only token: cannot post)"))
    for mr in listing.merge_requests:
        console.print(f"!{mr.iid}  {escape(mr.title)}  @{escape(mr.author or '?')}  "
                      f"{escape(mr.source_branch)} -> {escape(mr.target_branch)}  {(mr.head_sha or '')[:8]}  "
                      f"{escape(mr.updated_at)}  {escape('[' + mr.status_text + ']')}  {escape(mr.web_url)}")


@gitlab.command()
@click.option("--state", "mr_state", type=click.Choice(["opened", "merged", "closed", "all"]),
              default="opened", show_default=True)
@_connection[0]
@_connection[1]
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def mrs(mr_state: str, url: str | None, project: str | None, as_json: bool) -> None:
    """The project's merge requests with Spyglass's tracking status (all pages)."""
    with _service() as service:
        listing = service.merge_requests(state=mr_state, url=url, project=project)
    if as_json:
        _emit_json(listing.model_dump(mode="json"))
    else:
        _print_mrs(listing)


def _print_post(result: PostResult) -> None:
    console = _console()
    verb = "Posted" if result.created else "Updated"
    console.print(f"{verb} the summary on !{result.iid} ({result.checks} checks, {result.mismatches} "
                  f"mismatches, {result.errors} errors): {escape(result.note_url or str(result.note_id))}")
    if result.discussions_created or result.discussions_updated or result.discussions_resolved:
        console.print(f"Threads: {result.discussions_created} opened, {result.discussions_updated} updated, "
                      f"{result.discussions_resolved} resolved.")
    if result.approved or result.unapproved or result.commands:
        console.print(f"Approvals from GitLab: {len(result.approved)} approved, {len(result.unapproved)} "
                      f"un-approved; {result.commands} note command(s) answered (state file updated).")
    if result.commit_status:
        console.print(f"Commit status `spyglass` on {(result.head_sha or '')[:8]}: {result.commit_status}.")


@gitlab.command()
@click.option("--mr", "mr_iid", type=click.IntRange(1, MAX_IID), default=None,
              help="MR iid (default: CI_MERGE_REQUEST_IID).")
@click.option("--state-file", type=click.Path(path_type=Path), default=Path("spyglass_state.json"),
              show_default=True, help="The state file written by `spyglass run`.")
@click.option("--notes", is_flag=True, help="One thread per mismatched check (resolved once it passes).")
@click.option("--commit-status", is_flag=True, help="Set a `spyglass` commit status on the MR's head.")
@_connection[0]
@_connection[1]
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def post(mr_iid: int | None, state_file: Path, notes: bool, commit_status: bool, url: str | None,
         project: str | None, as_json: bool) -> None:
    """Post the summary of a state file on a merge request as one note, updated in place later."""
    state = load_state(state_file)
    checklist = StateChecklist(state)
    with _service() as service:
        result = service.post(state, mr_iid=mr_iid, notes=notes, commit_status=commit_status,
                              url=url, project=project, checklist=checklist)
    if checklist.changed:  # approvals from GitLab's threads and note commands
        save_state(state_file, checklist.state())
    if as_json:
        _emit_json(result.model_dump(mode="json"))
    else:
        _print_post(result)


@gitlab.command()
@click.argument("check_name")
@click.option("--unapprove", is_flag=True, help="Withdraw the approval instead.")
@click.option("--state-file", type=click.Path(path_type=Path), default=Path("spyglass_state.json"),
              show_default=True, help="The state file written by `spyglass run` (updated in place).")
@click.option("--mr", "mr_iid", type=click.IntRange(1, MAX_IID), default=None,
              help="MR whose thread follows (default: CI_MERGE_REQUEST_IID, the state's, the last posted).")
def approve(check_name: str, unapprove: bool, state_file: Path, mr_iid: int | None) -> None:
    """Approve a check for its latest result; its GitLab thread is resolved when a connection is configured."""
    checklist = StateChecklist(load_state(state_file))
    checklist.set_approval(approval_for(checklist.state(), check_name, not unapprove, "Spyglass"))
    save_state(state_file, checklist.state())
    console = _console()
    console.print(f"{escape(check_name)}: {'un-approved' if unapprove else 'approved'} in {escape(str(state_file))}.")
    with _service() as service:
        synced = service.sync(checklist, mr_iid=mr_iid)
    save_state(state_file, checklist.state())
    console.print(f"Threads of !{synced.iid} synced: {synced.resolved} resolved, {synced.reopened} re-opened."
                  if synced else
                  "No GitLab merge request to sync (connect GitLab, or pass --mr); `post --notes` syncs later.")


@gitlab.command()
def disconnect() -> None:
    """Delete the stored connection and its token."""
    with _service() as service:
        removed = service.disconnect()
    _console().print("Stored GitLab connection deleted." if removed else "No stored GitLab connection.")


@gitlab.command()
@click.option("--expires-at", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The new token's expiry (YYYY-MM-DD); default: the old token's lifetime from today.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def rotate(expires_at: datetime | None, as_json: bool) -> None:
    """Rotate the stored token in GitLab (needs the api or self_rotate scope): GitLab revokes it and
    answers a new one, stored encrypted before anything uses it. Exit 2 when the answer was lost: then
    the old token is deleted, never sent again, and you connect a new one."""
    with _service() as service:
        result = service.rotate(expires_at=expires_at.date() if expires_at else None)
    if as_json:
        _emit_json(result.model_dump(mode="json"))
        return
    expiry = f", expires {result.expires_at}" if result.expires_at else ", no expiry"
    _console().print(f"Token rotated: ...{escape(result.previous_last4)} is revoked; the new token "
                     f"...{escape(result.token_last4)} is stored (encrypted{expiry}).")


@gitlab.command()
def reencrypt() -> None:
    """Encrypt the stored token and webhook secret again with the current key, after a key change.

    Set SPYGLASS_SECRET_KEY to the new key and SPYGLASS_SECRET_KEY_PREVIOUS to the old one, run this, then
    drop the old key. Exit 2 (nothing changed) when a stored secret cannot be decrypted with either.
    """
    with Store.open(os.environ) as store:
        count = store.reencrypt_secrets()
        source = store.key_source
    noun = "secret" if count == 1 else "secrets"
    _console().print(f"Re-encrypted {count} stored {noun} with the key from {escape(source)}."
                     + (f" {PREVIOUS_KEYS_ENV} is no longer needed." if count else ""))


@gitlab.command("ci-template")
@click.option("--source", default=ci_template.DEFAULT_SOURCE, show_default=True,
              help="SPYGLASS_SOURCE: where pip installs Spyglass from, pinned (a git URL with a tag, a wheel URL).")
@click.option("--postgres/--no-postgres", default=None,
              help="Install the postgres extra (default: when profiles.yml here or in DBT_PROFILES_DIR uses "
                   "PostgreSQL).")
@click.option("--base-target", default="prod", show_default=True, help="dbt target of the default branch.")
@click.option("--current-target", default="ci", show_default=True, help="dbt target of merge requests.")
def ci_template_command(source: str, postgres: bool | None, base_target: str, current_target: str) -> None:
    """Print a .gitlab-ci.yml: base artifacts on the default branch; on each merge request the base fetched,
    the checks run (JUnit test summary, HTML report linked in the merge request) and the summary posted."""
    if not source.strip() or any(char in source for char in "\"' \t\r\n"):
        raise UsageError("--source must be one pip source without spaces or quotes.",
                         remedy=f"For example --source {ci_template.DEFAULT_SOURCE}")
    if postgres is None:
        profiles = Path(os.environ.get("DBT_PROFILES_DIR") or ".") / "profiles.yml"
        postgres = profiles.is_file() and ci_template.needs_postgres(profiles.read_text(encoding="utf-8"))
    click.echo(ci_template.render(source=source.strip(), postgres=postgres, base_target=base_target,
                                  current_target=current_target), nl=False)


@gitlab.command("fetch-base")
@click.option("--target-base-path", type=click.Path(path_type=Path), default=Path("target-base"),
              show_default=True, help="Where to unpack the base artifacts (replaced whole).")
@click.option("--ref", default=None, help="The branch whose base artifacts to fetch (default: the merge "
              "request's target branch, CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else CI_DEFAULT_BRANCH).")
@click.option("--job", default=BASE_JOB, show_default=True, help="The job that keeps the base artifacts.")
@click.option("--artifacts-dir", default="target", show_default=True,
              help="The directory inside the artifacts that holds manifest.json.")
@click.option("--max-size", type=click.IntRange(1, 65536), default=2048, show_default=True,
              help="Refuse an archive over this many MiB, downloaded or unpacked.")
@_connection[0]
@_connection[1]
def fetch_base_command(target_base_path: Path, ref: str | None, job: str, artifacts_dir: str, max_size: int,
                       url: str | None, project: str | None) -> None:
    """Download the newest base artifacts of the target branch (its newest successful pipeline's JOB) and
    unpack them into --target-base-path. In GitLab CI it uses CI_JOB_TOKEN, elsewhere the configured token.
    Exit 4 when there are none yet (first pipeline, expired), 2 when the job or its artifacts are wrong."""
    if os.environ.get(JOB_TOKEN_ENV):  # CI: the job token, no need for the store
        settings = resolve(os.environ, None, url=url, project=project)
    else:
        with _service() as service:
            settings = service.settings(url=url, project=project)
    if not settings.url or not settings.project:
        raise UsageError("No GitLab URL or project for fetch-base.", remedy="In GitLab CI they come from "
                         "CI_SERVER_URL and CI_PROJECT_ID; elsewhere pass --url and --project.")
    request = BaseRequest(url=settings.url, project=settings.project, ref=target_branch(ref, os.environ),
                          destination=target_base_path, job=job, inside=artifacts_dir,
                          limits=ZipLimits(max_bytes=max_size * 2**20))
    fetched = fetch_base(request, credentials(os.environ, settings))
    _console().print(f"Base artifacts of {escape(fetched.job)} on {escape(fetched.ref)} "
                     f"({fetched.archive_bytes:,} bytes, with {fetched.token_source}) unpacked into "
                     f"{escape(str(fetched.destination))}: {escape(', '.join(fetched.files))}")


@gitlab.group()
def webhook() -> None:
    """GitLab webhooks that keep tracking up to date (needs `spyglass serve`)."""


@webhook.command("install")
@click.argument("hook_url")
@_connection[0]
@_connection[1]
def webhook_install(hook_url: str, url: str | None, project: str | None) -> None:
    """Install the project's hook to HOOK_URL (e.g. https://spyglass.host/api/gitlab/webhook) for merge
    request and note events, with a generated secret, stored encrypted; a hook with the same URL is updated,
    never duplicated. Needs the Maintainer role."""
    console = _console()
    with _service() as service:
        result = service.install_webhook(hook_url, url=url, project=project)
    if result.warning:
        console.print(f"[yellow]Warning:[/] {escape(result.warning)}")
    done = "created" if result.created else "updated (it had the same URL)"
    console.print(f"Webhook {result.hook_id} {done} for {escape(result.url)}, with merge request and note "
                  "events; its secret is stored encrypted.")
