"""What people type is shown as text, never run: minutes, follow-ups and commitments with
markup in them are escaped on every page that shows them (docs/SECURITY.md, V5.3). Minutes are
plain text; no page renders stored text as HTML (no ``|safe``, no ``Markup`` of user input), so
there is no rich text to sanitize. SQLite runs in WAL mode with synchronous=FULL.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pony.orm import commit, db_session, flush

from app.meetings.services import approve_minutes, mark_held, publish_minutes, write_minutes
from tests.factories import make_meeting
from tests.test_sign_in import sign_in
from tests.world import PASSWORD

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:1">a</a>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_markup_in_minutes_and_follow_ups_is_shown_as_text(app, client, world):
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        meeting = make_meeting(db.Engagement[world.e_a1], starts_at=datetime(2026, 4, 2, 8, 0))
        flush()
        mark_held(meeting, held_at=meeting.starts_at)
        write_minutes(min(meeting.agenda_items, key=lambda i: i.id), ATTACK)
        approve_minutes(meeting)
        publish_minutes(meeting)
        commit()
        meeting_id = meeting.id
    headers = {**world.headers["office_a"]}
    assert client.post(f"/api/v1/commitments/{world.c_a1}/follow-ups", headers=headers, json={
        "occurred_on": date.today().isoformat(), "narrative": ATTACK}).status_code == 201
    etag = client.get(f"/api/v1/commitments/{world.c_a1}", headers=headers).headers["ETag"]
    assert client.patch(f"/api/v1/commitments/{world.c_a1}", json={"actions": ATTACK},
                        headers={**headers, "If-Match": etag}).status_code == 200

    public = client.get(f"/public/minutes/{meeting_id}")  # anyone, signed in or not
    assert public.status_code == 200, public.text
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    pages = [public, client.get(f"/meetings/{meeting_id}"),
             client.get(f"/commitments/{world.c_a1}")]
    for page in pages:
        assert page.status_code == 200, page.request.path
        assert ESCAPED in page.text
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert not re.search(r'href="javascript:', page.text)


def test_no_template_marks_stored_text_as_safe():
    app_dir = Path(__file__).resolve().parent.parent / "app"
    for template in app_dir.rglob("*.html"):
        text = template.read_text()
        assert "|safe" not in text.replace(" ", ""), template
        assert "autoescape false" not in text, template
    # The one exception: charts inlined as SVG, which matplotlib writes with every drawn text
    # escaped (tests/test_charts.py::test_inline_charts_escape_the_names_they_draw).
    vetted = {app_dir / "charts" / "service.py"}
    for module in app_dir.rglob("*.py"):
        if module not in vetted:
            assert "Markup(" not in module.read_text(), module


def test_sqlite_connections_use_wal_with_full_synchronous_writes(engine_databases):
    database = engine_databases("sqlite")
    with database.app.app_context(), db_session:
        db = database.database
        def pragma(name):
            return db.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL: a commit is on disk before it is answered
