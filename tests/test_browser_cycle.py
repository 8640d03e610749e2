"""In a real browser: the dialogue cycle as Danish, Norwegian and Swedish users live it."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pony.orm import commit, db_session, select

from app.commitments.services import record_commitment
from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.browser import screenshot, sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"


@pytest.fixture
def demo(app):
    """The demo owners, schools and accounts (README lists them)."""
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()
    return app


def organisation_id(app, code: str) -> int:
    with app.app_context(), db_session:
        return app.extensions["nordialog.db"].Organisation.get(official_code=code).id


def current_engagement(app, school_code: str) -> int:
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        return select(e.id for e in db.Engagement if e.organisation.official_code == school_code
                      and e.status == "active").first()


def test_a_danish_consultant_runs_a_talk_in_danish(demo, new_page):
    page = new_page("da-DK")
    sign_in(page, "konsulent@stevns.demo")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == "Mine opgaver"

    # Plan the talk (it took place yesterday morning) from the programme's template.
    page.goto(f"/engagements/{current_engagement(demo, 'DEMO-DK-336-02')}")
    yesterday = date.today() - timedelta(days=1)
    page.fill("#starts_at", f"{yesterday.isoformat()}T09:00")
    page.fill("#place", "Store Heddinge Skole, personalerummet")
    page.click("text=Planlæg mødet")
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    meeting_url = page.url
    agenda = page.locator("section[aria-labelledby=minutes] .agenda-item h3")
    assert agenda.count() >= 6  # Stevns' timed items
    assert "Evaluering" in agenda.first.inner_text()
    # Last year's commitments are on the agenda to be followed up (Danish law asks for it).
    assert page.locator("section[aria-labelledby=evaluation] .agenda-item").count() >= 3
    # Who takes part.
    for name, role in (("Mette Holm", "school_leader"), ("Jens Lund", "staff_representative")):
        page.fill("#participant-name", name)
        page.select_option("#participant-role", role)
        page.click("form[action$='/participants'] button[type=submit]")
        page.wait_for_selector("text=Deltageren er tilføjet.")
    participants = page.locator("section[aria-labelledby=participants]").inner_text()
    assert "Mette Holm" in participants and "Skoleleder" in participants
    assert "Jens Lund" in participants
    screenshot(page, "da-meeting-planned")
    # The data package for the talk, in Danish, from the meeting page.
    page.click("nav.report-links a:text-is('Datagrundlag')")
    assert page.locator("html").get_attribute("lang") == "da"
    assert "Store Heddinge Skole" in page.locator("body").inner_text()
    for heading in ("Indikatorer", "Udvikling over tid"):
        assert page.locator(f"h2:text-is('{heading}')").count() == 1
    assert page.locator("figure svg").count() >= 1  # the indicators drawn over the years
    screenshot(page, "da-data-package")
    page.goto(meeting_url)

    # Hold it, say who came, and write the minutes.
    page.click("text=Markér som afholdt")
    page.wait_for_selector("text=Gem referatet")
    page.select_option("section[aria-labelledby=participants] select >> nth=0", "present")
    page.click("text=Gem fremmøde")
    page.wait_for_selector("text=Fremmødet er gemt.")
    for index, box in enumerate(
            page.locator("section[aria-labelledby=minutes] textarea").all()):
        box.fill(f"Drøftet punkt {index + 1}.")
    page.click("text=Gem referatet")
    page.wait_for_selector("text=Referatet er gemt.")

    # Three commitments, one of them confidential, one already past its due date.
    commitments = [("Læsebånd hver dag i indskolingen", "2027-06-30", False),
                   ("Drøftelse af testresultater med lærerne", "2027-06-30", True),
                   ("Fraværsmøde med forældre ved 10 % fravær",
                    (date.today() - timedelta(days=1)).isoformat(), False)]
    for title, due, confidential in commitments:
        page.fill("#title", title)
        page.fill("#due_date", due)
        if confidential:
            page.check("#confidential")
        page.click("text=Registrér aftalen")
        page.wait_for_selector("text=Aftalen er registreret.")
    listed = page.locator("#commitments ~ ul .item-list li, section[aria-labelledby=commitments] "
                          ".item-list li")
    assert listed.count() == 3

    page.click("text=Godkend referatet")
    page.wait_for_selector("text=Referatet er godkendt.")
    page.click("text=Offentliggør referatet")
    page.wait_for_selector("text=Referatet er offentliggjort.")
    screenshot(page, "da-meeting-published")

    # A follow-up on the first commitment.
    page.click(f"text={commitments[0][0]}")
    page.fill("#narrative", "Læsebåndet er i gang i 0.–3. klasse.")
    page.select_option("#status_to", "in_progress")
    page.fill("#progress", "30")
    page.click("text=Registrér opfølgningen")
    page.wait_for_selector("text=Opfølgningen er registreret.")
    assert page.locator(".timeline").first.inner_text().count("Læsebåndet er i gang") == 1
    screenshot(page, "da-commitment")

    # A second follow-up, on the confidential commitment, from the meeting page.
    page.goto(meeting_url)
    page.click(f"text={commitments[1][0]}")
    page.fill("#narrative", "Resultaterne er drøftet på fællesmødet.")
    page.click("text=Registrér opfølgningen")
    page.wait_for_selector("text=Opfølgningen er registreret.")

    # The overdue one is on the dashboard.
    page.goto("/")
    overdue = page.locator("section[aria-labelledby=overdue-here-heading]")
    assert commitments[2][0] in overdue.inner_text()
    screenshot(page, "da-dashboard")

    # A visitor finds the school's published minutes without signing in, and reads them: no
    # confidential data.
    visitor = new_page("da-DK")
    visitor.goto(f"/public/organisations/{organisation_id(demo, 'DEMO-DK-336-02')}")
    assert visitor.locator("h1").inner_text() == "Store Heddinge Skole (demo)"
    assert "Log ud" not in visitor.locator("body").inner_text()
    public_link = meeting_url.split("/meetings/")[1]
    visitor.click(f"main a[href='/public/minutes/{public_link}']")
    text = visitor.locator("main").inner_text()
    assert commitments[0][0] in text and commitments[2][0] in text
    assert commitments[1][0] not in text
    assert "Drøftet punkt 1." in text
    screenshot(visitor, "public-minutes")


def agreed_at_the_dialogue_meeting(app, school_code: str) -> int:
    """A commitment of the school's current cycle, as the dialogue meeting recorded it."""
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        engagement = db.Engagement[current_engagement(app, school_code)]
        made = record_commitment(
            engagement, title="Analysemøter i alle trinnteam", due_date=date(2027, 6, 15),
            responsible_organisation=engagement.organisation, follow_up_interval_days=60)
        commit()
        return made.id


