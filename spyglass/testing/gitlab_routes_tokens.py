"""The fake GitLab's token rotation: ``POST /personal_access_tokens/self/rotate`` and reuse detection.

As GitLab does it (lib/api/personal_access_tokens/self_rotation.rb, app/services/personal_access_tokens/
rotate_service.rb, lib/gitlab/auth/auth_finders.rb): the token needs ``api`` or ``self_rotate``; in one
transaction the old token is revoked and a new one of the same name and scopes is made (previous id = the old
one's), expiring on ``expires_at`` (default: a week from today), answered with its value (200). A date past the
instance's longest lifetime is a 400 ``"Expires at must be before YYYY-MM-DD"`` and changes nothing. A revoked
token presented on a rotate endpoint (or anywhere, with ``reuse_detection_everywhere``) revokes every newer
token of its family before the usual 401.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from spyglass.testing.gitlab_routes import _route, token_self
from spyglass.testing.gitlab_world import FakeToken, World

if TYPE_CHECKING:
    from spyglass.testing.gitlab import FakeGitLab
    from spyglass.testing.gitlab_routes import Call

#: the route names GitLab's reuse detection watches (``access_tokens/(\d+|self)/rotate$``)
ROTATE_ROUTES = frozenset({"rotate_self"})
DEFAULT_ROTATION_DAYS = 7


def rotate_self(fake: FakeGitLab, call: Call, m: re.Match[str]) -> tuple[int, object]:
    old = call.token
    raw = call.body.get("expires_at")
    try:
        expires = date.fromisoformat(str(raw)) if raw else fake.today + timedelta(days=DEFAULT_ROTATION_DAYS)
    except ValueError:
        return 400, {"error": "expires_at is invalid"}
    latest = fake.today + timedelta(days=fake.world.max_token_lifetime_days)
    if expires > latest:
        return 400, {"message": f"400 Bad request - Expires at must be before {latest.isoformat()}"}
    old.revoked = True
    value = fake.world.add_token(old.user, old.scopes, expires_at=expires)
    new = fake.world.tokens[value]
    new.name, new.previous_id = old.name, old.id
    status, described = token_self(fake, _as(call, new), m)
    assert isinstance(described, dict)
    return status, {**described, "token": value}


def _as(call: Call, token: FakeToken) -> Call:
    return type(call)(call.method, call.path, call.query, call.body, token.user, call.base, token)


def presented_rejected(world: World, token: FakeToken, route: str, today: date) -> None:
    """A token GitLab refused was presented on ``route``: record a revoked one, and detect its reuse."""
    expired = token.expires_at is not None and token.expires_at < today
    if not token.revoked or expired:  # GitLab checks expiry first: an expired token is no reuse
        return
    world.revoked_token_uses.append(route)
    if route in ROTATE_ROUTES or world.reuse_detection_everywhere:
        for newer in family_after(world, token):
            newer.revoked = True


def family_after(world: World, token: FakeToken) -> list[FakeToken]:
    """Every token rotated (directly or not) from ``token``."""
    ids, found = {token.id}, []
    grown = True
    while grown:
        grown = False
        for other in world.tokens.values():
            if other.previous_id in ids and other.id not in ids:
                ids.add(other.id)
                found.append(other)
                grown = True
    return found


#: appended to the fake's routes by :class:`spyglass.testing.gitlab.FakeGitLab`
TOKEN_ROUTES = (
    _route("POST", r"/personal_access_tokens/self/rotate", rotate_self),
)
