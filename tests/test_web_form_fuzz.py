"""Property-based tests of the web forms: whatever a person (or a script) posts to the main
forms, the answer is never a server error, a refused form writes nothing at all, and every
message about a field stands beside that field.

The forms are read from the pages themselves (a commitment, a meeting, an engagement, the
page that starts an engagement), so a form added to those pages is fuzzed too. Hypothesis
draws a form and values for its fields: text with any characters (NUL and control characters
included), dates real and impossible, numbers out of range, formulas, markup, and fields left
out. NORDIALOG_FUZZ_EXAMPLES sets the number of examples per page (100 in CI).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pony.orm import commit, db_session, flush

from app.accounts.password_reset import request_reset
from app.accounts.services import assign_role, create_user
from app.backup import table_summary
from app.db import DatabaseUrl, db
from app.meetings.services import mark_held
from app.notify.calendar import issue_feed
from app.organisations.services import create_organisation
from app.seeding.programmes import load_programmes
from tests.factories import make_commitment, make_engagement, make_meeting
from tests.test_api_fuzz import EXAMPLES
from tests.test_sign_in import sign_in
from tests.test_weak_results import SEED, series
from tests.world import PASSWORD


class _Forms(HTMLParser):
    """The POST forms of a page: action, and field name -> the value the page put in it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs["action"], "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea") \
                and attrs.get("name"):
            if attrs.get("type") in ("submit", "button"):
                return
            self._current["fields"].setdefault(attrs["name"], attrs.get("value") or "")
            if tag == "textarea":
                self._textarea = attrs["name"]

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    # Signing out and switching language are not data forms (NOT_FUZZED).
    return [f for f in parser.forms if f["action"] not in ("/sign-out", "/language")]


#: What people type, and what they should not.
VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "a\x00b", "2026-02-30", "2026-13-01", "0000-00-00",
                     "9999-12-31", "-1", "0", "101", "99999999999999999999", "1e309", "NaN",
                     "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "on", "true",
                     "achieved", "missed", "in_progress", "x" * 20_001]),
    st.dates().map(str),
    st.integers().map(str),
)


def _field_errors_stand_beside_their_fields(html: str) -> None:
    for error_id in re.findall(r'class="field-error"[^>]*id="([^"]+)"', html) + \
            re.findall(r'id="([^"]+)"[^>]*class="field-error"', html):
        assert f'aria-describedby="{error_id}"' in html or \
            re.search(rf'aria-describedby="[^"]*\b{re.escape(error_id)}\b', html), error_id


@dataclass
class Page:
    """A page whose POST forms are fuzzed: who reads it, its address, what must be true for
    its forms to be on it (``setup`` runs in a db_session and returns extra ids for ``path``),
    what a successful post answers besides a redirect, and which tables a refusal may still
    write (refused sign-ins are counted and recorded: that is the point of them)."""

    who: str | None
    path: Callable
    setup: Callable | None = None
    accepted: tuple[int, ...] = (302, 303)
    refusal_writes: frozenset[str] = frozenset()


def _held_meeting(world) -> dict:
    meeting = make_meeting(db.Engagement[world.e_a1], starts_at=datetime(2026, 3, 2, 8, 0))
    flush()
    mark_held(meeting, held_at=meeting.starts_at)
    return {"meeting": meeting.id}


def _open_commitment(world) -> dict:
    """A commitment of school A1 with no proposal waiting: its leader may report it done or
    propose a new due date."""
    commitment = make_commitment(db.Engagement[world.e_a1], title="Fuzzed commitment")
    flush()
    return {"commitment": commitment.id}


def _next_cycle(world) -> dict:
    """The next cycle of engagement E-A1 (so A1's open commitments may be carried over), with
    a held meeting that evaluates the last cycle's commitments."""
    previous = db.Engagement[world.e_a1]
    engagement = db.Engagement.get(programme=previous.programme, period="2026/27",
                                   organisation=previous.organisation)
    if engagement is None:  # several pages need it; the coverage test opens them all
        engagement = make_engagement(previous.programme, previous.organisation,
                                     period="2026/27", starts_on=date(2026, 8, 1))
        meeting = make_meeting(engagement, starts_at=datetime(2026, 9, 1, 8, 0))
        flush()
        mark_held(meeting, held_at=meeting.starts_at)
    meeting = min(engagement.meetings, key=lambda m: m.id)
    return {"engagement": engagement.id, "meeting": meeting.id}