def test_a_norwegian_leader_reports_and_the_owner_acknowledges(demo, new_page):
    commitment = agreed_at_the_dialogue_meeting(demo, "DEMO-NO-1103-01")
    leader = new_page("nb-NO")
    sign_in(leader, "rektor@stavanger.demo")
    assert leader.locator("h1").inner_text() == "Mine oppgaver"
    leader.goto(f"/commitments/{commitment}")
    leader.fill("#narrative", "Alle trinnteam har hatt analysemøte etter kartleggingen.")
    leader.click("text=Registrer oppfølgingen")
    leader.wait_for_selector("text=Oppfølgingen er registrert.")
    leader.fill("#completion-comment",
                "Målet er nådd.")
    leader.click("form[action$=completion] button")
    leader.wait_for_selector("text=Oppnåelsen er meldt og venter på den andre parten.")
    screenshot(leader, "nb-leader-reported")

    owner = new_page("nb-NO")
    sign_in(owner, "radgiver@stavanger.demo")
    waiting = owner.locator("section[aria-labelledby=acknowledge-heading]")
    assert waiting.locator(f"a[href^='/commitments/{commitment}']").count() == 1
    waiting.locator(f"a[href^='/commitments/{commitment}']").click()
    owner.click("form[action$=acknowledge] button")
    owner.wait_for_selector("text=Bekreftet.")
    assert "Oppnådd" in owner.locator(".lead").inner_text()
    screenshot(owner, "nb-owner-acknowledged")


