"""Every route and method, for every role, on its own organisation's record and another's."""

import re
import time

import pytest

from tests.authz_matrix import MATRIX, OK, ROLES, SIDE, SIGN_IN, sides, upload

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_every_route_has_an_entry_and_every_entry_a_route(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods - IGNORED_METHODS}
    assert sorted(routes - set(MATRIX)) == [], "add these routes to tests/authz_matrix.py"
    assert sorted(set(MATRIX) - routes) == [], "these entries name routes that do not exist"


def _ids(world, side: str, role: str) -> dict:
    ids = {kind: world.ids[name] for kind, name in SIDE[side].items()}
    ids["country"] = "SE" if side == "S" else "DK"
    ids["role"], ids["side"] = role, side
    ids["open_"] = world.ids["open_"]
    own_side, _other = sides(role)
    # Someone's own token when acting on their side; otherwise somebody else's.
    if side == own_side and role != "anonymous":
        owner = role
    else:
        owner = "office_b" if role != "office_b" else "admin"
    ids["token"] = world.ids[f"token_{owner}"]
    return ids


def _web(client, app, world, role: str, entry, path: str, ids: dict):
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = str(world.ids[role])
            session["_fresh"] = True
            session["generation"] = 1  # what signing in records (a new account's generation)
            session["signed_in_at"] = session["seen_at"] = int(time.time())
    if entry.method == "GET":
        return client.get(path)
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": token, **(entry.json(ids) if entry.json else {})}
    return client.post(path, data=data)


def _api(client, world, role: str, entry, path: str, ids: dict):
    headers = dict(world.headers[role])
    if entry.files:
        return client.post(path, headers=headers, content_type="multipart/form-data",
                           data=upload())
    body = entry.json(ids) if entry.json else None
    if entry.method in ("POST", "PUT", "PATCH") and body is None:
        body = {}
    if entry.method in ("PUT", "PATCH", "DELETE"):
        # Any version will do: access is decided before it is compared (a stale one is a 412,
        # which the domain says after access was granted).
        headers["If-Match"] = '"authz-matrix"'
    return client.open(path, method=entry.method, json=body, headers=headers)


#: What an allowed request may get: done (2xx), a redirect after a saved form, or the domain's
#: answer to the state or input (409 conflict, 412/428 versions, 422 invalid). Anything else
#: (400, 405, 415, 429 ...) is reported as itself and fails the entry.
ALLOWED = frozenset({200, 201, 204, 301, 302, 303, 409, 412, 422, 428})


def _outcome(response):
    """A refusal as its code, a web page sending the visitor to sign in as SIGN_IN; what the
    domain said to an allowed request as OK; any other status as itself."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status in (301, 302, 303) and "/sign-in" in response.headers.get("Location", ""):
        return SIGN_IN
    if status in (401, 403, 404):
        return status
    return OK if status in ALLOWED else status


@pytest.mark.parametrize("key", sorted(MATRIX), ids=lambda key: f"{key[0]} {key[1]}")
def test_route_gives_each_role_what_the_matrix_says(app, world, key):
    entry = MATRIX[key]
    wrong = []
    for role in ROLES:
        for position, side in enumerate(sides(role)):
            ids = _ids(world, side, role)
            path = entry.path(ids) if entry.path else entry.rule
            client = app.test_client()
            if entry.channel == "web":
                response = _web(client, app, world, role, entry, path, ids)
            else:
                response = _api(client, world, role, entry, path, ids)
            got = _outcome(response)
            with response:
                expected = entry.expect[role][position]
                if got != expected:
                    wrong.append(f"{role} on {'own' if position == 0 else 'other'} ({path}): "
                                 f"expected {expected}, got {got}")
    assert wrong == []
