"""Settings -> GitLab integration and the merge-request page in Chromium, against the fake GitLab:
what was seen wrong on the page, fixed (unreadable tokens, downgrades, the webhook, roles, preview,
the checklist's binding to a merge request)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from spyglass.server.security import REQUEST_HEADER
from spyglass.testing.gitlab import FakeGitLab
from spyglass.testing.gitlab_world import FakeProject, FakeUser
from tests.browser.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PROJECT = "data/analytics/shop"
HEADERS = {REQUEST_HEADER: "1"}


def _maintainer(fake: FakeGitLab) -> tuple[FakeUser, FakeProject]:
    project = fake.world.add_project(PROJECT)
    maria = fake.world.add_user("maria")
    fake.world.add_member("data", maria, 40)
    fake.world.add_merge_request(project, maria, title="Revenue excludes refunds", source_branch="refunds",
                                 sha="a" * 40)
    fake.world.add_merge_request(project, maria, title="Payment summary", source_branch="payments", sha="b" * 40)
    return maria, project


def _stored(live: LiveServer, fake: FakeGitLab, token: str) -> None:
    """Store a connection through the API (the set-up; the page is what each test looks at)."""
    answer = httpx.post(f"{live.url}/api/gitlab/connect", headers=HEADERS,
                        json={"url": fake.url, "project": PROJECT, "token": token})
    assert answer.status_code == 200 and answer.json()["stored"] is True, answer.text


def _try_token(page: Any, live: LiveServer, fake: FakeGitLab, token: str) -> None:
    page.goto(f"{live.url}/#/settings/gitlab")
    for field, value in (("#gitlab-url", fake.url), ("#gitlab-project", PROJECT), ("#gitlab-token", token)):
        page.fill(field, value)
    page.click("#connect")


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_unreadable_token_says_unknown_and_leaves_the_stored_connection(
        page: Any, live_server: LiveServer, fake_gitlab: FakeGitLab, how: str) -> None:
    maria, _ = _maintainer(fake_gitlab)
    good = fake_gitlab.world.add_token(maria, ("api",), expires_at=date.today() + timedelta(days=60))
    _stored(live_server, fake_gitlab, good)
    bad = fake_gitlab.world.add_token(maria, ("api",), expires_at=date.today() - timedelta(days=1)) \
        if how == "expired" else fake_gitlab.world.add_token(maria, ("api",), revoked=True)
    _try_token(page, live_server, fake_gitlab, bad)
    page.wait_for_selector("#diagnosis")
    assert page.locator(f'.problem[data-code="token_{how}"]').count() == 1
    assert page.locator("#diag-heading").inner_text() == "This token cannot be used"
    result = page.locator("#connect-result").inner_text()
    assert "was not stored" in result and "stored connection is unchanged" in result
    assert f"ending in {good[-4:]}" in page.locator("#stored-unchanged").inner_text()
    for field in ("#diag-user", "#diag-role", "#diag-expiry", "#diag-scopes"):
        text = page.locator(field).inner_text()
        assert text.startswith("unknown (the token cannot be read)"), (field, text)
    shown = page.locator("#diagnosis").inner_text()
    assert "never" not in shown and "not a member" not in shown and "—" not in shown.split("Problems")[0]
    assert page.locator("#token-last4").inner_text().endswith(good[-4:])  # still the stored one
    screenshot(page, f"gitlab-settings-{how}-candidate")


def test_a_read_user_token_shows_the_role_as_unknown(page: Any, live_server: LiveServer,
                                                     fake_gitlab: FakeGitLab) -> None:
    maria, _ = _maintainer(fake_gitlab)
    _try_token(page, live_server, fake_gitlab, fake_gitlab.world.add_token(maria, ("read_user",)))
    page.wait_for_selector("#diagnosis")
    assert page.locator("#diag-user").inner_text() == "maria"
    role = page.locator("#diag-role").inner_text()
    assert role.startswith("unknown") and "not a member" not in role
    assert page.locator('.problem[data-code="scope_insufficient"]').count() == 1


def test_a_read_api_token_does_not_replace_an_api_token_without_asking(page: Any, live_server: LiveServer,
                                                                        fake_gitlab: FakeGitLab) -> None:
    maria, _ = _maintainer(fake_gitlab)
    api_token = fake_gitlab.world.add_token(maria, ("api",))
    _stored(live_server, fake_gitlab, api_token)
    read_only = fake_gitlab.world.add_token(maria, ("read_api",))
    _try_token(page, live_server, fake_gitlab, read_only)
    dialog = page.locator("#downgrade-dialog")
    dialog.wait_for()
    assert "can post" in dialog.inner_text()
    screenshot(page, "gitlab-settings-downgrade")
    page.click("#downgrade-dialog-cancel")
    assert "Kept the stored token" in page.locator("#connect-result").inner_text()
    assert page.locator("#token-last4").inner_text().endswith(api_token[-4:])
    assert page.locator("#conn-scopes").inner_text() == "api"

    _try_token(page, live_server, fake_gitlab, read_only)
    page.click("#downgrade-dialog-ok")
    page.wait_for_selector("#diagnosis")
    assert "Connected" in page.locator("#connect-result").inner_text()
    page.wait_for_function("(t) => document.querySelector('#token-last4').textContent.endsWith(t)",
                           arg=read_only[-4:])
    assert page.locator("#conn-scopes").inner_text() == "read_api"


def test_webhook_warns_about_a_local_url_then_installs_and_says_so(page: Any, live_server: LiveServer,
                                                                    fake_gitlab: FakeGitLab) -> None:
    maria, project = _maintainer(fake_gitlab)
    _stored(live_server, fake_gitlab, fake_gitlab.world.add_token(maria, ("api",)))
    page.goto(f"{live_server.url}/#/settings/gitlab")
    warning = page.locator("#webhook-url-warning")
    warning.wait_for()  # the default URL is this server's loopback address
    assert "GitLab probably cannot reach" in warning.inner_text() and "127.0.0.1" in warning.inner_text()
    assert page.locator("#webhook-status").inner_text() == "not installed"
    page.click("#install-webhook")  # GitLab refuses hooks to the local network by default
    page.wait_for_selector("#connect-output .error-box")
    assert "localhost are not allowed" in page.locator("#connect-output .error-box").inner_text()
    assert not project.hooks

    page.fill("#webhook-url", "https://spyglass.example.com/api/gitlab/webhook")
    page.wait_for_selector("#webhook-url-warning", state="hidden")
    page.click("#install-webhook")
    page.wait_for_selector("#webhook-result")
    assert "merge request and note events" in page.locator("#webhook-result").inner_text()
    assert page.locator("#webhook-status").inner_text() == "installed"  # refreshed after the install
    assert page.locator("#install-webhook").inner_text() == "Reinstall webhook"
    page.click("#install-webhook")  # again: the same hook is updated, not a second one created
    page.wait_for_selector("#webhook-result:has-text('updated')")
    assert len(project.hooks) == 1 and project.hooks[0]["note_events"] is True
    screenshot(page, "gitlab-settings-webhook")


def test_preview_binding_and_a_stale_checklist(page: Any, live_server: LiveServer, fake_gitlab: FakeGitLab) -> None:
    maria, project = _maintainer(fake_gitlab)
    _stored(live_server, fake_gitlab, fake_gitlab.world.add_token(maria, ("api",)))
    page.goto(f"{live_server.url}/#/mrs")
    page.wait_for_selector("#mr-table")
    assert page.locator("#checklist-binding").get_attribute("data-state") == "none"

    first = page.locator('#mr-table tr[data-iid="1"]')
    first.locator("button.preview-summary").click()
    preview = page.locator("#note-preview")
    preview.wait_for()
    shown = preview.inner_text()
    assert "spyglass summary" in shown.lower() and "environments" in shown.lower()
    assert "<!--" not in shown and "target-base" in shown
    assert str(live_server.state_path.parent) not in shown and "/tmp/" not in shown  # no runner path
    assert not fake_gitlab.writes()  # a preview sends nothing

    first.locator("button.bind-checklist").click()
    page.wait_for_selector('#checklist-binding[data-state="fresh"]')
    assert "!1 (refunds at aaaaaaaa)" in page.locator("#checklist-binding").inner_text()
    assert page.locator('#mr-table tr[data-iid="1"]').get_attribute("data-binding") == "fresh"
    screenshot(page, "merge-requests-bound")

    project.merge_requests[1].sha = "c" * 40  # someone pushed to the merge request
    page.reload()
    page.wait_for_selector('#checklist-binding[data-state="stale"]')
    assert "moved to cccccccc" in page.locator("#checklist-binding").inner_text()
    row = page.locator('#mr-table tr[data-iid="1"]')
    assert row.locator(".checklist-badge").inner_text() == "checklist stale"
    row.locator("button.post-summary").click()
    page.locator("#post-dialog").wait_for()  # asks before posting an older commit's checklist
    page.click("#post-dialog-cancel")
    assert not project.merge_requests[1].notes
    screenshot(page, "merge-requests-stale")
    row.locator("button.post-summary").click()
    page.click("#post-dialog-ok")
    page.wait_for_selector('#mr-table tr[data-iid="1"] button.post-summary:has-text("Posted")')
    assert len(project.merge_requests[1].notes) == 1


def test_token_lifetime_warns_opts_in_and_rotates(page: Any, live_server: LiveServer, fake_gitlab: FakeGitLab) -> None:
    maria, _ = _maintainer(fake_gitlab)
    token = fake_gitlab.world.add_token(maria, ("api",), expires_at=date.today() + timedelta(days=10))
    _stored(live_server, fake_gitlab, token)
    page.goto(f"{live_server.url}/#/settings/gitlab")
    page.wait_for_selector("#rotation")
    assert "10 days left" in page.locator("#token-expires").inner_text()
    assert "expires" in page.locator("#expiry-warning").inner_text()  # the server's 14-day warning
    page.check("#auto-rotate")
    page.wait_for_function("() => !document.querySelector('#auto-rotate').disabled")
    assert httpx.get(f"{live_server.url}/api/gitlab/rotation", headers=HEADERS).json()["auto_rotate"] is True
    page.click("#rotate-now")
    page.click("#rotate-dialog-ok")
    result = page.locator("#rotate-result")
    result.wait_for()
    assert f"the token ending in {token[-4:]} is revoked" in result.inner_text()
    stored = httpx.get(f"{live_server.url}/api/gitlab/connection", headers=HEADERS).json()
    assert stored["token_last4"] != token[-4:] and stored["token_last4"] in result.inner_text()
    page.wait_for_function("() => !document.querySelector('#expiry-warning')")  # the new token lives longer
    screenshot(page, "settings-token-lifetime")
