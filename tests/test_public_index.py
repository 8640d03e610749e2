"""A visitor finds a school or school owner with published minutes without signing in: every
organisation with published minutes and only those, searchable by name and country, paged."""

import re

from pony.orm import db_session, flush, select

from app.meetings.services import approve_minutes, mark_held, publish_minutes, write_minutes
from tests.factories import make_engagement, make_meeting, make_owner, make_programme, make_school


def listed(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return re.findall(r'<tr><td><a href="/public/organisations/\d+">([^<]+)</a>', body)


def publish_one(app, school_name: str, country: str = "DK", confidential: bool = False) -> str:
    """Publish a meeting's minutes at a new school; returns the school's name."""
    with app.app_context(), db_session:
        school = make_school(make_owner(country=country), name=school_name)
        meeting = make_meeting(make_engagement(make_programme(country=country), school))
        flush()
        mark_held(meeting, held_at=meeting.starts_at)
        write_minutes(min(meeting.agenda_items, key=lambda i: i.id), "Referat")
        approve_minutes(meeting)
        publish_minutes(meeting)
        # Minutes of a confidential meeting are never published; one marked confidential
        # afterwards leaves every public page.
        meeting.confidential = confidential
        return school.name


def test_the_index_lists_exactly_the_organisations_with_published_minutes(app, client, world):
    page = client.get("/public/")
    assert page.status_code == 200
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        expected = sorted(set(select(m.engagement.organisation.name for m in db.Meeting
                                     if m.published_at is not None and not m.confidential)))
        unpublished = db.Organisation[world.b1].name
    assert expected and listed(page.text) == expected
    assert unpublished not in listed(page.text)
    assert "Published minutes" in page.text


def test_a_confidential_meeting_does_not_put_its_school_on_the_index(app, client, world):
    hidden = publish_one(app, "Hemmelig Skole", confidential=True)
    assert hidden not in client.get("/public/").text


def test_search_by_name_and_country_in_the_readers_language(app, client, world):
    east = publish_one(app, "Østre Skole")
    west = publish_one(app, "Västra skolan", country="SE")
    assert listed(client.get("/public/?name=østre").text) == [east]
    assert listed(client.get("/public/?name=ØSTRE").text) == [east]
    assert west in listed(client.get("/public/?country=SE").text)
    assert east not in listed(client.get("/public/?country=SE").text)
    assert listed(client.get("/public/?name=%25").text) == []  # LIKE's wildcard is a letter here
    empty = client.get("/public/?name=Ingen+sådan&lang=da")
    assert "Ingen skole eller skoleejer med offentliggjorte referater" in empty.text
    refused = client.get("/public/?country=XX&lang=sv")
    assert refused.status_code == 422
    assert 'class="field-error" id="country-error"' in refused.text
    assert listed(refused.text)  # the list stays, unfiltered, with the field marked
    assert client.get("/public/?name=" + "x" * 201).status_code == 422


def test_the_index_pages_fifty_at_a_time(app, client, world):
    for number in range(51):
        publish_one(app, f"Skole {number:02d}")
    first = client.get("/public/")
    assert len(listed(first.text)) == 50
    assert 'rel="next"' in first.text
    second = client.get("/public/?page=2")
    assert len(listed(second.text)) > 0 and not set(listed(second.text)) & set(listed(first.text))


def test_sign_in_and_an_organisations_page_lead_to_the_index(client, world):
    assert 'href="/public/"' in client.get("/sign-in").text
    assert 'href="/public/"' in client.get(f"/public/organisations/{world.a1}").text
