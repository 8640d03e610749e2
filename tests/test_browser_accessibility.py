"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on the main
pages, in Danish, Norwegian and Swedish, including a form showing its errors."""

from pathlib import Path

import pytest
from pony.orm import commit, db_session, select

from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.browser import axe_violations, screenshot, sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"


def pages_of(app, owner_code: str) -> dict[str, str]:
    """A typical page of each kind under one demo owner, as its school office sees them:
    a meeting in each state of its lifecycle, the import and report pages, the public ones."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        owner = db.Organisation.get(official_code=owner_code)
        prefix = owner.path
        # A school's engagement where the programme is held with schools (Denmark, Norway),
        # the owner's own where it is held with the owner (Sweden's Skoldialogen).
        engagement = min(select(e for e in db.Engagement if e.status == "active"
                                and e.organisation.path.startswith(prefix)),
                         key=lambda e: (e.organisation.kind != "school", e.id))
        school = select(o for o in db.Organisation if o.parent == owner
                        and o.kind == "school").order_by(lambda o: o.id).first()
        pages = {
            "dashboard": "/", "organisations": "/organisations",
            "school": f"/organisations/{school.id}", "programmes": "/programmes",
            "programme": f"/programmes/{engagement.programme.id}",
            "engagement": f"/engagements/{engagement.id}", "meetings": "/meetings",
            "commitments": "/commitments", "commitments overdue": "/commitments?overdue=1",
            "import": "/indicators/import", "weak results": "/weak-results",
            "reports": f"/reports?report=owner_summary&subject=owner:{owner.id}&format=html",
            "owner summary": f"/reports/owner-summary/{owner.id}", "profile": "/profile",
            "public organisation": f"/public/organisations/{owner.id}",
            "public index": "/public/",
        }
        for status in ("planned", "minutes_drafted", "minutes_approved", "published"):
            meeting = select(m for m in db.Meeting if m.status == status
                             and m.engagement.organisation.path.startswith(prefix)
                             ).order_by(lambda m: m.id).first()
            if meeting is not None:
                pages[f"meeting {status}"] = f"/meetings/{meeting.id}"
        published = pages["meeting published"].rsplit("/", 1)[1]
        pages["data package"] = f"/meetings/{published}/data-package"
        pages["public minutes"] = f"/public/minutes/{published}"
        pages["public minutes report"] = f"/public/reports/minutes/{published}"
        commitment = select(c for c in db.Commitment if c.engagement == engagement
                            and not c.confidential).order_by(lambda c: c.id).first()
        pages["commitment"] = f"/commitments/{commitment.id}"
        return pages


def load(app) -> None:
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()


@pytest.fixture
def demo_pages(app):
    """The demo, and the ids of a typical page of each kind for the Stevns consultant."""
    load(app)
    return pages_of(app, "DEMO-DK-336")


#: Each language with the school office of an owner in that country (its own data).
READERS = {"da-DK": ("konsulent@stevns.demo", "DEMO-DK-336"),
           "nb-NO": ("radgiver@stavanger.demo", "DEMO-NO-1103"),
           "sv-SE": ("forvaltning@ekby.demo", "DEMO-SE-001")}


@pytest.mark.parametrize("language", sorted(READERS))
def test_main_pages_have_no_serious_accessibility_violations(app, new_page, engine, language):
    if engine == "postgresql" and language != "da-DK":
        pytest.skip("one language is enough on the second engine: the markup does not differ")
    load(app)
    email, owner = READERS[language]
    paths = pages_of(app, owner)
    # A meeting in each state of its lifecycle is among the pages checked (Stevns has them
    # all; the other owners' demo meetings are planned or published).
    states = ("planned", "minutes_drafted", "published") if language == "da-DK" else (
        "planned", "published")
    assert {f"meeting {s}" for s in states} <= set(paths)
    page = new_page(language)
    page.goto("/sign-in")
    assert page.locator("html").get_attribute("lang") == language[:2]
    problems = {"sign-in": axe_violations(page)}
    sign_in(page, email)
    for name, path in paths.items():
        response = page.goto(path)
        assert response.ok, (name, path, response.status)
        assert page.locator("html").get_attribute("lang") == language[:2], path
        problems[name] = axe_violations(page)
        if engine == "sqlite":
            screenshot(page, f"page-{language[:2]}-{name.replace(' ', '-')}")
    # A form that was refused: messages beside the fields, focus on the summary.
    page.goto(paths["engagement"])
    page.fill("#starts_at", "")
    page.click("form[action$='/meetings'] button[type=submit]")
    assert page.locator(".field-error").count() >= 1
    problems["refused form"] = axe_violations(page)
    # Signed out: the public pages a visitor reaches.
    visitor = new_page(language)
    for name in ("public index", "public organisation", "public minutes",
                 "public minutes report"):
        visitor.goto(paths[name])
        problems[f"{name} (signed out)"] = axe_violations(visitor)
    assert {name: found for name, found in problems.items() if found} == {}


def test_keyboard_users_can_skip_to_the_content_and_see_focus(demo_pages, new_page):
    page = new_page("sv-SE")
    sign_in(page, "admin@nordialog.demo")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_main_pages_draw_under_the_content_security_policy(demo_pages, new_page):
    """The browser enforces the policy (no 'unsafe-inline'): no page, chart or report preview
    has anything refused, charts keep their colours, and the previewed report its styles."""
    page = new_page("da-DK")
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    sign_in(page, "konsulent@stevns.demo")
    for path in demo_pages.values():
        page.goto(path)
        page.wait_for_load_state("load")
    # The dashboard's chart is inline SVG: its bars are drawn in their colours, not black.
    page.goto("/")
    fills = page.locator(".dashboard-chart svg path").evaluate_all(
        "paths => paths.map(p => getComputedStyle(p).fill)")
    assert "rgb(59, 139, 90)" in fills or "rgb(31, 95, 139)" in fills, fills
    # The Reports page frames its preview; the report's own <style> applies inside it.
    page.goto(demo_pages["reports"])
    frame = page.frame_locator("iframe.report-preview")
    colour = frame.locator("h1").evaluate("h1 => getComputedStyle(h1).color")
    assert colour == "rgb(18, 63, 92)"  # #123f5c, from the report's stylesheet
    assert frame.locator("figure svg").count() >= 1
    assert refused == []