def _weak_results(world) -> dict:
    """A school the weak-results rule flags: below its owner for four years (its owner's
    office opens closer follow-up); the seed's programmes and indicators. The same data as
    tests/test_weak_results.py's ``stavanger``."""
    if db.User.get(email="office@weak.test") is None:
        load_programmes(SEED)
        owner = create_organisation(name="Stavanger kommune", kind="school_owner", country="NO")
        school = create_organisation(name="Eiganes skole", kind="school", country="NO",
                                     parent=owner)
        series(owner, db.Indicator.get(key="no_national_test_reading"), [50] * 4)
        series(school, db.Indicator.get(key="no_national_test_reading"), [45] * 4)
        user = create_user(email="office@weak.test", name="Office", password=PASSWORD)
        assign_role(user, "school_office", owner)
    return {}


def _a_calendar_feed(world) -> dict:
    issue_feed(db.User[world.office_a])
    return {}


def _a_reset_link(world) -> dict:
    return {"token": request_reset("leader_a1@example.test")}


SIGN_IN_RECORDS = frozenset({"audit_entry", "sign_in_failure"})

PAGES = {
    "commitment": Page("office_a", lambda w, x: f"/commitments/{w.c_a1}"),
    "commitment as its school": Page("leader_a1", lambda w, x: f"/commitments/{x['commitment']}",
                                     _open_commitment),
    "meeting": Page("office_a", lambda w, x: f"/meetings/{w.m_a1}"),
    "held meeting": Page("office_a", lambda w, x: f"/meetings/{x['meeting']}", _held_meeting),
    "engagement": Page("office_a", lambda w, x: f"/engagements/{w.e_a1}"),
    "next cycle's meeting": Page("office_a", lambda w, x: f"/meetings/{x['meeting']}",
                                 _next_cycle),
    "commitment with a next cycle": Page("office_a", lambda w, x: f"/commitments/{w.c_a1}",
                                         _next_cycle),
    "next cycle": Page("office_a", lambda w, x: f"/engagements/{x['engagement']}", _next_cycle),
    "weak results": Page("office@weak.test", lambda w, x: "/weak-results", _weak_results),
    "new year-wheel step": Page("office_a", lambda w, x: f"/engagements/{w.e_a1}/year-wheel/new"),
    "year-wheel step": Page("office_a", lambda w, x: f"/year-wheel-steps/{w.ys_a1}/edit"),
    "meeting as its board": Page("board_a1", lambda w, x: f"/meetings/{w.m_a1}"),
    "start engagement": Page("office_a", lambda w, x: f"/organisations/{w.a1}/engagements/new"),
    # A new calendar feed is shown once, on the page that answers the post (201).
    "profile": Page("office_a", lambda w, x: "/profile", _a_calendar_feed,
                    accepted=(201, 302, 303)),
    "indicator import": Page("office_a", lambda w, x: "/indicators/import"),
    "sign in": Page(None, lambda w, x: "/sign-in", accepted=(302, 401, 429),
                    refusal_writes=SIGN_IN_RECORDS),
    "forgotten password": Page(None, lambda w, x: "/forgot-password", accepted=(200,),
                               refusal_writes=frozenset({"password_reset", "outbox_message"})),
    "new password": Page(None, lambda w, x: f"/reset-password/{x['token']}", _a_reset_link),
}

#: POST routes whose forms the pages above do not show, and why. A new form route must be
#: added to PAGES or here (test_every_form_route_is_fuzzed).
NOT_FUZZED = {
    "accounts.sign_out": "no fields but the CSRF token; signing out would end the fuzzing",
    "web.choose_language": "a choice from a list; an unknown language is simply not chosen",
    # Not yet: the rule compares Swedish owners with the national figure of the country's
    # agency, and the access-test world has a second Swedish agency of its own. Its refusals
    # are tested in tests/test_weak_results.py::test_an_agency_selects_flagged_owners_all_or_none.
    "selection.selection": "an agency's selection of flagged owners (see above)",
}


def _open(app, world, page: Page):
    extra = {}
    if page.setup:
        with app.app_context(), db_session:
            extra = page.setup(world) or {}
            commit()
    client = app.test_client()
    if page.who:
        email = page.who if "@" in page.who else f"{page.who}@example.test"
        assert sign_in(client, email, PASSWORD).status_code == 302
    shown = client.get(page.path(world, extra))
    assert shown.status_code == 200, (page.path(world, extra), shown.status_code)
    return client, shown


