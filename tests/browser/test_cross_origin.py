"""A page of another site, open in the same Chromium, tries to change the server: nothing changes.

The attacker's page is served from a second loopback origin (another port). It sends what a page can
send without the server's consent: ``no-cors`` fetches with a text body, HTML forms (``text/plain``
and urlencoded) into hidden frames, a beacon, and a fetch with JSON and the custom header (which
needs a CORS preflight the server never grants).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from spyglass.server.security import REQUEST_HEADER
from spyglass.testing.gitlab import FakeGitLab
from tests.browser.conftest import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ATTACK_PAGE = """<!doctype html>
<html><body>
<iframe name="sink1"></iframe><iframe name="sink2"></iframe><iframe name="sink3"></iframe>
<form id="import-text" method="POST" enctype="text/plain" target="sink1" action="TARGET/api/state/import">
  <input name='STATE_NAME' value='STATE_VALUE'></form>
<form id="disconnect-form" method="POST" target="sink2" action="TARGET/api/gitlab/disconnect">
  <input name="x" value="1"></form>
<form id="save-form" method="POST" enctype="multipart/form-data" target="sink3" action="TARGET/api/state/save">
  <input name="x" value="1"></form>
<script>
const target = "TARGET";
const state = STATE_JSON;
const outcomes = [];
async function attempt(name, send) {
  try { await send(); outcomes.push(name + ": sent"); } catch (err) { outcomes.push(name + ": blocked"); }
}
(async () => {
  await attempt("no-cors import", () => fetch(target + "/api/state/import", {
    method: "POST", mode: "no-cors", credentials: "include",
    headers: {"Content-Type": "text/plain"}, body: JSON.stringify(state)}));
  await attempt("no-cors disconnect", () => fetch(target + "/api/gitlab/disconnect", {
    method: "POST", mode: "no-cors", credentials: "include"}));
  await attempt("no-referrer import", () => fetch(target + "/api/state/import", {
    method: "POST", mode: "no-cors", referrerPolicy: "no-referrer", body: JSON.stringify(state)}));
  await attempt("preflighted import", () => fetch(target + "/api/state/import", {
    method: "POST", headers: {"Content-Type": "application/json", "X-Spyglass-Request": "1"},
    body: JSON.stringify(state)}));
  await attempt("preflighted delete", () => fetch(target + "/api/checks/CHECK_ID", {
    method: "DELETE", headers: {"X-Spyglass-Request": "1"}}));
  outcomes.push("beacon: " + navigator.sendBeacon(target + "/api/gitlab/disconnect", "x"));
  for (const id of ["import-text", "disconnect-form", "save-form"]) document.getElementById(id).submit();
  window.outcomes = outcomes;
})();
</script></body></html>"""


@contextlib.contextmanager
def attacker_site(page_html: str) -> Iterator[str]:
    """A second origin on loopback (another port) serving the attack page at ``/``."""
    body = page_html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _connect_gitlab(url: str, fake: FakeGitLab) -> None:
    project = fake.world.add_project("data/analytics/shop")
    alice = fake.world.add_user("alice")
    fake.world.add_member("data", alice, 40)
    token = fake.world.add_token(alice, ("api",))
    connected = httpx.post(f"{url}/api/gitlab/connect", json={"url": fake.url, "project": project.path,
                                                               "token": token}, timeout=30)
    assert connected.status_code == 200, connected.text
    assert httpx.get(f"{url}/api/gitlab/connection").json()["connected"] is True


def _attack_html(url: str, check_id: str, state: dict[str, Any]) -> str:
    text = json.dumps(state)
    # the classic text/plain form trick: name + "=" + value makes a JSON document
    name, value = text[:-1] + ', "x": "', '"}'
    return (ATTACK_PAGE.replace("STATE_JSON", text).replace("CHECK_ID", check_id)
            .replace("STATE_NAME", name.replace("'", "&#39;")).replace("STATE_VALUE", value)
            .replace("TARGET", url))


def _count(answers: list[tuple[str, str, int]], method: str, path: str) -> int:
    return sum(1 for m, u, _ in answers if m == method and u.split("?")[0].endswith(path))


def test_a_page_of_another_origin_cannot_import_delete_or_disconnect(page: Any, live_server: LiveServer,
                                                                      fake_gitlab: FakeGitLab) -> None:
    url = live_server.url
    _connect_gitlab(url, fake_gitlab)
    created = httpx.post(f"{url}/api/checks", json={"spec": {"type": "lineage_diff", "params": {}}, "name": "Reviewed"})
    assert created.status_code == 201, created.text
    check_id = created.json()["check_id"]
    before = httpx.get(f"{url}/api/checks").json()
    attack = json.loads(httpx.get(f"{url}/api/state/export").content)
    attack["checks"][0].update(name="attacker check", approved=True, check_id="attacker")

    answers: list[tuple[str, str, int]] = []
    page.on("response", lambda r: answers.append((r.request.method, r.url, r.status)) if r.url.startswith(url)
            else None)
    expected = {("POST", "/api/state/import"): 3, ("POST", "/api/gitlab/disconnect"): 2, ("POST", "/api/state/save"): 1}
    with attacker_site(_attack_html(url, check_id, attack)) as attacker:
        assert attacker != url
        page.goto(f"{attacker}/")
        page.wait_for_function("() => Array.isArray(window.outcomes)")
        deadline = time.monotonic() + 30
        while not all(_count(answers, *key) >= n for key, n in expected.items()):
            assert time.monotonic() < deadline, answers
            page.wait_for_timeout(100)
        outcomes = page.evaluate("window.outcomes")
    assert "preflighted import: blocked" in outcomes and "preflighted delete: blocked" in outcomes, outcomes

    # everything that reached the server was refused (the preflighted ones never left the browser)
    assert not [a for a in answers if a[0] == "DELETE" or (a[1].endswith("/api/state/import") and a[0] != "POST")]
    assert all(status == 403 for method, _, status in answers if method != "OPTIONS"), answers
    # and nothing changed
    assert httpx.get(f"{url}/api/checks").json() == before
    assert httpx.get(f"{url}/api/gitlab/connection").json()["connected"] is True
    assert httpx.post(f"{url}/api/state/save", headers={REQUEST_HEADER: "1"}).status_code == 200
    saved = json.loads(live_server.state_path.read_text())
    assert [c["name"] for c in saved["checks"]] == ["Reviewed"] and saved["checks"][0]["approved"] is False

    # the UI on its own origin still changes things
    page.goto(f"{url}/#/checks")
    page.locator(".check-item").first.wait_for()
    page.click("#approve")
    page.wait_for_selector(".check-item input.approve:checked")
    assert httpx.get(f"{url}/api/checks").json()[0]["approved"] is True
