"""Calendar feeds: a person's secret, revocable address and an organisation's feed, in the
organisation's time zone and the reader's language, parsed back with icalendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pony.orm import commit, db_session

from app.db import db
from app.notify import calendar
from tests.factories import make_meeting
from tests.parties import TALK, Parties, build_parties
from tests.sessions import sign_in

NOW = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def ids(app):
    with app.app_context(), db_session:
        parties = build_parties()
        parties.users["leader"].language = "da"
        parties.commitment(title="Læsebånd", due_date=date(2026, 6, 30)).next_follow_up_on = \
            date(2026, 3, 15)
        parties.commitment(title="Hemmeligt", due_date=date(2026, 5, 1), confidential=True)
        parties.commitment("school2", title="Another school's", due_date=date(2026, 6, 1))
        oslo = parties.orgs["school_b"]
        oslo.time_zone = "Europe/Oslo"
        make_meeting(parties.engagements["school_b"], starts_at=datetime(2026, 4, 20, 7, 0))
        commit()
        return parties.ids()


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def summaries(cal: Calendar) -> list[str]:
    return sorted(str(event["summary"]) for event in cal.walk("VEVENT"))


def test_a_personal_feed_has_meetings_due_dates_follow_ups_and_year_wheel_in_danish(app, ids):
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        issued = calendar.issue_feed(parties.users["leader"])
        cal = parse(calendar.user_calendar(issued.feed, now=NOW))
    titles = summaries(cal)
    assert "Frist: Læsebånd (Testskolen " in " ".join(titles)
    assert any(t.startswith("Opfølgning: Læsebånd") for t in titles)
    assert any(t.startswith("Frist: Fortrolig aftale") for t in titles)
    assert not any("Hemmeligt" in t for t in titles)
    assert not any("Another school" in t for t in titles)
    assert any(t.startswith("startup (da) (Testskolen") for t in titles)
    meeting = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("meeting-"))
    start = meeting.decoded("dtstart")
    assert start.tzinfo.key == "Europe/Copenhagen"
    assert start == TALK.replace(tzinfo=ZoneInfo("UTC"))
    assert start.hour == 10  # 08:00 UTC on 1 September is 10:00 in Copenhagen
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    follow_up = next(e for e in cal.walk("VEVENT") if "follow-up" in str(e["uid"]))
    assert follow_up.decoded("dtstart") == date(2026, 3, 15)
    startup = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("startup"))
    assert str(startup["description"]) == "Ansvarlig: School office (da)"
    assert (startup.decoded("dtstart"), startup.decoded("dtend")) == (date(2025, 11, 1),
                                                                    date(2025, 12, 1))


def test_the_secret_address_works_without_sign_in_until_revoked(app, ids, client):
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        issued = calendar.issue_feed(parties.users["office"])
        commit()
        feed_id = issued.feed.id
        path = calendar.feed_url(issued.secret).split("127.0.0.1:5000")[1]
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    assert parse(answer.data).walk("VEVENT")
    with app.app_context(), db_session:
        calendar.revoke_feed(db.CalendarFeed[feed_id])
    assert client.get(path).status_code == 404
    assert client.get("/calendar/ndcal_guessed.ics").status_code == 404


def test_feeds_are_created_listed_and_revoked_through_the_api(app, world):
    client = app.test_client()
    headers = world.headers["leader_a1"]
    created = client.post("/api/v1/me/calendar-feeds", headers=headers)
    assert created.status_code == 201
    url = created.json["url"]
    assert "/calendar/ndcal_" in url
    listed = client.get("/api/v1/me/calendar-feeds", headers=headers).json["items"]
    assert [f["id"] for f in listed] == [created.json["id"]]
    assert "url" not in listed[0]
    path = url.split("127.0.0.1:5000")[1]
    assert client.get(path).status_code == 200
    no_match = client.delete(f"/api/v1/me/calendar-feeds/{created.json['id']}",
                             headers=headers)
    assert no_match.status_code == 428
    # Reading the feed notes when it was last used: the current version comes from the list.
    current = client.get("/api/v1/me/calendar-feeds", headers=headers).json["items"][0]
    assert current["last_used_at"] is not None
    revoked = client.delete(f"/api/v1/me/calendar-feeds/{created.json['id']}",
                            headers={**headers, "If-Match": current["etag"]})
    assert revoked.status_code == 204
    assert client.get(path).status_code == 404
    other = client.delete(f"/api/v1/me/calendar-feeds/{created.json['id']}",
                          headers={**world.headers["office_a"], "If-Match": "x"})
    assert other.status_code == 404


def test_an_organisation_feed_is_in_its_own_time_zone(app, ids, world):
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        from app.accounts.access import principal_for

        admin = principal_for(parties.users["admin"])
        cal = parse(calendar.organisation_calendar(admin, parties.orgs["school_b"], now=NOW))
    assert str(cal["x-wr-timezone"]) == "Europe/Oslo"
    meetings = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("meeting-")]
    starts = sorted(e.decoded("dtstart") for e in meetings)
    assert {s.tzinfo.key for s in starts} == {"Europe/Oslo"}
    assert starts[-1].hour == 9  # 07:00 UTC on 20 April is 09:00 in Oslo
    assert not any("Læsebånd" in str(e["summary"]) for e in cal.walk("VEVENT"))


def test_an_invalid_time_zone_is_a_clear_error_not_a_broken_feed(app, ids):
    with app.app_context(), db_session:
        Parties.load(db, ids).orgs["school_b"].time_zone = "Mars/Olympus_Mons"
        commit()
    client = app.test_client()
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        from app.accounts.services import issue_token

        secret = issue_token(parties.users["admin"], "test").secret
        commit()
    answer = client.get(f"/api/v1/organisations/{ids['orgs']['school_b']}/calendar.ics",
                        headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 409
    assert "Mars/Olympus_Mons" in answer.json["message"]
    assert "time zone" in answer.json["message"]


def test_the_profile_page_creates_and_revokes_a_feed(app, ids):
    client = app.test_client()
    sign_in(client, ids["users"]["leader"])
    import re

    page = client.get("/profile")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    created = client.post("/profile/calendar-feeds", data={"csrf_token": token})
    assert created.status_code == 201
    url = re.search(r'id="new-feed-url"[^>]*value="([^"]+)"', created.text).group(1)
    path = url.split("127.0.0.1:5000")[1]
    assert client.get(path).status_code == 200
    with app.app_context(), db_session:
        feed_id = db.CalendarFeed.select().first().id
    revoked = client.post(f"/profile/calendar-feeds/{feed_id}/revoke",
                          data={"csrf_token": token})
    assert revoked.status_code == 302
    assert client.get(path).status_code == 404
    assert url not in client.get("/profile").text


def test_a_feed_reaches_only_a_year_back_and_two_ahead(app, ids):
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        make_meeting(parties.engagements["school"], starts_at=NOW - timedelta(days=400))
        issued = calendar.issue_feed(parties.users["leader"])
        cal = parse(calendar.user_calendar(issued.feed, now=NOW))
        meetings = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("meeting-")]
        assert len(meetings) == 1


# --- an organisation's calendar by a secret address ---------------------------------------------

def _csrf(client, path: str = "/profile") -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def test_an_organisation_calendar_has_a_secret_revocable_address_too(app, ids):
    import re

    client = app.test_client()
    sign_in(client, ids["users"]["office"])
    school = ids["orgs"]["school"]
    page = client.get(f"/organisations/{school}")
    assert 'name="organisation_id"' in page.text
    created = client.post("/profile/calendar-feeds", data={
        "csrf_token": _csrf(client), "organisation_id": str(school)})
    assert created.status_code == 201
    url = re.search(r'id="new-feed-url"[^>]*value="([^"]+)"', created.text).group(1)
    path = url.split("127.0.0.1:5000")[1]
    # A calendar program has no session: the address alone opens the school's calendar.
    answer = app.test_client().get(path)
    assert answer.status_code == 200
    cal = parse(answer.data)
    titles = summaries(cal)
    assert any(t.startswith("Due: Læsebånd") for t in titles)
    assert not any("Another school's" in t for t in titles)  # school2 is not under school
    assert str(cal["x-wr-calname"]).startswith("Nordialog: Testskolen")
    with app.app_context(), db_session:
        feed = db.CalendarFeed.select().first()
        assert feed.organisation.id == school
        feed_id = feed.id
    assert "Testskolen" in client.get("/profile").text
    revoked = client.post(f"/profile/calendar-feeds/{feed_id}/revoke",
                          data={"csrf_token": _csrf(client)})
    assert revoked.status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_an_organisation_address_follows_what_its_person_may_see(app, ids):
    client = app.test_client()
    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        issued = calendar.issue_feed(parties.users["office"], parties.orgs["school"])
        commit()
        path = calendar.feed_url(issued.secret).split("127.0.0.1:5000")[1]
    assert client.get(path).status_code == 200
    with app.app_context(), db_session:
        for role in Parties.load(db, ids).users["office"].roles:
            role.delete()
    assert client.get(path).status_code == 404
    # Nobody gets an address for a calendar they may not read.
    outsider = app.test_client()
    sign_in(outsider, ids["users"]["office_b"])
    refused = outsider.post("/profile/calendar-feeds", data={
        "csrf_token": _csrf(outsider), "organisation_id": str(ids["orgs"]["school"])})
    assert refused.status_code in (403, 404)
    for bad in ("12345678901234567890", "x"):
        assert outsider.post("/profile/calendar-feeds", data={
            "csrf_token": _csrf(outsider), "organisation_id": bad}).status_code == 404
    with app.app_context(), db_session:
        assert db.CalendarFeed.select().count() == 1


def test_an_organisation_address_through_the_api(app, world):
    client = app.test_client()
    headers = world.headers["office_a"]
    created = client.post("/api/v1/me/calendar-feeds", headers=headers,
                          json={"organisation_id": world.ids["a1"]})
    assert created.status_code == 201, created.json
    assert created.json["organisation_id"] == world.ids["a1"]
    path = created.json["url"].split("127.0.0.1:5000")[1]
    assert parse(client.get(path).data)["x-wr-calname"]
    foreign = client.post("/api/v1/me/calendar-feeds", headers=headers,
                          json={"organisation_id": world.ids["b1"]})
    assert foreign.status_code in (403, 404)
    own = client.post("/api/v1/me/calendar-feeds", headers=headers)
    assert own.status_code == 201 and own.json["organisation_id"] is None


# --- an unknown time zone: a clear error, never a crash ---------------------------------------

def test_an_unknown_time_zone_is_a_clear_error_in_my_work_reminders_and_feeds(app, ids):
    from app.accounts.services import issue_token
    from app.notify import outbox, reminders

    with app.app_context(), db_session:
        parties = Parties.load(db, ids)
        # Kommune B answers for this one itself, and Kommune B's zone is unknown.
        parties.commitment("school_b", title="Late in B", due_date=date(2026, 2, 1),
                           scope="central", responsible_organisation=parties.orgs["owner_b"])
        parties.commitment(title="Late in O", due_date=date(2026, 2, 1))
        for name in ("owner_b", "school_b"):
            parties.orgs[name].time_zone = "Mars/Olympus_Mons"
        feed = calendar.issue_feed(parties.users["office_b"])
        token = issue_token(parties.users["office_b"], "test").secret
        commit()
        feed_path = calendar.feed_url(feed.secret).split("127.0.0.1:5000")[1]
    client = app.test_client()
    work = client.get("/api/v1/me/work", headers={"Authorization": f"Bearer {token}"})
    assert work.status_code == 409
    assert "Mars/Olympus_Mons" in work.json["message"] and "time zone" in work.json["message"]
    page = app.test_client()
    sign_in(page, ids["users"]["office_b"])
    dashboard = page.get("/", headers={"Accept-Language": "da"})
    assert dashboard.status_code == 409 and "Mars/Olympus_Mons" in dashboard.text
    answer = client.get(feed_path)
    assert answer.status_code == 409 and "Mars/Olympus_Mons" in answer.text
    # Reminders: everyone else's are planned; the one affected is reported, not a crash.
    with app.app_context(), db_session:
        planned = reminders.plan(now=NOW)
        assert [p.split(":")[0] for p in planned.problems] == ["office_b@parties.test"]
        assert "Mars/Olympus_Mons" in planned.problems[0]
        subjects = {m.subject for m in outbox.recent(state="queued")}
        assert "Over fristen: Late in O" in subjects  # the leader reads Danish
        assert not any("Late in B" in s for s in subjects)
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 1
    assert "not planned: office_b@parties.test" in result.output
    # Everyone else still sees their work.
    other = app.test_client()
    sign_in(other, ids["users"]["office"])
    assert other.get("/").status_code == 200
