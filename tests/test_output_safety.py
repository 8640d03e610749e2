"""What people type is shown safely, never run (docs/SECURITY.md, V5.2/5.3).

Minutes, follow-ups and the long text of commitments are rich text: the ``rich_text`` filter
(app/common/rich_text.py, nh3) lets through paragraphs, line breaks, bold, italics, lists and
http/https/mailto links and nothing else, on every page and report (HTML and PDF) that shows
them; spreadsheets get the words without the tags. Short text (titles, names) is escaped by
Jinja's autoescaping. SQLite runs in WAL mode with synchronous=FULL.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pony.orm import commit, db_session, flush

from app.common.rich_text import plain_text, rich_text
from app.meetings.services import approve_minutes, mark_held, publish_minutes, write_minutes
from tests.browser import sign_in as browser_sign_in
from tests.factories import make_meeting
from tests.test_reports import pdf_text
from tests.test_sign_in import sign_in
from tests.world import PASSWORD

#: What must never reach a page: script (and its content), event handlers, javascript:
#: addresses, style attributes, images and frames.
#: Each sets a flag on the window if it ever runs (the browser test looks for it).
ATTACK = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
          '<a href="javascript:window.__pwned=3">Jump</a>'
          '<p style="color:red" onclick="window.__pwned=4">Styled</p>'
          '<iframe src="https://evil.test"></iframe><svg onload="window.__pwned=5"></svg>'
          '<a href="JaVaScRiPt&colon;window.__pwned=6">Obfuscated</a>')
#: What must survive: the allowed subset.
ALLOWED = ('<p>We agreed on <strong>daily reading</strong> and <em>weekly</em> checks.</p>'
           '<ul><li>Year 3</li><li>Year 4</li></ul>'
           '<p>See <a href="https://www.uvm.dk/plan">the plan</a>.</p>')
TEXT = ATTACK + ALLOWED
NEVER = re.compile(r"<script>window|<[^>]*\b(onerror|onclick|onload|style=\"color)|"
                   r"<img[^>]*src=\"?x|<iframe[^>]*evil|href=\"\s*javascript", re.IGNORECASE)


def assert_safe_and_kept(html: str, where: str) -> None:
    assert not NEVER.search(html), (where, NEVER.search(html))
    # Anywhere but in a form's own textarea and in a record's history (both escaped there, as
    # typed: NEVER above shows no live markup anywhere), not even as text.
    shown = re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.S)
    history = r'<section class="panel" aria-labelledby="[\w-]*history[\w-]*">.*?</section>'
    shown = re.sub(history, "", shown, flags=re.S)
    assert "__pwned" not in shown, where
    assert "<strong>daily reading</strong>" in html and "<em>weekly</em>" in html, where
    assert "<li>Year 3</li>" in html, where
    assert '<a href="https://www.uvm.dk/plan" rel="noopener noreferrer">the plan</a>' in html, \
        where


def test_the_filter_keeps_the_allowed_subset_and_nothing_else():
    html = str(rich_text(TEXT))
    assert_safe_and_kept(html, "filter")
    for gone in ("__pwned", "script", "onerror", "onclick", "style=", "iframe", "svg", "img",
                 "javascript", "evil.test"):
        assert gone not in html.lower(), gone
    assert ">Jump</a>" in html and ">Styled</p>" in html  # the words stay, the danger goes
    assert str(rich_text("mailto: <a href=\"mailto:rektor@skole.dk\">rektor</a>")) == (
        '<p>mailto: <a href="mailto:rektor@skole.dk" rel="noopener noreferrer">rektor</a></p>')
    assert 'href' not in str(rich_text('<a href="ftp://x.test/f">f</a>'))


def test_plain_text_becomes_paragraphs_and_line_breaks():
    assert str(rich_text("First line\nsecond line\n\nNew paragraph & more < less")) == (
        "<p>First line<br>second line</p><p>New paragraph &amp; more &lt; less</p>")
    assert str(rich_text("One\r\n\r\n\r\nTwo")) == "<p>One</p><p>Two</p>"
    assert str(rich_text(None)) == "" and str(rich_text("")) == ""


def test_spreadsheets_get_the_words_without_the_tags():
    assert plain_text(TEXT) == ("Jump\nStyled\nObfuscated\n"
                                "We agreed on daily reading and weekly checks.\n"
                                "Year 3\nYear 4\nSee the plan.")
    assert plain_text("3 < 4 & 5 > 2") == "3 < 4 & 5 > 2"  # no tags: as written
    assert plain_text(None) == ""


@pytest.fixture
def rich_meeting(app, world):
    """A meeting whose minutes, a follow-up, an evaluation note and a commitment's actions all
    carry the attack and the allowed markup; the minutes are published."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        meeting = make_meeting(db.Engagement[world.e_a1], starts_at=datetime(2026, 4, 2, 8, 0))
        flush()
        mark_held(meeting, held_at=meeting.starts_at)
        write_minutes(min(meeting.agenda_items, key=lambda i: i.id), TEXT)
        approve_minutes(meeting)
        publish_minutes(meeting)
        commit()
        meeting_id = meeting.id
    headers = {**world.headers["office_a"]}
    client = app.test_client()
    assert client.post(f"/api/v1/commitments/{world.c_a1}/follow-ups", headers=headers, json={
        "occurred_on": date.today().isoformat(), "narrative": TEXT}).status_code == 201
    etag = client.get(f"/api/v1/commitments/{world.c_a1}", headers=headers).headers["ETag"]
    assert client.patch(f"/api/v1/commitments/{world.c_a1}", json={"actions": TEXT},
                        headers={**headers, "If-Match": etag}).status_code == 200
    return meeting_id