def test_a_swedish_agency_officer_follows_the_owner(demo, new_page):
    officer = new_page("sv-SE")
    sign_in(officer, "handlaggare@skolverket.demo")
    assert officer.locator("h1").inner_text() == "Mina uppgifter"
    officer.goto("/organisations")
    officer.click("text=Ekby kommun (demo)")
    officer.click("section[aria-labelledby=engagements-heading] a >> nth=0")
    assert "Skoldialogen" in officer.locator("h1").inner_text() or \
        "Samverkan" in officer.locator("h1").inner_text()
    assert officer.locator("html").get_attribute("lang") == "sv"
    screenshot(officer, "sv-engagement")
    # The engagement's interim report (delredovisning), in Swedish, from the engagement page.
    officer.click("nav.report-links a:text-is('Delredovisning')")
    assert officer.locator("html").get_attribute("lang") == "sv"
    assert officer.locator("h1").inner_text() == "Delredovisning"
    body = officer.locator("body").inner_text()
    for heading in ("Överenskommelsen", "Nulägesanalys", "Åtgärdsplan",
                    "Insatser och deras status", "Indikatorernas utveckling"):
        assert heading in body
    assert "Ekby kommun (demo)" in officer.locator(".lead").inner_text()
    screenshot(officer, "sv-interim-report")
    pdf = officer.request.get(officer.url + "?format=pdf&language=sv")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"



def test_the_main_flow_works_without_javascript(demo, new_page):
    """Plan, hold, minute, agree, approve, publish and follow up with script switched off."""
    page = new_page("da-DK", javascript=False)
    sign_in(page, "konsulent@stevns.demo")
    page.goto(f"/engagements/{current_engagement(demo, 'DEMO-DK-336-03')}")
    page.fill("#starts_at", f"{(date.today() - timedelta(days=2)).isoformat()}T13:00")
    page.click("text=Planlæg mødet")
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    page.click("text=Markér som afholdt")
    page.locator("section[aria-labelledby=minutes] textarea").first.fill("Uden script.")
    page.click("text=Gem referatet")
    page.wait_for_selector("text=Referatet er gemt.")
    page.fill("#title", "Fælles læseindsats i mellemtrinnet")
    page.click("text=Registrér aftalen")
    page.wait_for_selector("text=Aftalen er registreret.")
    # A refused form keeps what was typed, with the message beside the field (no script).
    page.fill("#title", "Aftale uden frist")
    page.fill("#due_date", "")
    page.click("text=Registrér aftalen")
    assert page.locator("#due_date-error").count() == 1
    assert page.locator("#title").input_value() == "Aftale uden frist"
    page.click("text=Godkend referatet")
    page.wait_for_selector("text=Referatet er godkendt.")
    page.click("text=Offentliggør referatet")
    page.wait_for_selector("text=Referatet er offentliggjort.")
    page.click("text=Fælles læseindsats i mellemtrinnet")
    page.fill("#narrative", "Indsatsen er planlagt med lærerne.")
    page.click("text=Registrér opfølgningen")
    page.wait_for_selector("text=Opfølgningen er registreret.")
    screenshot(page, "da-without-javascript")


def test_the_language_choice_works_without_script_and_is_remembered(demo, new_page):
    """The switch needs its button (nothing changes on selecting alone), returns to the same
    page, and the account keeps the choice: another browser shows Swedish after signing in."""
    page = new_page("en-GB", javascript=False)
    sign_in(page, "admin@nordialog.demo")
    assert page.locator("h1").inner_text() == "My work"
    page.goto("/commitments?overdue=1")
    page.select_option("#language-choice", "sv")
    assert page.locator("html").get_attribute("lang") == "en"  # selecting alone: no change
    page.click("form.language-switch button[type=submit]")
    page.wait_for_selector("text=Språket är nu Svenska.")
    assert page.url.endswith("/commitments?overdue=1")
    assert page.locator("html").get_attribute("lang") == "sv"
    screenshot(page, "sv-language-switched")

    elsewhere = new_page("en-GB")
    sign_in(elsewhere, "admin@nordialog.demo")
    assert elsewhere.locator("html").get_attribute("lang") == "sv"
    assert elsewhere.locator("h1").inner_text() == "Mina uppgifter"
    with demo.app_context(), db_session:
        db = demo.extensions["nordialog.db"]
        assert db.User.get(email="admin@nordialog.demo").language == "sv"
