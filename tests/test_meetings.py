"""The meeting lifecycle: planned -> held -> minutes drafted -> approved -> published."""

from datetime import datetime

import pytest
from pony.orm import commit, flush

from app.errors import Conflict, InvalidInput
from app.meetings import services
from tests.factories import make_commitment, make_engagement, make_meeting


def held_with_minutes(meeting=None):
    meeting = meeting or make_meeting()
    services.mark_held(meeting, held_at=datetime(2026, 4, 20, 9, 0))
    for item in services.agenda(meeting):
        services.write_minutes(item, f"Discussed {item.labels['en']}")
    return meeting


def test_agenda_comes_from_the_programme_template_in_order(tx):
    meeting = make_meeting()
    items = services.agenda(meeting)
    assert [(i.kind, i.party, i.duration_minutes) for i in items] == [
        ("evaluation", "joint", 15), ("theme", "school", 45), ("agreements", "joint", 15)]
    assert items[0].labels["sv"] == "evaluation (sv)"
    assert meeting.status == "planned"


def test_the_full_lifecycle_ends_in_a_frozen_publication(tx):
    meeting = held_with_minutes()
    assert meeting.status == "minutes_drafted"
    services.approve_minutes(meeting)
    make_commitment(meeting.engagement, meeting=meeting, title="Public agreement")
    make_commitment(meeting.engagement, meeting=meeting, title="Secret", confidential=True)
    publication = services.publish_minutes(meeting)
    assert meeting.status == "published"
    assert publication.revision == 1
    assert [c["title"] for c in publication.content["commitments"]] == ["Public agreement"]
    assert publication.content["agenda"][0]["minutes"] == "Discussed evaluation"


def test_minutes_are_written_only_between_holding_and_approval(tx):
    meeting = make_meeting()
    first = services.agenda(meeting)[0]
    with pytest.raises(Conflict):
        services.write_minutes(first, "Too early")
    held_with_minutes(meeting)
    services.approve_minutes(meeting)
    with pytest.raises(Conflict):
        services.write_minutes(first, "Too late")


def test_publishing_needs_approval(tx):
    meeting = held_with_minutes()
    with pytest.raises(Conflict):
        services.publish_minutes(meeting)
    assert meeting.status == "minutes_drafted"
    assert meeting.publications.count() == 0


def test_a_meeting_cannot_be_held_before_it_starts(tx):
    meeting = make_meeting(starts_at=datetime(2026, 4, 20, 7, 0))
    with pytest.raises(InvalidInput):
        services.mark_held(meeting, held_at=datetime(2026, 4, 19, 7, 0))


def test_confidential_meetings_are_never_published(tx):
    meeting = held_with_minutes(make_meeting(meeting_type="leadership_talk"))
    assert meeting.confidential
    services.approve_minutes(meeting)
    with pytest.raises(Conflict):
        services.publish_minutes(meeting)


def test_published_minutes_change_only_by_a_new_revision(tx):
    meeting = held_with_minutes()
    services.approve_minutes(meeting)
    first = services.publish_minutes(meeting)
    services.revise_published_minutes(meeting)
    assert (meeting.status, meeting.minutes_revision) == ("minutes_drafted", 2)
    services.write_minutes(services.agenda(meeting)[0], "Corrected")
    # Until the new revision is approved and published, the public still reads revision 1.
    assert services.latest_publication(meeting).revision == 1
    assert first.content["agenda"][0]["minutes"] == "Discussed evaluation"
    services.approve_minutes(meeting)
    second = services.publish_minutes(meeting)
    assert second.revision == 2
    assert second.content["agenda"][0]["minutes"] == "Corrected"


def test_a_publication_cannot_be_rewritten_even_by_hand(tx):
    meeting = held_with_minutes()
    services.approve_minutes(meeting)
    publication = services.publish_minutes(meeting)
    commit()
    publication.content = {"agenda": []}
    with pytest.raises(TypeError, match="append-only"):
        flush()


def test_cancelled_meetings_stay_cancelled(tx):
    meeting = make_meeting()
    services.cancel(meeting)
    with pytest.raises(Conflict):
        services.mark_held(meeting, held_at=datetime(2026, 4, 21, 9, 0))


def test_participants_and_attendance(tx):
    meeting = make_meeting()
    leader = services.add_participant(meeting, name="Mette", role="school_leader")
    parent = services.add_participant(meeting, name="Jens", role="board_parent_representative")
    services.record_attendance(leader, "present")
    services.record_attendance(parent, "absent")
    assert sorted((p.name, p.attendance) for p in meeting.participants) == [
        ("Jens", "absent"), ("Mette", "present")]
    with pytest.raises(InvalidInput):
        services.add_participant(meeting, name="", role="wizard")


def test_meetings_are_planned_only_in_active_engagements(tx):
    from app.engagements.services import close_engagement

    engagement = make_engagement()
    close_engagement(engagement)
    with pytest.raises(Conflict):
        make_meeting(engagement)


def test_the_public_minutes_show_dates_in_the_readers_language(app, tx):
    """Published minutes keep their content as published; its due dates still read as dates
    in the visitor's language, not as ISO text."""
    meeting = held_with_minutes()
    services.approve_minutes(meeting)
    make_commitment(meeting.engagement, meeting=meeting, title="Public agreement",
                    due_date=datetime(2026, 6, 30).date())
    services.publish_minutes(meeting)
    commit()
    page = app.test_client().get(f"/public/minutes/{meeting.id}?lang=sv").text
    assert "Public agreement" in page
    assert "30 juni 2026" in page and "2026-06-30" not in page