def test_pages_show_the_allowed_markup_and_never_the_rest(app, client, world, rich_meeting):
    public = client.get(f"/public/minutes/{rich_meeting}")  # anyone, signed in or not
    assert public.status_code == 200, public.text
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    pages = {"public minutes": public, "meeting": client.get(f"/meetings/{rich_meeting}"),
             "commitment": client.get(f"/commitments/{world.c_a1}")}
    for where, page in pages.items():
        assert page.status_code == 200, where
        assert_safe_and_kept(page.text, where)


@pytest.mark.parametrize("path", ["/reports/minutes/{m}", "/public/reports/minutes/{m}",
                                  "/reports/engagements/{e}/interim"])
def test_reports_show_the_allowed_markup_and_never_the_rest(client, world, rich_meeting, path):
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    path = path.format(m=rich_meeting, e=world.e_a1)
    html = client.get(path, query_string={"format": "html", "language": "da"})
    assert html.status_code == 200, html.text
    if "engagements" in path:  # the interim report shows actions and follow-ups, no minutes
        assert not NEVER.search(html.text) and "<strong>daily reading</strong>" in html.text
    else:
        assert_safe_and_kept(html.text, path)
    pdf = client.get(path, query_string={"format": "pdf", "language": "da"})
    assert pdf.status_code == 200
    words = " ".join(pdf_text(pdf.data).split())
    assert "daily reading" in words
    for gone in ("__pwned", "javascript", "<", "onerror"):
        assert gone not in words, (path, gone)


def test_report_spreadsheets_get_the_words_not_the_tags(client, world, rich_meeting):
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    path = f"/reports/engagements/{world.e_a1}/interim"
    table = client.get(path, query_string={"format": "csv", "language": "en"})
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    xlsx = client.get(path, query_string={"format": "xlsx", "language": "en"})
    sheet = [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active.rows]
    for cells in (rows, sheet):
        written = " ".join(str(v) for row in cells for v in row if v)
        assert "We agreed on daily reading and weekly checks." in written
        assert "<" not in written and "__pwned" not in written


@pytest.mark.browser
def test_no_script_from_minutes_runs_in_the_browser(new_page, world, rich_meeting):
    """A sentinel: each attack would set window.__pwned if it ran. None does, and the shown
    text holds no script, image, handler, style or javascript: link, in the public minutes
    and on the signed-in pages."""
    page = new_page("da")
    pages = [f"/public/minutes/{rich_meeting}", f"/meetings/{rich_meeting}",
             f"/commitments/{world.c_a1}"]
    for number, path in enumerate(pages):
        if number == 1:
            browser_sign_in(page, "office_a@example.test", PASSWORD)
        page.goto(path)
        page.wait_for_selector(".rich-text strong")
        assert page.evaluate("() => window.__pwned === undefined"), path
        found = page.evaluate("""() => [...document.querySelectorAll('.rich-text *')].filter(
            e => ['SCRIPT', 'IMG', 'IFRAME', 'SVG', 'svg'].includes(e.tagName) ||
            e.hasAttribute('style') || [...e.attributes].some(a => a.name.startsWith('on')) ||
            (e.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript')
        ).length""")
        assert found == 0, path


def test_no_template_marks_stored_text_as_safe():
    app_dir = Path(__file__).resolve().parent.parent / "app"
    for template in app_dir.rglob("*.html"):
        text = template.read_text()
        assert "|safe" not in text.replace(" ", ""), template
        assert "autoescape false" not in text, template
    # The exceptions: charts inlined as SVG, which matplotlib writes with every drawn text
    # escaped (tests/test_charts.py::test_inline_charts_escape_the_names_they_draw), and the
    # rich_text filter, whose output nh3 has sanitized (the tests above).
    vetted = {app_dir / "charts" / "service.py", app_dir / "common" / "rich_text.py",
              # Markup.format escapes the programme's word; only the span is markup.
              app_dir / "programmes" / "terms.py"}
    for module in app_dir.rglob("*.py"):
        if module not in vetted:
            assert "Markup(" not in module.read_text(), module


def test_sqlite_connections_use_wal_with_full_synchronous_writes(engine_databases):
    database = engine_databases("sqlite")
    with database.app.app_context(), db_session:
        db = database.database
        def pragma(name):
            return db.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL: a commit is on disk before it is answered
