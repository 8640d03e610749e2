"""Administrators export the audit log as CSV and JSON lines; no password, token or
confidential value is ever in it. A commitment's page shows each change before and after."""

import csv
import io
import json

from tests.sessions import sign_in
from tests.test_sign_in import csrf_token
from tests.world import PASSWORD, SENTINEL_TITLE, SENTINEL_VALUE


def test_administrators_export_the_log_without_secrets(app, client, world):
    # Plant: a confidential change, a failed and a good sign-in, a new token, a refusal.
    path = f"/api/v1/commitments/{world.c_a1_conf}"
    etag = client.get(path, headers=world.headers["office_a"]).headers["ETag"]
    assert client.patch(path, json={"title": SENTINEL_TITLE + "-2", "actions": "SENTINEL-X"},
                        headers={**world.headers["office_a"], "If-Match": etag}
                        ).status_code == 200
    web = app.test_client()
    for password in ("a wrong password here", PASSWORD):
        web.post("/sign-in", data={"email": "office_a@example.test", "password": password,
                                   "csrf_token": csrf_token(web)})
    issued = client.post("/api/v1/me/tokens", json={"name": "Export"},
                         headers=world.headers["leader_a1"]).json["token"]
    assert client.get(path, headers=world.headers["board_a1"]).status_code == 404

    for fmt in ("jsonl", "csv"):
        refused = client.get(f"/api/v1/audit/export?format={fmt}",
                             headers=world.headers["office_a"])
        assert refused.status_code == 403
        response = client.get(f"/api/v1/audit/export?format={fmt}",
                              headers=world.headers["admin"])
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        if fmt == "jsonl":
            rows = [json.loads(line) for line in body.splitlines()]
        else:
            rows = list(csv.DictReader(io.StringIO(body)))
        actions = {row["action"] for row in rows}
        assert {"create", "update", "sign_in", "sign_in_failed", "access_refused"} <= actions
        for secret in ("SENTINEL", str(SENTINEL_VALUE), PASSWORD, "a wrong password here",
                       issued, issued[4:], "scrypt:", "office_a@example.test"):
            assert secret not in body, (fmt, secret)
        assert "[confidential]" in body and "[redacted]" in body


def test_a_commitments_page_shows_each_change_before_and_after(app, client, world):
    path = f"/api/v1/commitments/{world.c_a1}"
    etag = client.get(path, headers=world.headers["office_a"]).headers["ETag"]
    assert client.patch(path, json={"actions": "Read aloud daily"},
                        headers={**world.headers["office_a"], "If-Match": etag}
                        ).status_code == 200
    history = client.get(f"{path}/history", headers=world.headers["board_a1"]).json["items"]
    assert history[-1]["changes"]["actions"]["after"] == "Read aloud daily"
    sign_in(client, world.board_a1)
    page = client.get(f"/commitments/{world.c_a1}").text
    section = " ".join(page.split('id="history-heading"')[1].split())
    before = history[-1]["changes"]["actions"]["before"] or "–"
    assert f"Actions: {before} → Read aloud daily" in section
