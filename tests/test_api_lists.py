"""Lists: pages with totals and links, the filters people need, and constant SQL per page."""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from pony.orm import commit, db_session

from app.accounts.access import principal_for
from app.commitments import services
from app.engagements import services as engagements
from app.meetings import services as meetings
from tests.api import counted_queries, selects
from tests.factories import (
    labels,
    make_commitment,
    make_engagement,
    make_meeting,
    make_programme,
)


@pytest.fixture
def many(app, world):
    """Sixty more commitments in school A1's engagement, a third of them overdue."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        engagement = db.Engagement[world.e_a1]
        reading = db.Theme(key="reading", labels={"en": "Reading", "da": "Læsning",
                                                  "nb": "Lesing", "sv": "Läsning"})
        for number in range(60):
            due = date.today() + timedelta(days=30 if number % 3 else -5)
            commitment = make_commitment(engagement, title=f"Item {number:02d}", due_date=due,
                                         theme=reading if number % 2 else None)
            if number % 4 == 0:
                services.change_status(commitment, "in_progress")
        _more_of_every_list(db, world)
        commit()
    return world


def _more_of_every_list(db, world):
    """At least two items in every list that has pages, so that a page of one and a page of
    200 differ and a query per item would show."""
    from app.accounts.services import issue_token
    from app.commitments import acknowledgement
    from app.meetings import board
    from app.notify import calendar

    admin = db.User[world.admin]
    commitment = db.Commitment[world.c_a1]
    meeting = db.Meeting[world.m_a1]
    db.Theme(key="maths", labels={"en": "Maths", "da": "Matematik", "nb": "Matematikk",
                                  "sv": "Matematik"})
    for number in range(2):
        issue_token(admin, f"Extra {number}")
        calendar.issue_feed(admin, None)
        services.add_follow_up(commitment, author="Tester", occurred_on=date.today(),
                               narrative=f"Looked again {number}")
        board.add_board_comment(meeting, admin, f"Board comment {number}")
    acknowledgement.propose_due_date(principal_for(admin), commitment,
                                     due_date=date.today() + timedelta(days=90),
                                     comment="More time")
    # Two schools of owner A below a threshold for two periods: two weak results.
    weak = make_programme(key=REQUIRED_QUERY["programme"])
    weak.weak_results = [{"indicator": "reading", "compare_to": "threshold", "threshold": 60,
                          "periods": 2}]
    reading = db.Indicator(key="reading", labels=labels("reading"), unit="percent",
                           direction="higher_is_better", source="test")
    for school in (world.a1, world.a2):
        for period in ("2023/24", "2024/25"):
            db.Observation(organisation=db.Organisation[school], indicator=reading,
                           period=period, value=40)
    engagement = db.Engagement[world.e_a1]
    for phase in ("talk", "follow_up"):
        engagements.transition_to(engagement, phase, occurred_on=date.today())
    # Two revisions of A1's minutes published.
    meetings.mark_held(meeting, held_at=meeting.starts_at)
    for revision in range(2):
        if revision:
            meetings.revise_published_minutes(meeting)
        meetings.write_minutes(meeting.agenda_items.select().first(), f"Minutes {revision}")
        meetings.approve_minutes(meeting)
        meetings.publish_minutes(meeting)
    # A meeting in A1's next cycle, whose evaluation lists this cycle's commitments.
    following = make_engagement(engagement.programme, engagement.organisation,
                                period="2026/27", starts_on=date(2026, 8, 1))
    world.ids["m_next"] = make_meeting(following, starts_at=datetime(2026, 9, 14, 7, 0)).id


def test_pages_carry_totals_and_links(client, many):
    response = client.get("/api/v1/commitments?per_page=25&page=2&sort=title",
                          headers=many.headers["office_a"])
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (62, 2, 25, 25)
    assert response.headers["X-Total-Count"] == "62"
    links = response.headers["Link"]
    for relation, page in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert f'page={page}>; rel="{relation}"' in links
    assert "sort=title" in links and "per_page=25" in links


def test_filters(client, many):
    def total(query):
        response = client.get(f"/api/v1/commitments?{query}", headers=many.headers["office_a"])
        assert response.status_code == 200, response.json
        return response.json["total"]

    # The world's own two commitments in A1 fell due on 2026-06-30; one of them has a
    # completion waiting for acknowledgement, which stops its clock.
    world_past_due = 2 if date.today() > date(2026, 6, 30) else 0
    past_due = 20 + world_past_due
    overdue = past_due - (1 if world_past_due else 0)
    assert total("overdue=true") == overdue
    assert total("overdue=false") == 62 - overdue
    assert total("awaiting_acknowledgement=true") == 1
    assert total("status=in_progress") == 15
    assert total("status=in_progress&status=agreed") == 62
    assert total("theme=reading") == 30
    assert total(f"due_before={date.today().isoformat()}") == past_due
    assert total(f"within={many.owner_a}") == 62
    assert total(f"within={many.a2}") == 0
    assert total(f"engagement={many.e_a1}&confidential=true") == 1
    assert total("country=SE") == 0


def test_sorting(client, many):
    response = client.get("/api/v1/commitments?sort=-due_date&per_page=200",
                          headers=many.headers["office_a"])
    dates = [item["due_date"] for item in response.json["items"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("path", ["/api/v1/commitments", "/api/v1/engagements",
                                  "/api/v1/meetings", "/api/v1/follow-ups",
                                  "/api/v1/observations", "/api/v1/organisations"])
def test_sql_per_list_request_is_constant_in_page_size(client, many, path):
    # Both pages hold every kind of related record (a page without any theme, say, simply has
    # no theme to load); what must not happen is one more query per item.
    counts = []
    for per_page in (20, 60):
        with counted_queries() as counter:
            response = client.get(f"{path}?per_page={per_page}", headers=many.headers["admin"])
        assert response.status_code == 200
        counts.append(len(selects(counter)))
    assert counts[0] == counts[1], counts


#: A record of the world for each path parameter of a read, so the request reaches its view.
PATH_RECORDS = {"organisation_id": "a1", "commitment_id": "c_a1", "meeting_id": "m_a1",
                "engagement_id": "e_a1", "programme_id": "danish", "follow_up_id": "f_a1",
                "indicator_id": "open_"}


#: Where a read has more to show in another record of the ``many`` world than in the one above.
OPERATION_RECORDS = {"evaluation": {"meeting_id": "m_next"}}

#: A value for each required query parameter of a read (the ``many`` fixture makes it useful).
REQUIRED_QUERY = {"programme": "weak_programme"}


def _reads(client, world):
    """Every GET of the published document, with real ids in its path and a value for each
    required query parameter: ``(operationId, path, query parameter names, required query)``."""
    spec = client.get("/api/openapi.json").json
    for template, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        records = {**PATH_RECORDS, **OPERATION_RECORDS.get(operation["operationId"], {})}
        path = re.sub(r"\{(\w+)\}", lambda m, records=records: str(
            world.ids.get(records[m.group(1)]) or world.ids[PATH_RECORDS[m.group(1)]]),
            template)
        parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        query = {p["name"] for p in parameters}
        required = {p["name"]: REQUIRED_QUERY[p["name"]] for p in parameters
                    if p.get("required")}
        yield operation["operationId"], path, query, required


def test_every_read_refuses_a_filter_it_does_not_know(client, world):
    """Walks the published document: a mistyped filter never quietly returns everything."""
    reads = list(_reads(client, world))
    assert len(reads) >= 40
    for operation, path, _query, _required in reads:
        response = client.get(f"{path}?no_such_filter=1", headers={
            **world.headers["admin"], "Accept-Language": "da"})
        assert response.status_code == 422, (operation, response.status_code)
        assert response.json["code"] == 422, operation
        assert response.json["errors"]["no_such_filter"] == ["Ukendt felt."], operation


#: Lists that came back whole before they had pages (issue 4); the ``many`` world gives each
#: at least two items, so that a page of one differs from a page of 200.
ONCE_WHOLE = {
    "list_tokens", "list_feeds", "list_themes", "list_weak_results", "list_transitions",
    "year_wheel", "list_publications", "list_board_comments", "meeting_history", "evaluation",
    "commitment_history", "commitment_follow_ups", "list_commitment_proposals"}

#: GET operations that answer a list without pages, each with the reason it needs none.
UNPAGED = {
    "list_import_presets": "the presets are a file shipped with the code, a handful of "
                           "layouts that no one adds to",
}


def test_every_paged_list_has_totals_links_and_constant_sql(client, many):
    """Every list with pages (walked from the document): its total in the body and in
    X-Total-Count, Link headers to the first and last page, and the same number of SQL
    queries for a page of 20 as for a page of 200 (and, for the short lists that had no pages
    before, for a page of 1: their few items would fit on a page of 20)."""
    paged = [(operation, path, required) for operation, path, query, required
             in _reads(client, many) if {"page", "per_page"} <= query]
    assert {operation for operation, _, _ in paged} >= {
        "list_commitments", "list_follow_ups", "list_engagements", "list_meetings",
        "list_organisations", "list_programmes", "list_proposals", "list_indicators",
        "list_observations", "list_outbox", "list_audit"} | ONCE_WHOLE
    for operation, path, required in paged:
        counts = []
        for per_page in (1, 20, 200) if operation in ONCE_WHOLE else (20, 200):
            query = urlencode({**required, "per_page": per_page})
            with counted_queries() as counter:
                response = client.get(f"{path}?{query}", headers=many.headers["admin"])
            assert response.status_code == 200, (operation, response.json)
            counts.append(len(selects(counter)))
            body = response.json
            assert response.headers["X-Total-Count"] == str(body["total"]), operation
            assert 'rel="first"' in response.headers["Link"], operation
            assert 'rel="last"' in response.headers["Link"], operation
            assert len(body["items"]) == min(per_page, body["total"]), operation
            if operation in ONCE_WHOLE:
                assert body["total"] >= 2, operation
        assert len(set(counts)) == 1, (operation, counts)


def test_a_list_cut_from_a_record_s_own_collection_pages_like_the_others(client, many):
    """The caller's tokens (three in the ``many`` world), two to a page: the second page
    has the last one, and links back."""
    first = client.get("/api/v1/me/tokens?per_page=2", headers=many.headers["admin"]).json
    response = client.get("/api/v1/me/tokens?per_page=2&page=2",
                          headers=many.headers["admin"])
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["per_page"]) == (3, 2, 2)
    assert [t["id"] for t in first["items"] + body["items"]] == sorted(
        t["id"] for t in first["items"] + body["items"])
    assert len(body["items"]) == 1
    links = response.headers["Link"]
    assert 'page=1>; rel="prev"' in links and 'rel="next"' not in links
    assert 'page=2>; rel="last"' in links and response.headers["X-Total-Count"] == "3"


def _list_schema(spec, schema):
    """The item schema if ``schema`` (a 200 answer) is a list: an array, or an object whose
    ``items`` is one."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return schema["items"]
    items = schema.get("properties", {}).get("items", {})
    return items.get("items") if items.get("type") == "array" else None


def test_no_list_comes_without_pages(client):
    """Walks the published document: every GET that answers a list takes page and per_page
    and answers a page (items, total, page, per_page), unless UNPAGED says why it need not.
    A new list operation without pages fails here."""
    spec = client.get("/api/openapi.json").json
    lists, unpaged = set(), {}
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        answer = operation["responses"].get("200", {}).get("content", {})
        schema = answer.get("application/json", {}).get("schema")
        if schema is None or _list_schema(spec, schema) is None:
            continue
        name = operation["operationId"]
        lists.add(name)
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        page = schema
        if "$ref" in page:
            page = spec["components"]["schemas"][page["$ref"].rsplit("/", 1)[-1]]
        if not {"page", "per_page"} <= query or not {"items", "total", "page", "per_page"} <= \
                set(page.get("properties", {})):
            unpaged[name] = path
    assert len(lists) >= 25
    assert set(unpaged) == set(UNPAGED), (
        "Give these lists pages (PageQuery and page_of, as the others), or name them in "
        f"UNPAGED with the reason they need none: {sorted(set(unpaged) - set(UNPAGED))}; "
        f"no longer lists without pages: {sorted(set(UNPAGED) - set(unpaged))}")
