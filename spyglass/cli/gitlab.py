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
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape as escape_markup

from spyglass.exceptions import UsageError
from spyglass.gitlab import ci_template
from spyglass.gitlab.diagnose import Diagnosis, status_lines
from spyglass.gitlab.service import GitLabService, MergeRequestList, PostResult
from spyglass.gitlab.settings import MAX_IID, TOKEN_ENV
from spyglass.markup.escape import one_line
from spyglass.state.store import load_state
from spyglass.store.db import Store
from spyglass.store.secrets import PREVIOUS_KEYS_ENV


def escape(text: str) -> str:
    """Text from GitLab or the user for the console: no Rich markup, no terminal control sequence."""
    return escape_markup(one_line(text))


_MARKS = {"pass": "[green]PASS[/]", "warn": "[yellow]WARN[/]", "fail": "[red]FAIL[/]", "skip": "[dim]SKIP[/]"}
_VERDICT = {0: "[green]Spyglass can track merge requests and post summaries.[/]",
            3: "[yellow]Spyglass can track merge requests but cannot post (read-only).[/]",
            2: "[red]This connection cannot be used.[/]"}
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
    console.print(f"GitLab {escape(d.url)}  project {escape(d.project)}  user {escape(d.user or '?')}{token}")
    for line in status_lines(d):
        console.print(f"{_MARKS[line.outcome]} {escape(line.label)}: {escape(line.detail)}")
        if line.remedy:
            console.print(f"     -> {escape(line.remedy)}")
    console.print(_VERDICT[d.exit_code])


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
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as JSON.")
def connect(url: str, project: str, token_stdin: bool, as_json: bool) -> None:
    """Validate a token and store the connection (token encrypted) if it can read merge requests."""
    token = _read_token(token_stdin)
    with _service() as service:
        result = service.connect(url, project, token)
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
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as JSON.")
def status(url: str | None, project: str | None, as_json: bool) -> None:
    """Validate the configured connection. Exit 0: can post; 3: read-only; 2: unusable."""
    with _service() as service:
        settings = service.settings(url=url, project=project)
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
    with _service() as service:
        result = service.post(state, mr_iid=mr_iid, notes=notes, commit_status=commit_status,
                              url=url, project=project)
    if as_json:
        _emit_json(result.model_dump(mode="json"))
    else:
        _print_post(result)


@gitlab.command()
def disconnect() -> None:
    """Delete the stored connection and its token."""
    with _service() as service:
        removed = service.disconnect()
    _console().print("Stored GitLab connection deleted." if removed else "No stored GitLab connection.")


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
@click.option("--package", default="spyglass", show_default=True, help="What `pip install` installs.")
@click.option("--base-target", default="prod", show_default=True, help="dbt target of the default branch.")
@click.option("--current-target", default="ci", show_default=True, help="dbt target of merge requests.")
def ci_template_command(package: str, base_target: str, current_target: str) -> None:
    """Print a .gitlab-ci.yml: base artifacts on the default branch, review on each merge request."""
    click.echo(ci_template.render(package=package, base_target=base_target, current_target=current_target),
               nl=False)


@gitlab.group()
def webhook() -> None:
    """GitLab webhooks that keep tracking up to date (needs `spyglass serve`)."""


@webhook.command("install")
@click.argument("hook_url")
@_connection[0]
@_connection[1]
def webhook_install(hook_url: str, url: str | None, project: str | None) -> None:
    """Create the project's Merge Request hook to HOOK_URL (e.g. https://spyglass.host/api/gitlab/webhook)
    with a generated secret, stored encrypted. Needs the Maintainer role."""
    console = _console()
    with _service() as service:
        result = service.install_webhook(hook_url, url=url, project=project)
    if result.warning:
        console.print(f"[yellow]Warning:[/] {escape(result.warning)}")
    console.print(f"Webhook {result.hook_id} created for {escape(result.url)}; its secret is stored encrypted.")
