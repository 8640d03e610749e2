"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on the main
pages, in each language, including a form showing its errors."""

from pathlib import Path

import pytest
from pony.orm import commit, db_session, select

from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.browser import axe_violations, screenshot, sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"


@pytest.fixture
def demo_pages(app):
    """The demo, and the ids of a typical page of each kind for the Stevns consultant."""
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()
        db = app.extensions["nordialog.db"]
        school = db.Organisation.get(official_code="DEMO-DK-336-01")
        engagement = select(e for e in db.Engagement if e.organisation == school
                            and e.status == "active").first()
        meeting = select(m for m in db.Meeting if m.engagement.organisation == school
                         and m.status == "published").first()
        commitment = select(c for c in db.Commitment if c.engagement.organisation == school
                            ).first()
        programme = db.Programme.get(key="dk_skoleudviklingssamtale")
        return {
            "dashboard": "/", "organisations": "/organisations",
            "school": f"/organisations/{school.id}", "programmes": "/programmes",
            "programme": f"/programmes/{programme.id}",
            "engagement": f"/engagements/{engagement.id}",
            "meeting": f"/meetings/{meeting.id}", "commitments": "/commitments",
            "commitment": f"/commitments/{commitment.id}", "meetings": "/meetings",
            "public": f"/public/minutes/{meeting.id}",
            "reports": f"/reports?report=owner_summary&subject=owner:{school.parent.id}"
                       "&format=html",
            "data package": f"/meetings/{meeting.id}/data-package",
            "owner summary": f"/reports/owner-summary/{school.parent.id}",
            "public minutes report": f"/public/reports/minutes/{meeting.id}",
        }


@pytest.mark.parametrize("language,email", [("da-DK", "konsulent@stevns.demo"),
                                            ("en-GB", "admin@nordialog.demo")])
def test_main_pages_have_no_serious_accessibility_violations(demo_pages, new_page, engine,
                                                              language, email):
    page = new_page(language)
    page.goto("/sign-in")
    problems = {"sign-in": axe_violations(page)}
    sign_in(page, email)
    for name, path in demo_pages.items():
        page.goto(path)
        problems[name] = axe_violations(page)
        if engine == "sqlite" and language.startswith("da"):
            screenshot(page, f"page-{name}")
    # A form that was refused: messages beside the fields, focus on the summary.
    page.goto(demo_pages["engagement"])
    page.fill("#starts_at", "")
    page.click("text=" + ("Planlæg mødet" if language.startswith("da") else "Plan the meeting"))
    assert page.locator(".field-error").count() >= 1
    problems["refused form"] = axe_violations(page)
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
