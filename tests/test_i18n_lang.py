"""Everything we write says which language it is in: pages and reports in <html lang>, calendar
entries in their LANGUAGE parameter (e-mails carry Content-Language: tests/test_outbox.py)."""

import re
from datetime import date

import pytest
from icalendar import Calendar
from pony.orm import commit, db_session

from tests.parties import build_parties
from tests.sessions import sign_in


@pytest.fixture
def ids(app):
    with app.app_context(), db_session:
        parties = build_parties()
        commitment = parties.commitment(title="Læsebånd", due_date=date(2026, 6, 30))
        commit()
        return {"office": parties.users["office"].id, "admin": parties.users["admin"].id,
                "commitment": commitment.id,
                "meeting": parties.meetings["school"].id, "owner": parties.orgs["owner"].id}


def declared(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


@pytest.mark.parametrize("asked,language", [("da", "da"), ("no", "nb"), ("sv", "sv"),
                                            ("en", "en")])
def test_pages_reports_and_calendars_declare_the_readers_language(app, client, ids, asked,
                                                                  language):
    sign_in(client, ids["office"])
    for address in ("/", f"/commitments/{ids['commitment']}", f"/meetings/{ids['meeting']}",
                    "/no-such-page"):
        page = client.get(f"{address}?lang={asked}")
        assert declared(page.text) == language, address
    report = client.get(f"/reports/minutes/{ids['meeting']}?language={asked}&format=html")
    assert report.status_code == 200
    assert declared(report.text) == language and report.headers["Content-Language"] == language
    feed = client.get(f"/organisations/{ids['owner']}/calendar.ics?lang={asked}")
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert events
    for event in events:
        assert event["SUMMARY"].params["LANGUAGE"] == language
        if "DESCRIPTION" in event:
            assert event["DESCRIPTION"].params["LANGUAGE"] == language


def test_an_administrator_reads_the_weak_results_page_in_their_language(app, client, ids):
    """An administrator's role is held in no organisation; the page still opens (it failed)."""
    sign_in(client, ids["admin"])
    page = client.get("/weak-results?lang=sv")
    assert page.status_code == 200 and declared(page.text) == "sv"
