"""A synthetic Nordic dataset at national scale, reproducible from a seed.

At full size: the compulsory schools of Denmark (about 1,070), Norway (about 2,280) and
Sweden (about 4,800) under about 750 owners (municipalities and independent owners), beside the
three national agencies; per school and school year an engagement (Danish and Norwegian schools
in their country's annual programme; Swedish schools' commitments belong to their owner's
Skoldialogen cooperation with Skolverket), a talk, about five commitments with about four
follow-ups each, and a year of indicator values.

Rows are written in bulk (``app.seeding.bulk``) but keep the model's invariants: every row has
its created/updated stamps and a version counting its changes, every commitment has its history
(recorded, each status change, each follow-up), phases have their dated transitions and year
wheels come from the programme's template. The whole load is one transaction.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from statistics import mean

from flask import current_app
from pony.orm import flush, select

from app.commitments.status import OPEN
from app.db import db
from app.organisations.models import COUNTRY_TIME_ZONES
from app.seeding import bulk
from app.seeding.demo import DemoOwner, school_year, school_year_start, typical_value
from app.seeding.files import SeedError, load_file
from app.seeding.schemas import DemoContentFile

#: Full size: schools and owners per country (owners include independent school owners).
FULL = {"DK": (1070, 150), "NO": (2280, 370), "SE": (4800, 230)}
FULL_SCHOOLS = sum(schools for schools, _owners in FULL.values())
PROGRAMMES = {"DK": "dk_skoleudviklingssamtale", "NO": "no_stavanger_dialogmote",
              "SE": "se_skoldialogen"}
COMMITMENTS_PER_SCHOOL_YEAR = 5
INDICATORS_PER_SCHOOL_YEAR = 10

TOWN = {
    "DK": (("Hol", "Vest", "Nør", "Sø", "Ring", "Bor", "Lyng", "Skov", "Ås", "Bjerg", "Hjør"),
           ("by", "sted", "rup", "løse", "bæk", "holm", "strup", "ring", "vig")),
    "NO": (("Ås", "Berg", "Fjell", "Lund", "Vik", "Strand", "Sand", "Nord", "Hauge", "Sol"),
           ("vik", "dal", "berg", "nes", "stad", "heim", "øy", "fjord", "li")),
    "SE": (("Björk", "Ek", "Lind", "Sjö", "Norr", "Väst", "Berg", "Hag", "Ås", "Sol", "Gran"),
           ("by", "köping", "vik", "holm", "sala", "torp", "å", "hult", "näs")),
}
OWNER_NAME = {"DK": ("{} Kommune", "Friskolen i {}"), "NO": ("{} kommune", "{} friskole AS"),
              "SE": ("{} kommun", "Friskolan {} AB")}
SCHOOL_NAME = {"DK": ("{} Skole", "{}skolen"), "NO": ("{} skole", "{} barneskole"),
               "SE": ("{}skolan", "{} grundskola")}
PEOPLE = {"DK": ("Mette Løvgren", "Anders Kjær"), "NO": ("Ingrid Sæther", "Kjetil Aasen"),
          "SE": ("Annika Berg", "Karin Lindqvist")}
#: How last years' commitments ended (weights); the last cycle leaves a few still open.
FATES = (("achieved", 60), ("not_achieved", 20), ("cancelled", 8), ("achieved_late", 12))

COLUMNS = {
    "organisation": ("id", "parent", "path", "kind", "country", "name", "official_code",
                     "time_zone", "is_demo", "created_at", "updated_at", "version"),
    "engagement": ("id", "programme", "organisation", "period", "starts_on", "ends_on", "status",
                   "current_phase", "previous", "created_at", "updated_at", "version"),
    "phase_transition": ("id", "engagement", "phase", "occurred_on", "note", "created_at",
                         "updated_at", "version"),
    "year_wheel_step": ("id", "engagement", "template_step", "position", "month", "labels",
                        "title", "responsible", "done", "done_on", "notes", "created_at",
                        "updated_at", "version"),
    "meeting": ("id", "engagement", "meeting_type", "title", "starts_at", "ends_at", "place",
                "status", "confidential", "minutes_revision", "held_at", "approved_at",
                "published_at", "created_at", "updated_at", "version"),
    "commitment": ("id", "engagement", "meeting", "title", "background", "actions", "theme",
                   "responsible_organisation", "responsible_person", "binding", "corrective",
                   "scope", "success_criterion", "due_date", "follow_up_interval_days",
                   "next_follow_up_on", "status", "progress", "confidential", "created_at",
                   "updated_at", "version"),
    "follow_up": ("id", "commitment", "occurred_on", "author", "status_to", "progress",
                  "narrative", "next_follow_up_on", "created_at", "updated_at", "version"),
    "commitment_event": ("id", "commitment", "occurred_at", "kind", "from_status", "to_status",
                         "reason", "changes", "actor", "created_at", "updated_at", "version"),
    "observation": ("id", "organisation", "indicator", "period", "value", "group_size",
                    "confidential", "created_at", "updated_at", "version"),
}


def split(total: int, shares: list[int]) -> list[int]:
    """``total`` divided in proportion to ``shares`` (largest remainders), summing to it."""
    whole = sum(shares)
    exact = [total * share / whole for share in shares]
    parts = [int(x) for x in exact]
    for index in sorted(range(len(shares)), key=lambda i: parts[i] - exact[i])[:total - sum(parts)]:
        parts[index] += 1
    return parts


@dataclass
class OwnerPlan:
    country: str
    number: int
    independent: bool
    schools: int


@dataclass
class Plan:
    """Who exists, before any row: countries, owners and how many schools each runs."""

    schools: int
    years: int
    seed: int
    today: date
    owners: list[OwnerPlan] = field(default_factory=list)

    @classmethod
    def make(cls, schools: int, years: int, seed: int, today: date) -> Plan:
        plan = cls(schools, years, seed, today)
        rng = random.Random(f"plan-{seed}")
        countries = list(FULL)
        per_country = split(schools, [FULL[c][0] for c in countries])
        for country, count in zip(countries, per_country, strict=True):
            if not count:
                continue
            owners = max(1, min(count, round(FULL[country][1] * schools / FULL_SCHOOLS)))
            # Few large owners, many small ones; every owner runs at least one school.
            weights = [rng.lognormvariate(0, 1) for _ in range(owners)]
            sizes = [1 + part for part in split(count - owners, [int(w * 1000) + 1
                                                                  for w in weights])]
            for number, size in enumerate(sizes, start=1):
                plan.owners.append(OwnerPlan(country, number, rng.random() < 0.15, size))
        return plan


class SyntheticLoad:
    """Writes a plan's rows; ``run()`` yields after each owner (for a progress bar)."""

    def __init__(self, plan: Plan, engine: str) -> None:
        self.plan = plan
        self.engine = engine
        self.rng = random.Random(plan.seed)
        self.now = datetime.combine(plan.today, time(6, 0))
        self.current_start = school_year_start(plan.today)
        self.starts = list(range(self.current_start - plan.years + 1, self.current_start + 1))
        self.counts: dict[str, int] = {}

    # --- reference data, read once ----------------------------------------------------------

    def read_reference(self) -> None:
        prefix = f"syn{self.plan.seed}-"
        if select(o for o in db.Organisation if o.official_code.startswith(prefix)).exists():
            raise SeedError([f"a synthetic dataset with seed {self.plan.seed} is already "
                             "loaded: choose another seed or start from an empty database"])
        content = load_file(Path(current_app.config["SEED_DIR"]) / "demo_content.toml",
                            DemoContentFile())
        self.pool = {c: [x for x in content["commitments"] if x["country"] == c] for c in FULL}
        self.follow_up_texts = content["follow_ups"]
        self.themes = {t.key: t.id for t in db.Theme.select()}
        self.agencies = {a.country: a.id for a in db.Organisation.select(
            kind="national_agency")}
        self.programmes = {}
        for country, key in PROGRAMMES.items():
            programme = db.Programme.get(key=key)
            if programme is None:
                raise SeedError([f"programme {key} is missing: run `flask seed programmes`"])
            self.programmes[country] = {
                "id": programme.id,
                "phases": [p.id for p in sorted(programme.phases, key=lambda p: p.position)],
                "meeting_types": [(m.id, m.confidential) for m in
                                  sorted(programme.meeting_types, key=lambda m: m.position)],
                "steps": [(s.id, s.position, s.month, dict(s.labels)) for s in
                          sorted(programme.year_wheel, key=lambda s: s.position)],
                "months": programme.duration_months,
            }
        self.indicators = {}
        every = sorted(db.Indicator.select(), key=lambda i: i.key)
        for country in FULL:
            found = [i for i in every if i.country in (country, None)]
            self.indicators[country] = [(i.id, typical_value(i, country), i)
                                        for i in found][:INDICATORS_PER_SCHOOL_YEAR]
        self.national_taken = set(select((o.organisation.id, o.indicator.id, o.period)
                                         for o in db.Observation
                                         if o.organisation.kind == "national_agency"))

    # --- the load -----------------------------------------------------------------------------

    def run(self) -> Iterator[OwnerPlan]:
        flush()
        connection = db.get_connection()
        self.read_reference()
        self.ids = bulk.next_ids(connection, bulk.ORDER)
        self.writer = bulk.BulkWriter(connection, self.engine, COLUMNS)
        for owner in self.plan.owners:
            self.build_owner(owner)
            self.writer.maybe_flush()
            yield owner
        self.writer.flush()
        bulk.reset_sequences(connection, self.engine, bulk.ORDER)
        # The planner's statistics describe the empty tables until they are gathered again.
        connection.cursor().execute("ANALYZE")
        self.counts = dict(self.writer.written)

    def new_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def stamp(self, moment: datetime) -> datetime:
        return min(moment, self.now)

    def town(self) -> str:
        first, second = TOWN[self.current_country]
        return self.rng.choice(first) + self.rng.choice(second)

    def organisation(self, kind: str, name: str, code: str, parent: tuple | None) -> tuple:
        ident = self.new_id("organisation")
        path = f"{parent[1] if parent else '/'}{ident}/"
        created = datetime(self.starts[0] - 1, 6, 1, 8)
        self.writer.add("organisation", (
            ident, parent[0] if parent else None, path, kind, self.current_country, name, code,
            COUNTRY_TIME_ZONES[self.current_country], False, created, created, 1))
        return ident, path, name

    def build_owner(self, plan: OwnerPlan) -> None:
        country = self.current_country = plan.country
        code = f"syn{self.plan.seed}-{country.lower()}"
        town = self.town()
        owner = self.organisation(
            "school_owner", OWNER_NAME[country][plan.independent].format(town),
            f"{code}-o{plan.number}", None)
        schools = []
        for number in range(plan.schools):
            pattern = SCHOOL_NAME[country][number % 2]
            name = pattern.format(self.town() if number else town)
            schools.append(self.organisation(
                "school", name, f"{code}-o{plan.number}-s{number + 1}", owner))
        programme = self.programmes[country]
        if country == "SE":
            self.build_cooperation(owner, schools, programme)
        else:
            for school in schools:
                previous = None
                for start in self.starts:
                    engagement = self.engagement(programme, school[0], school_year(start),
                                                 date(start, 8, 1), None, previous)
                    previous = engagement
                    talk = self.talk_day(start)
                    meeting = self.meeting(engagement, programme["meeting_types"][0], talk,
                                           school[2])
                    if meeting:
                        self.commitments(engagement, meeting, school, owner, talk, start)
        self.observations(owner, schools)

    def talk_day(self, start: int) -> date:
        return date(start, 9, 1) + timedelta(days=self.rng.randint(0, 60))

    def build_cooperation(self, owner, schools, programme) -> None:
        """Skoldialogen: three-year cooperations between the owner and Skolverket; the
        schools' commitments are agreed in the owner's yearly meeting."""
        years = max(1, programme["months"] // 12)
        engagement, previous, cycle_start = None, None, None
        for start in self.starts:
            if engagement is None or start - cycle_start >= years:
                cycle_start = start
                ends = date(start + years, 8, 31)
                engagement = self.engagement(programme, owner[0], f"{start}-{start + years}",
                                             date(start, 9, 1), ends, previous, years)
                previous = engagement
            kinds = programme["meeting_types"]
            kind = kinds[0] if start == cycle_start or len(kinds) == 1 else kinds[1]
            talk = self.talk_day(start)
            meeting = self.meeting(engagement, kind, talk, owner[2])
            if meeting:
                for school in schools:
                    self.commitments(engagement, meeting, school, owner, talk, start)

    def engagement(self, programme, organisation: int, period: str, starts_on: date,
                   ends_on: date | None, previous: int | None, years: int = 1) -> int:
        ident = self.new_id("engagement")
        last_start = starts_on.year + years - 1
        finished = last_start < self.current_start
        phases = programme["phases"]
        created = datetime.combine(starts_on, time(8))
        # Dated transitions: the first phase at the start, then one step per two months.
        transitions = [(phases[0], starts_on)]
        for number, phase in enumerate(phases[1:], start=1):
            day = starts_on + timedelta(days=55 * number * years)
            if day > self.plan.today:
                break
            transitions.append((phase, day))
        for phase, day in transitions:
            moment = datetime.combine(day, time(9))
            self.writer.add("phase_transition", (self.new_id("phase_transition"), ident, phase,
                                                 day, "", moment, moment, 1))
        status = "completed" if finished else "active"
        changed = datetime.combine(transitions[-1][1], time(9))
        self.writer.add("engagement", (
            ident, programme["id"], organisation, period, starts_on,
            ends_on or (date(last_start + 1, 7, 31) if finished else None), status,
            transitions[-1][0], previous, created, self.stamp(changed), len(transitions)))
        for step, position, month, labels in programme["steps"]:
            year = starts_on.year if month >= 8 else starts_on.year + 1
            day = date(year, month, 15)
            done = day <= self.plan.today
            moment = datetime.combine(day, time(10)) if done else created
            self.writer.add("year_wheel_step", (
                self.new_id("year_wheel_step"), ident, step, position, month, labels, None, "",
                done, day if done else None, "", created, moment, 2 if done else 1))
        return ident

    def meeting(self, engagement: int, kind: tuple, day: date, place: str) -> int | None:
        """The year's talk; None when it has not been held yet (no commitments then)."""
        ident = self.new_id("meeting")
        starts = datetime.combine(day, time(7))
        held = day < self.plan.today
        approved = day + timedelta(days=14) < self.plan.today
        status = "minutes_approved" if approved else "held" if held else "planned"
        created = starts - timedelta(days=30)
        held_at = starts + timedelta(hours=3) if held else None
        approved_at = starts + timedelta(days=14) if approved else None
        updated = approved_at or held_at or created
        self.writer.add("meeting", (
            ident, engagement, kind[0], "", starts, starts + timedelta(hours=3), place, status,
            kind[1], 1, held_at, approved_at, None, created, updated,
            1 + bool(held) + bool(approved)))
        return ident if held else None

    def commitments(self, engagement: int, meeting: int, school, owner, talk: date,
                    start: int) -> None:
        rng, country = self.rng, self.current_country
        person, other = PEOPLE[country]
        texts = self.follow_up_texts[country]
        last_cycle = start == self.current_start - 1
        for _number in range(COMMITMENTS_PER_SCHOOL_YEAR):
            item = rng.choice(self.pool[country])
            ident = self.new_id("commitment")
            central = rng.random() < 0.1
            interval = rng.choice((30, 45, 60, 90))
            due = talk + timedelta(days=rng.choice((120, 180, 240, 300)))
            agreed_at = datetime.combine(talk, time(10))
            events = [(agreed_at, "created", None, "agreed", "", None)]
            status, progress, next_on, version, updated = "agreed", 0, \
                talk + timedelta(days=interval), 1, agreed_at
            planned = rng.choice((3, 4, 4, 5, 5, 6))
            step = max(14, (due - talk).days // (planned + 1))
            if start < self.current_start:
                fate = rng.choices([f for f, _w in FATES], [w for _f, w in FATES])[0]
                if last_cycle and rng.random() < 0.08:
                    fate = rng.choice(("in_progress", "at_risk"))  # still open, overdue
            else:
                fate = rng.choices(("in_progress", "at_risk", "agreed"), (70, 20, 10))[0]
            for number in range(planned if fate != "agreed" else 0):
                day = talk + timedelta(days=step * (number + 1) + rng.randint(0, 6))
                if day >= self.plan.today:
                    break
                status_to = None
                if status == "agreed":
                    status_to = "in_progress"
                elif fate == "at_risk" and number == planned - 1 and status != "at_risk":
                    status_to = "at_risk"
                moment = datetime.combine(day, time(13))
                progress = min(95, progress + rng.randint(10, 30))
                next_on = day + timedelta(days=interval)
                text = texts[min(number, len(texts) - 1)]
                self.writer.add("follow_up", (
                    self.new_id("follow_up"), ident, day, person, status_to, progress, text,
                    next_on, moment, moment, 1))
                if status_to:
                    events.append((moment, "status_changed", status, status_to, text, None))
                    status = status_to
                events.append((moment, "follow_up", None, None, "",
                               {"follow_up_on": day.isoformat(), "progress": progress}))
                version, updated = version + 1, moment
            final = "achieved" if fate == "achieved_late" else fate
            if final not in OPEN:
                closed_on = due + timedelta(days=30 if fate == "achieved_late" else 0)
                if closed_on < self.plan.today:
                    moment = datetime.combine(closed_on, time(11))
                    events.append((moment, "status_changed", status, final, texts[-1], None))
                    status, next_on, version, updated = final, None, version + 1, moment
                    if final == "achieved":
                        progress = 100
            self.writer.add("commitment", (
                ident, engagement, meeting, item["title"], item["background"], item["actions"],
                self.themes.get(item["theme"]), owner[0] if central else school[0],
                other if central else person, True, False, "central" if central else "local",
                item["success_criterion"], due, interval, next_on if status in OPEN else None,
                status, progress, rng.random() < 0.03, agreed_at, updated, version))
            for moment, kind, before, after, reason, changes in events:
                self.writer.add("commitment_event", (
                    self.new_id("commitment_event"), ident, moment, kind, before, after, reason,
                    changes, other if kind == "status_changed" and after not in OPEN else person,
                    moment, moment, 1))

    def observations(self, owner, schools) -> None:
        rng, country = self.rng, self.current_country
        for indicator, (base, spread), entity in self.indicators[country]:
            per_period: dict[str, list[float]] = {}
            for school in schools:
                level = base + rng.gauss(0, spread / 2)
                trend = rng.uniform(-0.1, 0.1) * spread
                for number, start in enumerate(self.starts):
                    period = school_year(start)
                    value = clamp(entity, level + trend * number + rng.gauss(0, spread / 6))
                    self.add_observation(school[0], indicator, period, value,
                                         rng.randint(18, 80), start)
                    per_period.setdefault(period, []).append(value)
            for number, (period, values) in enumerate(per_period.items()):
                start = self.starts[number]
                self.add_observation(owner[0], indicator, period, clamp(entity, mean(values)),
                                     len(values) * 45, start)
                agency = self.agencies.get(country)
                if agency and (agency, indicator, period) not in self.national_taken:
                    self.national_taken.add((agency, indicator, period))
                    self.add_observation(agency, indicator, period,
                                         clamp(entity, base + rng.gauss(0, spread / 8)), None,
                                         start)

    def add_observation(self, organisation, indicator, period, value, group_size, start):
        moment = self.stamp(datetime(start + 1, 6, 30, 12))
        self.writer.add("observation", (self.new_id("observation"), organisation, indicator,
                                        period, value, group_size, False, moment, moment, 1))


clamp = DemoOwner.clamp
