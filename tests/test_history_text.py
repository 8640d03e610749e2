"""A record's history on its page reads in the reader's language: field names and coded values
by their labels, yes/no and moments as the language writes them, never the log's keys."""

from pony.orm import commit, db_session

from app.web.history import FIELD_LABELS
from tests.sessions import sign_in

HISTORY_ENTITIES = ("Meeting", "AgendaItem", "Participant", "MeetingTheme", "Attachment",
                    "BoardComment", "MinutesPublication", "Commitment")
BOOKKEEPING = {"id", "created_at", "updated_at", "version"}


def history_text(page: str, heading_id: str) -> str:
    return " ".join(page.split(f'id="{heading_id}"')[1].split("</section>")[0].split())


def test_every_field_a_history_can_name_has_a_label(app):
    database = app.extensions["nordialog.db"]
    missing = sorted(f"{entity}.{attr.name}" for entity in HISTORY_ENTITIES
                     for attr in getattr(database, entity)._attrs_
                     if not attr.is_collection and attr.name not in BOOKKEEPING
                     and attr.name not in FIELD_LABELS)
    assert missing == []


def test_a_meetings_history_names_fields_and_values_in_danish(app, client, world):
    headers = world.headers["office_a"]
    meeting = client.get(f"/api/v1/meetings/{world.m_a1}", headers=headers)
    changed = client.patch(f"/api/v1/meetings/{world.m_a1}", json={"place": "Aulaen"},
                           headers={**headers, "If-Match": meeting.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    with app.app_context(), db_session:  # as recorded on the page once the meeting is held
        app.extensions["nordialog.db"].Participant[world.p_a1].attendance = "present"
    sign_in(client, world.office_a)
    text = history_text(client.get(f"/meetings/{world.m_a1}?lang=da").text, "meeting-history")
    assert "Sted: Skolens mødelokale → Aulaen" in text
    assert "Fremmøde: Ikke registreret → Til stede" in text
    for key in ("place:", "attendance:", "unknown", "present"):
        assert key not in text


def test_a_commitments_history_says_yes_and_no_in_swedish(app, client, world):
    headers = world.headers["office_a"]
    url = f"/api/v1/commitments/{world.c_a1}"
    commitment = client.get(url, headers=headers)
    changed = client.patch(url, json={"binding": False, "due_date": "2027-06-30"},
                           headers={**headers, "If-Match": commitment.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    sign_in(client, world.office_a)
    text = history_text(client.get(f"/commitments/{world.c_a1}?lang=sv").text,
                        "history-heading")
    assert "Bindande: Ja → Nej" in text
    assert "30 juni 2027" in text
    assert "binding:" not in text and "True" not in text


def test_an_unchanged_json_field_is_not_logged_as_changed(app, world):
    """Pony keeps a JSON column as loaded in text form; the audit compares values, not forms."""
    with app.app_context(), db_session:
        database = app.extensions["nordialog.db"]
        item = database.AgendaItem[world.ai_a1]
        assert item.labels  # seeded from the programme's template, in every language
        item.duration_minutes = (item.duration_minutes or 0) + 5
        commit()
    with app.app_context(), db_session:
        database = app.extensions["nordialog.db"]
        latest = database.AuditEntry.select(
            lambda e: e.entity == "AgendaItem" and e.entity_id == world.ai_a1
        ).order_by(lambda e: e.id)[:][-1]
        assert latest.action == "update"
        assert set(latest.changes) == {"duration_minutes"}