def _summary(url, page: Page) -> dict:
    return {table: figures for table, figures in table_summary(url).items()
            if table not in page.refusal_writes}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_posting_anything_to_a_form_never_breaks_or_half_writes(app, world, name):
    page = PAGES[name]
    url = DatabaseUrl.parse(app.config["DATABASE_URL"])
    client, shown = _open(app, world, page)
    forms = post_forms(shown.text)
    assert forms, f"no forms on {name}"
    outcomes: dict[int, int] = {}

    @given(data=st.data())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(data):
        form = data.draw(st.sampled_from(forms), label="form")
        values = {}
        for field, value in form["fields"].items():
            if field == "csrf_token":
                values[field] = value
                continue
            choice = data.draw(st.sampled_from(["page", "fuzz", "fuzz", "leave out"]),
                               label=field)
            if choice == "page":
                values[field] = value
            elif choice == "fuzz":
                values[field] = data.draw(VALUES, label=field)
        before = _summary(url, page)
        response = client.post(form["action"], data=values,
                               headers={"Accept-Language": "da"})
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.text[:2000]
        if response.status_code in page.accepted:
            return
        assert response.status_code in (400, 409, 412, 413, 422), response.status_code
        assert _summary(url, page) == before, "a refused form wrote something"
        if response.status_code in (409, 412, 422):
            assert 'role="alert"' in response.text
            _field_errors_stand_beside_their_fields(response.text)

    fuzz()
    print(f"\n{name}: {len(forms)} forms, {EXAMPLES} examples, "
          f"outcomes {sorted(outcomes.items())}")


def test_every_form_route_is_fuzzed(app, world):
    """Every POST route outside the API has its form on a fuzzed page, or a reason not to."""
    adapter = app.url_map.bind("localhost")
    shown = set()
    for page in PAGES.values():
        _client, answer = _open(app, world, page)
        shown |= {adapter.match(form["action"], method="POST")[0]
                  for form in post_forms(answer.text)}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()
              if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    assert routes - shown - set(NOT_FUZZED) == set(), "form routes no test fuzzes"
    assert not shown & set(NOT_FUZZED), "fuzzed now: take it off NOT_FUZZED"
    print(f"\n{len(routes)} form routes: {len(shown)} fuzzed, {len(NOT_FUZZED)} not: "
          f"{sorted(NOT_FUZZED)}")


def test_an_unknown_phase_is_a_field_error_not_a_missing_page(client, world):
    response = client.post(f"/api/v1/engagements/{world.e_a1}/transitions",
                           json={"phase": "no-such-phase", "occurred_on": "2026-09-01"},
                           headers={**world.headers["office_a"], "Accept-Language": "sv"})
    assert response.status_code == 422
    assert "phase" in response.json["errors"]


def test_an_unknown_meeting_type_is_a_field_error_not_a_missing_page(client, world):
    response = client.post("/api/v1/meetings", json={
        "engagement_id": world.e_a1, "meeting_type": "no-such-type",
        "starts_at": "2026-09-01T08:00:00+02:00"},
        headers={**world.headers["office_a"], "Accept-Language": "da"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["errors"] == {
        "meeting_type": ["Programmet har ingen mødetype no-such-type."]}


def office_page(app, client, path: str):
    """A page as the office of municipality A sees it, its CSRF token, and the database's rows
    and checksums before its form is posted."""
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    page = client.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return page, token, rows(app)


def rows(app) -> dict:
    return table_summary(DatabaseUrl.parse(app.config["DATABASE_URL"]))


def test_an_unknown_programme_is_shown_beside_its_field_and_nothing_is_started(
        app, client, world):
    _, token, before = office_page(app, client, f"/organisations/{world.a1}/engagements/new")
    response = client.post(f"/organisations/{world.a1}/engagements", data={
        "csrf_token": token, "programme_id": "987654", "period": "2027/28",
        "starts_on": "2027-08-01"})
    assert response.status_code == 422
    assert '<p class="field-error" id="programme_id-error">No programme 987654.</p>' \
        in response.text
    assert rows(app) == before


def test_a_bad_attendance_is_shown_beside_its_participant_and_nothing_is_saved(
        app, client, world):
    page, token, before = office_page(app, client, f"/meetings/{world.m_a1}")
    field = f"attendance-{world.p_a1}"
    version = re.search(rf'name="version-{field}" value="(\d+)"', page.text).group(1)
    response = client.post(f"/meetings/{world.m_a1}/attendance", data={
        "csrf_token": token, field: "teleported", f"version-{field}": version})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert f'aria-describedby="{field}-error"' in response.text
    assert rows(app) == before
