"""Every id on a page is unique, and every label points at a field that exists.

Pages with several forms (a meeting, a commitment) are where a repeated field name ("title",
"due_date", "comment") used to give two fields the same id: a label then names the wrong field
and a screen reader announces it. Every page a demo account can reach is rendered, as each role
the demo has, in each lifecycle state the demo's meetings are in, and parsed as plain HTML.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pony.orm import commit, db_session, select

from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.sessions import sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"
MAX_PAGES = 60
#: Pages of one kind visited per account (meetings and commitments in their several states
#: are what differs; a fourth school page adds nothing).
PER_KIND = 4

#: One account per role (seed/demo_users.toml): each sees other forms on the same pages.
ACCOUNTS = ("admin@nordialog.demo", "konsulent@stevns.demo", "skoleleder@stevns.demo",
            "bestyrelse@stevns.demo", "medarbejder@stuk.demo")
#: Documents (reports, data packages) have no forms; tests/test_reports.py covers them.
DOCUMENTS = ("/reports/", "/public/reports/", "/static", "/api/", "/sign-out", "/charts")


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.described_by: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])
        for name in ("aria-describedby", "aria-labelledby"):
            self.described_by += (attributes.get(name) or "").split()


def id_problems(html: str) -> list[str]:
    parser = Ids()
    parser.feed(html)
    counted = Counter(parser.ids)
    known = set(counted)
    return ([f"id {ident!r} {times}x" for ident, times in counted.items() if times > 1]
            + [f"label for missing {target!r}" for target in parser.label_targets
               if target not in known]
            + [f"aria reference to missing {target!r}" for target in parser.described_by
               if target not in known])


def kind(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def crawl(client) -> dict[str, str]:
    """The HTML pages reachable from the start page, a few of each kind."""
    todo, seen, pages, kinds = ["/"], set(), {}, Counter()
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0)
        if path in seen or kinds[kind(path)] >= PER_KIND:
            continue
        seen.add(path)
        kinds[kind(path)] += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        pages[path] = response.text
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            link = link.replace("&amp;", "&")
            if (link.startswith(DOCUMENTS) or "/data-package" in link or "page=" in link
                    or "format=" in link or link in seen):
                continue
            todo.append(link)
    return pages


@pytest.fixture
def demo(app):
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()
        db = app.extensions["nordialog.db"]
        users = {u.email: u.id for u in db.User.select() if u.email in ACCOUNTS}
        states = set(select(m.status for m in db.Meeting))
    return app, users, states


def test_no_page_repeats_an_id_or_labels_a_missing_field(demo):
    app, users, states = demo
    assert {"planned", "minutes_drafted", "minutes_approved", "published"} <= states
    problems, crawled = {}, {}
    for email in ACCOUNTS:
        client = app.test_client()
        sign_in(client, users[email])
        pages = crawl(client)
        crawled[email] = len(pages)
        problems.update({f"{email} {path}": found for path, html in pages.items()
                         if (found := id_problems(html))})
    assert min(crawled.values()) >= 5, crawled
    # Signed out: the sign-in pages and the public ones.
    client = app.test_client()
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        meeting = select(m for m in db.Meeting if m.status == "published"
                         and not m.confidential).first()
        school = meeting.engagement.organisation.id
    for path in ("/sign-in", "/public/", f"/public/organisations/{school}",
                 f"/public/minutes/{meeting.id}",
                 "/forgot-password"):
        response = client.get(path)
        assert response.status_code == 200, path
        if found := id_problems(response.text):
            problems[f"signed out {path}"] = found
    assert problems == {}


def test_the_check_finds_a_repeated_id():
    """The parser sees what a browser would: two fields named alike on one page."""
    html = ('<form><label for="title">A</label><input id="title"></form>'
            '<form><label for="title">B</label><input id="title"></form>'
            '<p aria-describedby="gone">x</p>')
    assert id_problems(html) == ["id 'title' 2x", "aria reference to missing 'gone'"]
