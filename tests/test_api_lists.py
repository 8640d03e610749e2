"""Lists: pages with totals and links, the filters people need, and constant SQL per page."""

import re
from datetime import date, timedelta

import pytest
from pony.orm import commit, db_session

from app.commitments import services
from tests.api import counted_queries, selects
from tests.factories import make_commitment


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
        commit()
    return world


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


def _reads(client, world):
    """Every GET of the published document, with real ids in its path."""
    spec = client.get("/api/openapi.json").json
    for template, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: str(world.ids[PATH_RECORDS[m.group(1)]]),
                      template)
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        yield operation["operationId"], path, query


def test_every_read_refuses_a_filter_it_does_not_know(client, world):
    """Walks the published document: a mistyped filter never quietly returns everything."""
    reads = list(_reads(client, world))
    assert len(reads) >= 40
    for operation, path, _query in reads:
        response = client.get(f"{path}?no_such_filter=1", headers={
            **world.headers["admin"], "Accept-Language": "da"})
        assert response.status_code == 422, (operation, response.status_code)
        assert response.json["code"] == 422, operation
        assert response.json["errors"]["no_such_filter"] == ["Ukendt felt."], operation


def test_every_paged_list_has_totals_links_and_constant_sql(client, many):
    """Every list with pages (walked from the document): its total in the body and in
    X-Total-Count, Link headers to the first and last page, and the same number of SQL
    queries for a page of 20 as for a page of 200."""
    paged = [(operation, path) for operation, path, query in _reads(client, many)
             if {"page", "per_page"} <= query]
    assert {operation for operation, _ in paged} >= {
        "list_commitments", "list_follow_ups", "list_engagements", "list_meetings",
        "list_organisations", "list_programmes", "list_proposals", "list_indicators",
        "list_observations", "list_outbox", "list_audit"}
    for operation, path in paged:
        counts = []
        for per_page in (20, 200):
            with counted_queries() as counter:
                response = client.get(f"{path}?per_page={per_page}",
                                      headers=many.headers["admin"])
            assert response.status_code == 200, (operation, response.json)
            counts.append(len(selects(counter)))
            body = response.json
            assert response.headers["X-Total-Count"] == str(body["total"]), operation
            assert 'rel="first"' in response.headers["Link"], operation
            assert 'rel="last"' in response.headers["Link"], operation
            assert len(body["items"]) == min(per_page, body["total"]), operation
        assert counts[0] == counts[1], (operation, counts)
