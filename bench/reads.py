"""Hot read paths through the app (in process: the server's own time, no network), each beside
the same answer computed with hand-written SQL on the same database (the floor).

The floor runs the SQL on a plain DB-API connection and turns the rows into the same JSON
document the API answers with (``json.dumps``): the least work that gives the same answer.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from bench.measure import Timing, count_sql, timed

OPEN = ("proposed", "agreed", "in_progress", "at_risk")
NOT_WAITING = ("NOT EXISTS (SELECT 1 FROM commitment_proposal p WHERE p.commitment = c.id"
               " AND p.kind = 'completion' AND p.state = 'pending')")
COMMITMENT_COLUMNS = ("c.id, c.title, c.status, c.due_date, c.progress, c.next_follow_up_on,"
                      " c.version, c.scope, c.confidential, c.responsible_organisation,"
                      " ro.name, e.id, e.period, o.id, o.name, c.theme, c.meeting,"
                      " c.updated_at")
COMMITMENT_FROM = ("FROM commitment c JOIN engagement e ON e.id = c.engagement"
                   " JOIN organisation o ON o.id = e.organisation"
                   " JOIN organisation ro ON ro.id = c.responsible_organisation")


# A subtree's organisations through the path index, then their engagements through theirs.
IN_SUBTREE = "e.organisation IN (SELECT id FROM organisation WHERE path LIKE ?)"


class Floor:
    """Hand-written SQL on its own connection."""

    def __init__(self, engine: str, url: str) -> None:
        self.engine = engine
        if engine == "sqlite":
            self.connection = sqlite3.connect(url[len("sqlite:///"):])
        else:
            import psycopg2

            self.connection = psycopg2.connect(url)
            self.connection.autocommit = True

    def rows(self, sql: str, params: tuple = ()) -> list:
        if self.engine == "postgresql":
            sql = sql.replace("?", "%s")
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall()

    def page(self, where: str, params: tuple, order: str, limit: int = 50) -> str:
        total = self.rows(f"SELECT COUNT(*) {COMMITMENT_FROM} WHERE {where}", params)[0][0]
        items = self.rows(f"SELECT {COMMITMENT_COLUMNS} {COMMITMENT_FROM} WHERE {where}"
                          f" ORDER BY {order} LIMIT {limit}", params)
        return json.dumps({"items": [list(map(str, row)) for row in items], "total": total})


def open_in(prefix: str) -> tuple[str, tuple]:
    return (f"{IN_SUBTREE} AND c.status IN {OPEN!r}", (prefix + "%",))


def floors(floor: Floor, s) -> dict:
    today = date.today()
    soon14, soon30 = today + timedelta(days=14), today + timedelta(days=30)
    where, params = open_in(s.owner_path)
    overdue = (f"{where} AND {NOT_WAITING} AND c.due_date < ?", params + (today,))
    at_risk = (f"{where} AND (c.status = 'at_risk' OR ({NOT_WAITING} AND (c.next_follow_up_on"
               " < ? OR (c.due_date >= ? AND ((c.due_date <= ? AND c.progress < 75) OR"
               " (c.due_date <= ? AND c.progress < 50))))))",
               params + (today, today, soon14, soon30))

    def dashboard():
        return floor.page(*overdue, "c.due_date, c.id") + floor.page(*at_risk, "c.due_date, c.id")

    def agency_engagements():
        total = floor.rows("SELECT COUNT(*) FROM engagement WHERE programme = ?",
                           (s.programme,))[0][0]
        rows = floor.rows(
            "SELECT e.id, e.period, e.starts_on, e.ends_on, e.status, e.version, o.id, o.name,"
            " ph.key, e.previous FROM engagement e JOIN organisation o ON o.id = e.organisation"
            " LEFT JOIN programme_phase ph ON ph.id = e.current_phase WHERE e.programme = ?"
            " ORDER BY e.starts_on, e.id LIMIT 50", (s.programme,))
        return json.dumps({"items": [list(map(str, r)) for r in rows], "total": total})

    def filtered_agency():
        return floor.page("e.programme IN (SELECT id FROM programme WHERE run_by = ?)"
                          " AND c.status = 'in_progress' AND c.theme = ?",
                          (s.agency, s.theme_id), "c.due_date, c.id")

    def filtered_owner():
        return floor.page(f"{IN_SUBTREE} AND c.status = 'in_progress' AND c.theme = ?",
                          (s.owner_path + "%", s.theme_id), "c.due_date, c.id")

    def commitment():
        head = floor.rows(f"SELECT {COMMITMENT_COLUMNS}, c.background, c.actions,"
                          f" c.success_criterion {COMMITMENT_FROM} WHERE c.id = ?",
                          (s.commitment,))
        follow_ups = floor.rows(
            "SELECT id, occurred_on, author, status_to, progress, narrative, next_follow_up_on,"
            " version FROM follow_up WHERE commitment = ? ORDER BY occurred_on, id",
            (s.commitment,))
        return json.dumps([list(map(str, r)) for r in head + follow_ups])

    def school_page():
        prefix = s.school_path + "%"
        parts = [
            floor.rows("SELECT id, name, path, kind FROM organisation WHERE id = ? OR parent = ?",
                       (s.school, s.school)),
            floor.rows("SELECT e.id, e.period, e.status, e.starts_on FROM engagement e"
                       " JOIN organisation o ON o.id = e.organisation WHERE " + IN_SUBTREE +
                       " ORDER BY e.starts_on DESC, e.id LIMIT 50", (prefix,)),
            floor.rows("SELECT m.id, m.title, m.starts_at, m.status FROM meeting m"
                       " JOIN engagement e ON e.id = m.engagement JOIN organisation o"
                       " ON o.id = e.organisation WHERE " + IN_SUBTREE +
                       " ORDER BY m.starts_at DESC LIMIT 20", (prefix,)),
            floor.rows(f"SELECT {COMMITMENT_COLUMNS} {COMMITMENT_FROM} WHERE {IN_SUBTREE}"
                       f" AND c.status IN {OPEN!r} ORDER BY c.due_date LIMIT 50", (prefix,)),
        ]
        return json.dumps([[list(map(str, r)) for r in part] for part in parts])

    return {"owner_dashboard": dashboard, "agency_programme_engagements": agency_engagements,
            "filtered_commitments_agency": filtered_agency,
            "filtered_commitments_owner": filtered_owner,
            "commitment_with_follow_ups": commitment, "school_page": school_page}


@dataclass
class Path:
    name: str
    who: str
    urls: tuple[str, ...]  # one logical answer may take several requests
    kind: str  # "api" or "page"
    floor: str | None = None


def paths(s) -> list[Path]:
    theme = s.theme
    return [
        Path("owner_dashboard", "owner", ("/api/v1/commitments?overdue=true&per_page=50",
                                          "/api/v1/commitments?at_risk=true&per_page=50"),
             "api", "owner_dashboard"),
        Path("agency_programme_engagements", "agency",
             (f"/api/v1/engagements?programme={s.programme}&per_page=50",), "api",
             "agency_programme_engagements"),
        Path("filtered_commitments_agency", "agency",
             (f"/api/v1/commitments?status=in_progress&theme={theme}&per_page=50",), "api",
             "filtered_commitments_agency"),
        Path("filtered_commitments_owner", "owner",
             (f"/api/v1/commitments?status=in_progress&theme={theme}&per_page=50",), "api",
             "filtered_commitments_owner"),
        Path("commitment_with_follow_ups", "owner",
             (f"/api/v1/commitments/{s.commitment}",
              f"/api/v1/commitments/{s.commitment}/follow-ups"), "api",
             "commitment_with_follow_ups"),
        Path("api_my_work", "owner", ("/api/v1/me/work",), "api"),
        # The least an authenticated request costs (token, user, roles, one small answer):
        # the part of every other path's time that no query can remove.
        Path("api_me", "owner", ("/api/v1/me",), "api"),
        Path("api_engagement", "owner", (f"/api/v1/engagements/{s.engagement}",), "api"),
        Path("page_school", "owner", (f"/organisations/{s.school}",), "page", "school_page"),
        Path("page_dashboard_owner", "owner", ("/",), "page", "owner_dashboard"),
        Path("page_dashboard_agency", "agency", ("/",), "page"),
        Path("page_commitments_owner", "owner", ("/commitments?overdue=1",), "page"),
        Path("page_commitments_agency", "agency",
             (f"/commitments?status=in_progress&theme={theme}",), "page"),
        Path("page_commitment", "owner", (f"/commitments/{s.commitment}",), "page"),
        Path("page_engagement", "owner", (f"/engagements/{s.engagement}",), "page"),
        Path("page_organisations_owner", "owner", ("/organisations",), "page"),
        Path("page_meetings_owner", "owner", ("/meetings",), "page"),
        Path("page_programme", "agency", (f"/programmes/{s.programme}",), "page"),
    ]


def web_client(app, email: str, password: str):
    client = app.test_client()
    answer = client.post("/sign-in", data={"email": email, "password": password})
    assert answer.status_code in (302, 303), answer.status_code
    return client


@dataclass
class Result:
    path: Path
    timing: Timing
    queries: int
    queries_small: int | None = None
    floor: Timing | None = None


def run(app, dataset, s, runs: int, password: str, reader: str | None = None) -> list[Result]:
    """Every path (or only those read by ``reader``), timed, counted and beside its floor."""
    api = app.test_client()
    web = {who: web_client(app, s.emails[who], password) for who in ("owner", "agency")}
    floor = Floor(dataset.engine, dataset.url)
    floor_calls = floors(floor, s)
    results = []
    for path in paths(s):
        if reader is not None and path.who != reader:
            continue
        if path.kind == "api":
            def call(path=path):
                for url in path.urls:
                    answer = api.get(url, headers=s.headers[path.who])
                    assert answer.status_code == 200, (url, answer.status_code)
        else:
            def call(path=path):
                for url in path.urls:
                    answer = web[path.who].get(url)
                    assert answer.status_code == 200, (url, answer.status_code)
        queries = count_sql(call)
        small = None
        if "per_page=50" in "".join(path.urls):
            small_urls = tuple(u.replace("per_page=50", "per_page=10") for u in path.urls)

            def call_small(path=path, urls=small_urls):
                for url in urls:
                    api.get(url, headers=s.headers[path.who])
            small = count_sql(call_small)
        timing = timed(call, runs)
        floor_timing = timed(floor_calls[path.floor], runs) if path.floor else None
        results.append(Result(path, timing, queries, small, floor_timing))
        print(f"  {path.name:32} median {timing.median:7.1f} ms  p95 {timing.p95:7.1f} ms"
              f"  queries {queries}" + (f" (per_page=10: {small})" if small is not None else "")
              + (f"  floor p95 {floor_timing.p95:6.1f} ms  ratio "
                 f"{timing.p95 / floor_timing.p95:5.1f}x" if floor_timing else ""), flush=True)
    return results


def demo_pages(app, runs: int) -> list:
    """Each main page's server time on the demo data, as the Danish consultant would open
    them (and the public pages, signed out)."""
    from pony.orm import db_session, select

    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        owner = db.Organisation.get(country="DK", official_code="DEMO-DK-336")
        prefix = owner.path
        school = select(o for o in db.Organisation if o.parent == owner).order_by(
            lambda o: o.id).first()
        engagement = select(e for e in db.Engagement if e.organisation == school).order_by(
            lambda e: e.id).first()
        meeting = select(m for m in db.Meeting if m.engagement.organisation.path.startswith(
            prefix)).order_by(lambda m: m.id).first()
        # A meeting in each state of its lifecycle: each state shows other forms.
        by_state = {}
        for status in ("planned", "minutes_drafted", "minutes_approved", "published"):
            found = select(m for m in db.Meeting if m.status == status
                           and m.engagement.organisation.path.startswith(prefix)).order_by(
                lambda m: m.id).first()
            if found is not None:
                by_state[status] = found.id
        published = db.Meeting[by_state["published"]]
        commitment = select(c for c in db.Commitment
                            if c.engagement.organisation.path.startswith(prefix)).order_by(
            lambda c: c.id).first()
        programme = engagement.programme
    pages = [
        ("/", "consultant"), ("/organisations", "consultant"),
        (f"/organisations/{owner.id}", "consultant"), (f"/organisations/{school.id}", "consultant"),
        ("/programmes", "consultant"), (f"/programmes/{programme.id}", "consultant"),
        (f"/engagements/{engagement.id}", "consultant"), ("/meetings", "consultant"),
        (f"/meetings/{meeting.id}", "consultant"),
        *[(f"/meetings/{ident}", "consultant") for ident in by_state.values()],
        (f"/meetings/{published.id}/data-package", "consultant"), ("/commitments", "consultant"),
        ("/commitments?overdue=1", "consultant"), (f"/commitments/{commitment.id}", "consultant"),
        ("/indicators/import", "consultant"), ("/weak-results", "consultant"),
        ("/reports", "consultant"),
        (f"/reports?report=owner_summary&subject=owner:{owner.id}&format=html", "consultant"),
        (f"/reports/owner-summary/{owner.id}", "consultant"), ("/profile", "consultant"),
        ("/", "administrator"), ("/commitments", "administrator"),
        ("/public/", "public"), (f"/public/minutes/{published.id}", "public"),
        (f"/public/organisations/{school.id}", "public"),
        (f"/public/organisations/{owner.id}", "public"),
        (f"/public/reports/minutes/{published.id}", "public"), ("/sign-in", "public"),
    ]
    # The same page twice (the first meeting is also one of a state) is measured once.
    pages = list(dict.fromkeys(pages))
    clients = {"consultant": web_client(app, "konsulent@stevns.demo", "nordialog-demo"),
               "administrator": web_client(app, "admin@nordialog.demo", "nordialog-demo"),
               "public": app.test_client()}
    measured = []
    print("Pages on the demo data:", flush=True)
    for url, who in pages:
        client = clients[who]

        def call(url=url, client=client):
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
        timing = timed(call, runs)
        measured.append((url, who, timing))
        print(f"  {url:70} {who:13} median {timing.median:6.1f} ms  p95 {timing.p95:6.1f} ms",
              flush=True)
    return measured
