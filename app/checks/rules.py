"""Evaluating a programme's checks (seed: ``[[checks]]``) against a meeting or an engagement.

A check never refuses anything: a miss is a warning the reader sees in their language, with
what exactly is missing. Meeting checks run before the minutes are approved; report checks
before a report is signed off; phase checks before the engagement enters the phase.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from app.db import db
from app.i18n import _, localized
from app.meetings.models import PARTICIPANT_ROLES
from app.programmes.models import PARTIES


@dataclass
class CheckResult:
    key: str
    label: str
    applies_to: str
    passed: bool
    #: What is missing, as the reader says it (empty when passed).
    missing: list[str] = field(default_factory=list)
    report: str | None = None
    phase: str | None = None


def _has_text(value) -> bool:
    return bool((value or "").strip())


def _theme_name(key: str) -> str:
    theme = db.Theme.get(key=key)
    return localized(theme.labels) if theme is not None and theme.labels else key


def _item_name(item) -> str:
    return item.title or localized(item.labels) if item is not None else ""


def _items_by_template_key(meeting) -> dict:
    return {item.template_item.key: item for item in meeting.agenda_items
            if item.template_item is not None}


# --- meeting checks -------------------------------------------------------------------------

def _themes_discussed(meeting, check) -> list[str]:
    missing = []
    items = list(meeting.agenda_items)
    chosen = {t.theme.key for t in meeting.themes if t.theme.key}
    for key in check["themes"]:
        with_minutes = any(i.theme is not None and i.theme.key == key and _has_text(i.minutes)
                           for i in items)
        if not with_minutes and key not in chosen:
            missing.append(_("Theme not on the agenda or in the minutes: %(theme)s",
                             theme=_theme_name(key)))
    by_key = _items_by_template_key(meeting)
    for key in check.get("items", []):
        item = by_key.get(key)
        if item is None or not _has_text(item.minutes):
            missing.append(_("No minutes yet for: %(item)s",
                             item=_item_name(item) if item is not None else key))
    return missing


def _evaluation_present(meeting, check) -> list[str]:
    previous = meeting.engagement.previous
    if previous is None or not previous.commitments.count():
        return []  # a first cycle has no earlier agreements to follow up
    for item in meeting.agenda_items:
        if item.kind != "evaluation":
            continue
        if _has_text(item.minutes) or any(_has_text(line.note)
                                          for line in item.evaluation_lines):
            return []
    return [_("The evaluation of the earlier agreements has no minutes or notes yet.")]


def _participant_invited(meeting, check) -> list[str]:
    invited = {p.role for p in meeting.participants if p.invited}
    return [_("Not invited: %(role)s", role=str(PARTICIPANT_ROLES.get(role, role)))
            for role in check["roles"] if role not in invited]


def _party_themes_present(meeting, check) -> list[str]:
    missing = []
    for party in check["parties"]:
        chosen = any(t.party == party for t in meeting.themes)
        written = any(i.party == party and i.kind == "theme" and _has_text(i.minutes)
                      for i in meeting.agenda_items)
        if not (chosen or written):
            missing.append(_("No themes chosen by: %(party)s",
                             party=str(PARTIES.get(party, party))))
    return missing


def _agenda_minutes_present(meetings, check, meeting_type) -> list[str]:
    """Some meeting (of the check's type) has minutes for each listed agenda item."""
    templates = ({t.key: t for t in meeting_type.agenda_items} if meeting_type is not None
                 else {})
    missing = []
    for key in check["items"]:
        found = None
        for meeting in meetings:
            item = _items_by_template_key(meeting).get(key)
            if item is not None and _has_text(item.minutes):
                found = item
                break
        if found is None:
            template = templates.get(key)
            name = localized(template.labels) if template is not None else key
            missing.append(_("No minutes yet for: %(item)s", item=name))
    return missing


MEETING_KINDS = {
    "themes_discussed": _themes_discussed,
    "evaluation_present": _evaluation_present,
    "participant_invited": _participant_invited,
    "party_themes_present": _party_themes_present,
    "agenda_minutes_present": lambda meeting, check: _agenda_minutes_present(
        [meeting], check, meeting.meeting_type),
}


# --- engagement (report and phase) checks ---------------------------------------------------

def previous_period(period: str) -> str | None:
    """The school year before "2025/26" ("2024/25"); None for other period formats."""
    head, _sep, tail = period.partition("/")
    if head.isdigit() and tail.isdigit() and len(head) == 4:
        start = int(head) - 1
        return f"{start}/{str(start + 1)[-2:]}"
    return None


def _observed(organisation, indicator, periods: set) -> bool:
    return indicator is not None and db.Observation.exists(
        lambda o: o.organisation == organisation and o.indicator == indicator
        and o.period in periods)


def _indicators_present(engagement, check, today: date) -> list[str]:
    periods = {engagement.period, previous_period(engagement.period)} - {None}
    missing = []
    organisation = engagement.organisation
    for key in check["indicators"]:
        indicator = db.Indicator.get(key=key)
        if not _observed(organisation, indicator, periods):
            missing.append(_("No figures for %(period)s: %(indicator)s",
                             period=engagement.period,
                             indicator=localized(indicator.labels) if indicator else key))
    return missing


def _steps(engagement, keys):
    return [s for s in engagement.year_wheel
            if s.template_step is not None and s.template_step.key in keys]


def _step_name(step) -> str:
    return step.title or localized(step.labels)


def _year_wheel_steps_done(engagement, check, today: date) -> list[str]:
    return [_("Not dated in the year wheel: %(step)s", step=_step_name(step))
            for step in _steps(engagement, set(check["steps"])) if step.done_on is None]


def _year_wheel_on_time(engagement, check, today: date) -> list[str]:
    from app.notify.calendar import step_month
    from app.web.formatting import format_date

    missing = []
    for step in _steps(engagement, set(check["steps"])):
        first = step_month(engagement, step.month)
        due = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        if step.done_on is not None and step.done_on > due:
            missing.append(_("%(step)s was done late, on %(date)s.", step=_step_name(step),
                             date=format_date(step.done_on)))
        elif step.done_on is None and today > due:
            missing.append(_("%(step)s was due by %(date)s and is not done.",
                             step=_step_name(step), date=format_date(due)))
    return missing


ENGAGEMENT_KINDS = {
    "indicators_present": _indicators_present,
    "year_wheel_steps_done": _year_wheel_steps_done,
    "year_wheel_on_time": _year_wheel_on_time,
    "agenda_minutes_present": lambda engagement, check, today: _agenda_minutes_present(
        [m for m in engagement.meetings.order_by(lambda m: m.starts_at)
         if m.meeting_type.key == check.get("meeting_type") and m.status != "cancelled"],
        check, db.MeetingType.get(programme=engagement.programme, key=check["meeting_type"])),
}


def _result(check: dict, missing: list[str]) -> CheckResult:
    return CheckResult(key=check["key"], label=localized(check["labels"]),
                       applies_to=check["applies_to"], passed=not missing, missing=missing,
                       report=check.get("report"), phase=check.get("phase"))


def meeting_checks(meeting) -> list[CheckResult]:
    """The programme's checks for this meeting's type, evaluated now."""
    checks = meeting.engagement.programme.checks or []
    kind = meeting.meeting_type.key
    return [_result(check, MEETING_KINDS[check["kind"]](meeting, check))
            for check in checks
            if check["applies_to"] == "meeting" and kind in check["meeting_types"]
            and check["kind"] in MEETING_KINDS]


def engagement_checks(engagement, *, today: date | None = None, report: str | None = None,
                      phase: str | None = None) -> list[CheckResult]:
    """The programme's report and phase checks for an engagement (optionally one report's or
    one phase's), evaluated now."""
    from app.organisations.today import local_date

    today = today or local_date(engagement.organisation.time_zone)
    results = []
    for check in engagement.programme.checks or []:
        if check["applies_to"] not in ("report", "phase") or check["kind"] not in \
                ENGAGEMENT_KINDS:
            continue
        if report is not None and check.get("report") != report:
            continue
        if phase is not None and check.get("phase") != phase:
            continue
        results.append(_result(check, ENGAGEMENT_KINDS[check["kind"]](engagement, check,
                                                                       today)))
    return results


def warnings(results: list[CheckResult]) -> list[str]:
    """One line per failed check: its label and what is missing."""
    return [f"{r.label}: {'; '.join(r.missing)}" for r in results if not r.passed]
