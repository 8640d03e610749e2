"""The demo: owners and units from seed/demo.toml, brought to life relative to today.

Per unit and annual programme: last school year's cycle, closed, with its talk held and the
minutes published, and this year's cycle under way in one of its first phases; per Skoldialogen
owner: a cooperation in its second year. Commitments come in every status, some overdue, with
follow-ups; every unit has five school years of its programme's indicators, with its owner's and
its country's values beside them (the country's value is held on the national agency). All of it
goes through the same services as real use, so the demo obeys every rule the product does.

Everything is created under owners marked ``is_demo``; an owner that already exists is left as
it is, which makes the load idempotent.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from statistics import mean
from zoneinfo import ZoneInfo

from app.accounts.access import principal_for
from app.commitments import services as commitments
from app.commitments.acknowledgement import may_report, report_completion
from app.db import db
from app.engagements import services as engagements
from app.meetings import services as meetings
from app.organisations.services import create_organisation, find_by_code
from app.programmes.services import ordered_phases
from app.seeding.files import SeedError, load_file
from app.seeding.programmes import SeedReport
from app.seeding.schemas import DemoContentFile, DemoFile, DemoUsersFile

SCHOOL_YEAR_STARTS = 8  # August

PEOPLE = {
    "DK": [("Mette Løvgren", "school_leader"), ("Anders Kjær", "consultant"),
           ("Hanne Brix", "director"), ("Jens Mølgaard", "board_parent_representative")],
    "NO": [("Ingrid Sæther", "school_leader"), ("Kjetil Aasen", "school_chief"),
           ("Siri Vold", "consultant"), ("Ola Tveit", "staff_representative")],
    "SE": [("Karin Lindqvist", "owner_representative"), ("Erik Sjöberg", "agency_officer"),
           ("Annika Berg", "school_leader"), ("Lars Öhman", "consultant")],
}


def school_year_start(day: date) -> int:
    return day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1


def school_year(start: int) -> str:
    return f"{start}/{str(start + 1)[-2:]}"


def load_demo(seed_dir: Path, today: date | None = None) -> SeedReport:
    """Create the demo owners that do not exist yet (programmes must be loaded first)."""
    today = today or date.today()
    demo = load_file(seed_dir / "demo.toml", DemoFile())
    content = load_file(seed_dir / "demo_content.toml", DemoContentFile())
    problems = []
    for owner in demo["owners"]:
        for key in owner["programmes"]:
            if db.Programme.get(key=key) is None:
                problems.append(f"{seed_dir / 'demo.toml'}: owner {owner['code']}: unknown "
                                f"programme {key!r}")
    for index, item in enumerate(content["commitments"], start=1):
        if db.Theme.get(key=item["theme"]) is None:
            problems.append(f"{seed_dir / 'demo_content.toml'}: commitments #{index}: unknown "
                            f"theme {item['theme']!r}")
    if problems:
        raise SeedError(problems)

    report = SeedReport("Demo")
    built = []
    for owner in demo["owners"]:
        if find_by_code(owner["country"], owner["code"]) is not None:
            report.count("owners", "unchanged")
            continue
        builder = DemoOwner(owner, content, today, report)
        builder.build()
        built.append(builder.owner)
    load_demo_users(seed_dir, report)
    report_completions(built, content, report)
    return report


def report_completions(owners: list, content: dict, report: SeedReport) -> None:
    """In each new demo owner, each demo account that reports on commitments reports one as
    achieved, so the other party has a completion waiting for acknowledgement."""
    for owner in owners:
        for user, commitment in _first_reportable(owner):
            report_completion(principal_for(user), commitment,
                              comment=content["follow_ups"][owner.country][-1])
            report.created["reported completions"] += 1


def _first_reportable(owner) -> list[tuple]:
    """Per account with a role under ``owner``: the first open commitment of a current cycle
    that the account may report on (under way before merely agreed)."""
    prefix = owner.path
    users = {r.user for r in db.RoleAssignment.select(lambda r: r.scope_path.startswith(prefix))}
    candidates = sorted(db.Commitment.select(
        lambda c: c.status in ("agreed", "in_progress", "at_risk")
        and c.engagement.status == "active"
        and c.engagement.organisation.path.startswith(prefix)),
        key=lambda c: (c.status != "in_progress", c.id))
    chosen, taken = [], set()
    for user in sorted(users, key=lambda u: u.id):
        principal = principal_for(user)
        for commitment in candidates:
            if commitment.id not in taken and may_report(principal, commitment):
                chosen.append((user, commitment))
                taken.add(commitment.id)
                break
    return chosen


def load_demo_users(seed_dir: Path, report: SeedReport) -> None:
    """One account per role and country (README lists them); existing accounts are kept."""
    from app.accounts.services import assign_role, create_user, find_user

    path = seed_dir / "demo_users.toml"
    data = load_file(path, DemoUsersFile())
    for index, entry in enumerate(data["users"], start=1):
        organisation = None
        if entry["organisation"]:
            country, _sep, code = entry["organisation"].partition(":")
            organisation = find_by_code(country, code)
            if organisation is None:
                raise SeedError([f"{path}: users #{index} ({entry['email']}): unknown "
                                 f"organisation {entry['organisation']!r}"])
        if find_user(entry["email"]) is not None:
            report.count("users", "unchanged")
            continue
        user = create_user(email=entry["email"], name=entry["name"],
                           password=data["password"], language=entry["language"])
        assign_role(user, entry["role"], organisation)
        report.count("users", "created")


class DemoOwner:
    """Builds one owner's demo world with a random generator seeded by the owner's code."""

    def __init__(self, data: dict, content: dict, today: date, report: SeedReport) -> None:
        self.data = data
        self.country = data["country"]
        self.today = today
        self.report = report
        self.rng = random.Random(data["code"])
        self.pool = [c for c in content["commitments"] if c["country"] == self.country]
        self.minutes = content["minutes"][self.country]
        self.follow_up_texts = content["follow_ups"][self.country]
        self.reasons = content["reasons"][self.country]

    # --- structure ------------------------------------------------------------------------

    def build(self) -> None:
        self.owner = create_organisation(name=self.data["name"], kind="school_owner",
                                         country=self.country, official_code=self.data["code"],
                                         is_demo=True)
        self.report.count("owners", "created")
        self.units = [
            create_organisation(name=unit["name"], kind=unit["kind"], country=self.country,
                                official_code=unit["code"], parent=self.owner, is_demo=True)
            for unit in self.data["units"]
        ]
        self.report.created["units"] += len(self.units)
        programmes = [db.Programme.get(key=key) for key in self.data["programmes"]]
        for programme in programmes:
            if programme.cadence == "multi_year":
                self.build_cooperation(programme)
            else:
                taking_part = [u for u in self.units if u.kind in programme.participant_kinds]
                for index, unit in enumerate(taking_part):
                    self.build_school_cycles(programme, unit, index)
        self.build_indicators(programmes)

    def local(self, day: date, hour: int = 9) -> datetime:
        """A local time at the owner, as the naive UTC the database keeps."""
        zone = ZoneInfo(self.owner.time_zone)
        return datetime.combine(day, time(hour), zone).astimezone(UTC).replace(tzinfo=None)

    def walk_phases(self, engagement, until: int, start: date, step_days: int) -> None:
        """Move through the first ``until`` phases after the first, never past today."""
        phases = ordered_phases(engagement.programme)
        day = start
        for phase in phases[1:until + 1]:
            day = min(day + timedelta(days=step_days), self.today)
            engagements.transition_to(engagement, phase.key, occurred_on=day)

    # --- annual programmes ------------------------------------------------------------------

    def build_school_cycles(self, programme, unit, index: int) -> None:
        current_start = school_year_start(self.today)
        last_start = current_start - 1
        phases = ordered_phases(programme)
        meeting_type = sorted(programme.meeting_types, key=lambda m: m.position)[0]

        last = engagements.start_engagement(programme, unit, period=school_year(last_start),
                                            starts_on=date(last_start, 8, 1))
        self.walk_phases(last, len(phases) - 1, date(last_start, 8, 1), step_days=40)
        talk_day = date(last_start + 1, 4 + index % 2, 8 + 3 * (index % 5))
        talk = self.held_meeting(last, meeting_type, talk_day, publish=True)
        engagements.close_engagement(last, ends_on=date(current_start, 7, 31))

        current = engagements.start_engagement(programme, unit, period=school_year(current_start),
                                               starts_on=date(current_start, 8, 1), previous=last)
        self.walk_phases(current, index % 3, date(current_start, 8, 1), step_days=35)
        self.report.created["engagements"] += 2

        agreed = self.commitments_of(talk, unit, talk_day, count=3, offset=index)
        self.settle_last_cycle(agreed, current, talk_day, index)

        if index % 2 == 0:
            self.planned_meeting(current, meeting_type, date(current_start + 1, 4, 10 + index))
        else:
            autumn = date(current_start, 10, 6 + index)
            if autumn <= self.today:
                meeting = self.held_meeting(current, meeting_type, autumn, publish=False,
                                            approve=index % 4 == 3)
                fresh = self.commitments_of(meeting, unit, autumn, count=2, offset=index + 3,
                                            statuses=("proposed", "agreed"))
                self.follow(fresh[1], autumn, ["in_progress"])

    def settle_last_cycle(self, agreed: list, current, talk_day: date, index: int) -> None:
        """Give last year's commitments their fates: met, missed, carried over, overdue."""
        achieved, carried, third = agreed
        self.follow(achieved, talk_day, ["in_progress", "achieved"])
        self.follow(carried, talk_day, ["in_progress"])
        commitments.carry_over(carried, current, due_date=date(current.starts_on.year + 1, 3, 31),
                               reason=self.reasons["carry_over"])
        fate = index % 4
        if fate == 0:
            # Still at risk and past its due date: overdue, waiting for the next talk.
            self.move_due_date(third, self.today - timedelta(days=21))
            self.follow(third, talk_day, ["in_progress", "at_risk"])
        elif fate == 1:
            self.follow(third, talk_day, ["in_progress", "not_achieved"])
        elif fate == 2:
            commitments.change_status(third, "cancelled", reason=self.reasons["cancelled"])
        else:
            # In progress, but the next follow-up fell due weeks ago: overdue.
            self.move_due_date(third, self.today - timedelta(days=10))
            self.follow(third, talk_day, ["in_progress"], next_in_days=14)

    # --- multi-year cooperation (Skoldialogen) ------------------------------------------------

    def build_cooperation(self, programme) -> None:
        start = date(school_year_start(self.today) - 1, 9, 1)
        engagement = engagements.start_engagement(
            programme, self.owner, period=f"{start.year}-{start.year + 3}", starts_on=start,
            ends_on=start + timedelta(days=30 * programme.duration_months))
        self.report.created["engagements"] += 1
        phases = ordered_phases(programme)
        self.walk_phases(engagement, max(1, (len(phases) * 2) // 3), start, step_days=50)
        kinds = sorted(programme.meeting_types, key=lambda m: m.position)
        first = self.held_meeting(engagement, kinds[0], start + timedelta(days=30), publish=True)
        agreed = self.commitments_of(first, self.owner, start + timedelta(days=30), count=4,
                                     offset=0, agency_share=True)
        joint = kinds[1] if len(kinds) > 1 else kinds[0]
        day = start + timedelta(days=120)
        while day + timedelta(days=120) < self.today:
            self.held_meeting(engagement, joint, day, publish=True)
            day += timedelta(days=120)
        self.held_meeting(engagement, joint, day, publish=False)
        self.planned_meeting(engagement, joint, self.today + timedelta(days=45))
        fates = [["in_progress", "achieved"], ["in_progress"], ["in_progress", "at_risk"], []]
        self.move_due_date(agreed[2], self.today - timedelta(days=30))
        for commitment, path in zip(agreed, fates, strict=False):
            self.follow(commitment, start + timedelta(days=30), path)

    # --- meetings ---------------------------------------------------------------------------

    def add_people(self, meeting, held: bool) -> None:
        for number, (name, role) in enumerate(PEOPLE[self.country]):
            participant = meetings.add_participant(meeting, name=f"{name} (demo)", role=role,
                                                   organisation=self.owner)
            if held:
                meetings.record_attendance(participant, "absent" if number == 3 else "present")

    def planned_meeting(self, engagement, meeting_type, day: date):
        meeting = meetings.plan_meeting(engagement, meeting_type=meeting_type.key,
                                        starts_at=self.local(day), ends_at=self.local(day, 12),
                                        place=engagement.organisation.name)
        self.add_people(meeting, held=False)
        self.report.created["meetings"] += 1
        return meeting

    def held_meeting(self, engagement, meeting_type, day: date, *, publish: bool,
                     approve: bool = True):
        meeting = self.planned_meeting(engagement, meeting_type, day)
        meetings.mark_held(meeting, held_at=self.local(day, 12))
        for item in meetings.agenda(meeting):
            meetings.write_minutes(item, self.minutes.get(item.kind, self.minutes["other"]))
        for required in sorted(engagement.programme.required_themes, key=lambda r: r.position):
            db.MeetingTheme(meeting=meeting, theme=required.theme, party=required.party)
        if approve or publish:
            meetings.approve_minutes(meeting)
        if publish and not meeting.confidential:
            meetings.publish_minutes(meeting)
        return meeting

    # --- commitments ------------------------------------------------------------------------

    def commitments_of(self, meeting, unit, agreed_on: date, *, count: int, offset: int,
                       statuses=("agreed",), agency_share: bool = False) -> list:
        made = []
        agency = db.Organisation.get(kind="national_agency", country=self.country)
        for number in range(count):
            text = self.pool[(offset + number) % len(self.pool)]
            responsible = agency if agency_share and number % 2 and agency else unit
            commitment = commitments.record_commitment(
                meeting.engagement, meeting=meeting, agreed_on=agreed_on,
                status=statuses[number % len(statuses)], title=text["title"],
                background=text["background"], actions=text["actions"],
                success_criterion=text["success_criterion"],
                theme=db.Theme.get(key=text["theme"]), responsible_organisation=responsible,
                responsible_person=PEOPLE[self.country][0][0] + " (demo)",
                scope="central" if responsible.id != unit.id else "local",
                corrective=self.country == "NO" and number == 0 and offset % 5 == 4,
                due_date=agreed_on + timedelta(days=300),
                follow_up_interval_days=self.rng.choice((30, 45, 60)),
            )
            made.append(commitment)
        self.report.created["commitments"] += count
        return made

    @staticmethod
    def move_due_date(commitment, latest: date) -> None:
        if commitment.due_date > latest:
            commitments.update_commitment(commitment, {"due_date": latest})

    def follow(self, commitment, since: date, path: list[str], next_in_days: int = 30) -> None:
        """Follow a commitment monthly along ``path`` (each step one follow-up), up to today."""
        day = since
        steps = path or [None]
        for number, status in enumerate(steps):
            day = day + timedelta(days=30 + self.rng.randint(0, 10))
            if day > self.today:
                return
            text = self.follow_up_texts[min(number + (status == "achieved") * 3,
                                            len(self.follow_up_texts) - 1)]
            if status == "at_risk":
                text = self.follow_up_texts[2]
            progress = 100 if status == "achieved" else min(90, 25 * (number + 1))
            author = PEOPLE[self.country][0][0] + " (demo)"
            next_on = day + timedelta(days=next_in_days)
            # A follow-up cannot make a commitment achieved: the demo's completions count as
            # reported and acknowledged at once, by the other party at the next talk.
            commitments.add_follow_up(commitment, occurred_on=day, narrative=text,
                                      author=author, progress=progress, next_follow_up_on=next_on,
                                      status_to=None if status == "achieved" else status)
            if status == "achieved":
                commitments.change_status(commitment, "achieved", reason=text,
                                          actor=PEOPLE[self.country][1][0] + " (demo)")
            self.report.created["follow-ups"] += 1

    # --- indicators -------------------------------------------------------------------------

    def build_indicators(self, programmes) -> None:
        indicators = {link.indicator for p in programmes for link in p.indicators}
        periods = [school_year(school_year_start(self.today) - k) for k in range(5, 0, -1)]
        agency = db.Organisation.get(kind="national_agency", country=self.country)
        weak = self.units[-1]  # one unit per owner shows weak results over time
        for indicator in sorted(indicators, key=lambda i: i.key):
            base, spread = typical_value(indicator, self.country)
            bad = -1 if indicator.direction == "higher_is_better" else 1
            per_period: dict[str, list[float]] = {p: [] for p in periods}
            for unit in self.units:
                level = base + self.rng.gauss(0, spread / 2)
                if unit is weak:
                    level += bad * spread * 1.2
                trend = self.rng.uniform(-0.15, 0.15) * spread
                for number, period in enumerate(periods):
                    value = self.clamp(indicator, level + trend * number
                                       + self.rng.gauss(0, spread / 6))
                    small = unit.kind == "daycare_unit" and number == len(periods) - 1
                    db.Observation(organisation=unit, indicator=indicator, period=period,
                                   value=value, group_size=3 if small
                                   else self.rng.randint(18, 80))
                    per_period[period].append(value)
            for period, values in per_period.items():
                db.Observation(organisation=self.owner, indicator=indicator, period=period,
                               value=self.clamp(indicator, mean(values)),
                               group_size=len(values) * 45)
                if agency is not None and not db.Observation.exists(
                        organisation=agency, indicator=indicator, period=period):
                    national = base + self.rng.gauss(0, spread / 8)
                    db.Observation(organisation=agency, indicator=indicator, period=period,
                                   value=self.clamp(indicator, national))
            self.report.created["observations"] += len(periods) * (len(self.units) + 1)

    @staticmethod
    def clamp(indicator, value: float) -> float:
        if indicator.unit == "percent":
            value = max(0.0, min(100.0, value))
        elif indicator.unit in ("days", "count", "score", "grade"):
            value = max(0.0, value)
        return round(value, indicator.decimals)


def typical_value(indicator, country: str) -> tuple[float, float]:
    """A plausible centre and spread for demo values of an indicator."""
    key = indicator.key
    if indicator.unit == "percent":
        return (12.0, 4.0) if indicator.direction == "lower_is_better" else (78.0, 9.0)
    if indicator.unit == "grade":
        return {"DK": (7.2, 0.8), "NO": (41.0, 2.5), "SE": (225.0, 20.0)}[country]
    if indicator.unit == "score":
        return (50.0, 4.0) if country == "NO" else (60.0, 8.0)
    if indicator.unit == "days":
        return (11.0, 3.0)
    if indicator.unit == "index":
        if "loft" in key or "lift" in key or "socio" in key:
            return (0.0, 0.4)
        return (3.9, 0.25)
    return (100.0, 30.0)
