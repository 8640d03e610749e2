"""Exports of many records are read a batch at a time (and CSV is streamed), yet hold every
record the reader may see, once, in the list's order."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from pony.orm import commit, db_session, select

from app.commitments import api as commitments_api


def admin_headers(app) -> dict:
    from app.accounts.services import assign_role, create_user, issue_token

    with app.app_context(), db_session:
        user = create_user(email="export-admin@example.test", name="Export Admin",
                           password="export-password-1")
        assign_role(user, "administrator")
        issued = issue_token(user, "exports")
        commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_batched_exports_hold_every_record_in_order(app, runner, client, monkeypatch):
    result = runner.invoke(args=["seed", "synthetic", "--schools", "6", "--years", "2",
                                 "--seed", "4", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(commitments_api, "EXPORT_BATCH", 7)
    headers = admin_headers(app)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        expected = [c.id for c in db.Commitment.select().order_by(
            lambda c: (c.due_date, c.id))]
        follow_ups = select(f.id for f in db.FollowUp).count()
    assert len(expected) > 3 * 7

    answer = client.get("/api/v1/commitments/export?format=csv", headers=headers)
    assert answer.status_code == 200 and answer.is_streamed
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == expected

    answer = client.get("/api/v1/commitments/export?format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == \
        [str(ident) for ident in expected]

    answer = client.get("/api/v1/follow-ups/export?format=csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert len({row["id"] for row in rows}) == len(rows) == follow_ups
