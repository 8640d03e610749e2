"""Loading the programmes and their vocabularies from seed/ into the database, idempotently.

Every file is read and checked first (shape, then references between files); only then is
anything written, matched by key, touching a row only where a value differs. A second run
therefore changes nothing, and a bad file changes nothing at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import db
from app.i18n import _, _l
from app.meetings.models import PARTICIPANT_ROLES
from app.organisations.services import create_organisation, find_by_code
from app.seeding import schemas
from app.seeding.files import SeedError, load_file

#: The kinds of record a load counts, as the operator reads them.
KIND_LABELS = {
    "agencies": _l("agencies"), "agenda items": _l("agenda items"),
    "commitments": _l("commitments"), "engagements": _l("engagements"),
    "follow-ups": _l("follow-ups"), "indicators": _l("indicators"),
    "meeting types": _l("meeting types"), "meetings": _l("meetings"),
    "minutes sections": _l("minutes sections"), "observations": _l("observations"),
    "owners": _l("school owners"), "phases": _l("phases"),
    "programme indicators": _l("programme indicators"), "programmes": _l("programmes"),
    "reported completions": _l("reported completions"), "required themes": _l("required themes"),
    "themes": _l("themes"), "units": _l("schools and units"), "users": _l("users"),
    "year wheel steps": _l("year wheel steps"),
}
SEED_TITLES = {"Programmes": _l("Programmes"), "Demo": _l("Demo data")}


@dataclass
class SeedReport:
    """What a load did, per kind of record."""

    title: str  # a key of SEED_TITLES
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def summary(self) -> str:
        """One line in the operator's language (kinds in the order of the English keys, so
        the line reads the same way in every language)."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        parts = [_("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged",
                   kind=KIND_LABELS.get(kind, kind), created=self.created[kind],
                   updated=self.updated[kind], unchanged=self.unchanged[kind])
                 for kind in kinds]
        return _("%(title)s: %(counts)s", title=SEED_TITLES.get(self.title, self.title),
                 counts="; ".join(parts) if parts else _("nothing to load"))


@dataclass
class SeedBundle:
    agencies: list[dict]
    themes: list[dict]
    indicators: list[dict]
    programmes: list[dict]


def read_seed(seed_dir: Path) -> SeedBundle:
    """Read and check every seed file; raise one SeedError listing every problem found."""
    problems: list[str] = []

    def attempt(path: Path, schema) -> dict | None:
        try:
            return load_file(path, schema)
        except SeedError as err:
            problems.extend(err.problems)
            return None

    agencies = attempt(seed_dir / "agencies.toml", schemas.AgenciesFile())
    themes = attempt(seed_dir / "themes.toml", schemas.ThemesFile())
    indicators = attempt(seed_dir / "indicators.toml", schemas.IndicatorsFile())
    programme_files = sorted((seed_dir / "programmes").glob("*.toml"))
    programmes = [(path, attempt(path, schemas.ProgrammeFile())) for path in programme_files]
    if agencies is None or themes is None or indicators is None:
        raise SeedError(problems)

    # References are checked in every programme that has the right shape, so one run reports
    # all the problems it can see.
    theme_keys = {theme["key"] for theme in themes["themes"]}
    indicator_keys = {indicator["key"] for indicator in indicators["indicators"]}
    agency_refs = {f"{a['country']}:{a['code']}" for a in agencies["agencies"]}
    seen: dict[str, Path] = {}
    for path, programme in programmes:
        if programme is None:
            continue
        if programme["key"] in seen:
            problems.append(f"{path}: key: programme {programme['key']!r} is also defined in "
                            f"{seen[programme['key']]}")
        seen[programme["key"]] = path
        if programme["run_by"] and programme["run_by"] not in agency_refs:
            problems.append(f"{path}: run_by: no agency {programme['run_by']!r} in agencies.toml")
        for index, required in enumerate(programme["required_themes"]):
            if required["theme"] not in theme_keys:
                problems.append(f"{path}: required_themes #{index + 1}: unknown theme "
                                f"{required['theme']!r} (not in themes.toml)")
        for key in programme["indicators"]:
            if key not in indicator_keys:
                problems.append(f"{path}: indicators: unknown indicator {key!r} "
                                f"(not in indicators.toml)")
        for index, check in enumerate(programme["checks"]):
            for key in check["themes"]:
                if key not in theme_keys:
                    problems.append(f"{path}: checks #{index + 1}: unknown theme {key!r}")
            for key in check["indicators"]:
                if key not in indicator_keys:
                    problems.append(f"{path}: checks #{index + 1}: unknown indicator {key!r}")
            for role in check["roles"]:
                if role not in PARTICIPANT_ROLES:
                    problems.append(f"{path}: checks #{index + 1}: unknown role {role!r}")
        for index, rule in enumerate(programme["weak_results"]):
            if rule["indicator"] not in indicator_keys:
                problems.append(f"{path}: weak_results #{index + 1}: unknown indicator "
                                f"{rule['indicator']!r}")
    if problems:
        raise SeedError(problems)
    return SeedBundle(agencies["agencies"], themes["themes"], indicators["indicators"],
                      [programme for _path, programme in programmes if programme is not None])


def assign(entity, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so an unchanged row keeps its version."""
    changed = False
    for name, value in values.items():
        if getattr(entity, name) != value:
            setattr(entity, name, value)
            changed = True
    return changed


def upsert(report: SeedReport, kind: str, existing, values: dict[str, Any], create):
    if existing is None:
        report.count(kind, "created")
        return create(**values)
    report.count(kind, "updated" if assign(existing, values) else "unchanged")
    return existing


def load_programmes(seed_dir: Path) -> SeedReport:
    """Load agencies, themes, indicators and programmes from ``seed_dir``."""
    bundle = read_seed(seed_dir)
    report = SeedReport("Programmes")
    agencies = {}
    for agency in bundle.agencies:
        found = find_by_code(agency["country"], agency["code"])
        if found is None:
            found = create_organisation(name=agency["name"], kind="national_agency",
                                        country=agency["country"], official_code=agency["code"])
            report.count("agencies", "created")
        else:
            report.count("agencies", "updated" if assign(found, {"name": agency["name"]})
                         else "unchanged")
        agencies[f"{agency['country']}:{agency['code']}"] = found
    themes = {theme["key"]: upsert(report, "themes", db.Theme.get(key=theme["key"]), theme,
                                   db.Theme)
              for theme in bundle.themes}
    indicators = {
        item["key"]: upsert(report, "indicators", db.Indicator.get(key=item["key"]), item,
                            db.Indicator)
        for item in bundle.indicators
    }
    for data in bundle.programmes:
        _load_programme(report, data, agencies, themes, indicators)
    return report


def _load_programme(report: SeedReport, data: dict, agencies: dict, themes: dict,
                    indicators: dict) -> None:
    values = {
        "country": data["country"], "labels": data["labels"],
        "descriptions": data.get("descriptions"), "commitment_terms": data.get("commitment_terms"),
        "cadence": data["cadence"], "duration_months": data["duration_months"],
        "participant_kinds": data["participant_kinds"], "reports": data["reports"] or None,
        "run_by": agencies.get(data["run_by"]) if data["run_by"] else None,
        "checks": data["checks"] or None, "weak_results": data["weak_results"] or None,
    }
    programme = db.Programme.get(key=data["key"])
    programme = upsert(report, "programmes", programme, {"key": data["key"], **values},
                       db.Programme)

    phases = _sync(report, "phases", programme.phases, data["phases"], "key",
                   lambda pos, item: {"key": item["key"], "position": pos,
                                      "labels": item["labels"],
                                      "descriptions": item.get("descriptions")},
                   lambda **v: db.ProgrammePhase(programme=programme, **v),
                   in_use=lambda phase: phase.transitions.count() > 0)
    for position, meeting_type in enumerate(data["meeting_types"], start=1):
        found = db.MeetingType.get(programme=programme, key=meeting_type["key"])
        kind = upsert(report, "meeting types", found, {
            "key": meeting_type["key"], "position": position, "labels": meeting_type["labels"],
            "per_year": meeting_type["per_year"], "confidential": meeting_type["confidential"],
            "phase": phases.get(meeting_type["phase"]),
        }, lambda **v: db.MeetingType(programme=programme, **v))
        _sync(report, "agenda items", kind.agenda_items, meeting_type["agenda"], "key",
              lambda pos, item: {"key": item["key"], "position": pos, "labels": item["labels"],
                                 "duration_minutes": item["minutes"], "party": item["party"],
                                 "kind": item["kind"]},
              lambda _type=kind, **v: db.AgendaTemplateItem(meeting_type=_type, **v))
    _remove_missing(programme.meeting_types, {m["key"] for m in data["meeting_types"]},
                    in_use=lambda kind: kind.meetings.count() > 0, what="meeting type")
    _sync(report, "minutes sections", programme.minutes_sections, data["minutes_sections"], "key",
          lambda pos, item: {"key": item["key"], "position": pos, "labels": item["labels"],
                             "kind": item["kind"]},
          lambda **v: db.MinutesSection(programme=programme, **v))
    _sync(report, "year wheel steps", programme.year_wheel, data["year_wheel"], "key",
          lambda pos, item: {"key": item["key"], "position": pos, "month": item["month"],
                             "labels": item["labels"], "responsible": item["responsible"],
                             "notes": item.get("notes"), "phase": phases.get(item["phase"])},
          lambda **v: db.YearWheelTemplateStep(programme=programme, **v))
    _sync(report, "required themes", programme.required_themes, data["required_themes"],
          "theme",
          lambda pos, item: {"theme": themes[item["theme"]], "party": item["party"],
                             "position": pos},
          lambda **v: db.ProgrammeTheme(programme=programme, **v),
          existing_key=lambda row: row.theme.key)
    _sync(report, "programme indicators", programme.indicators,
          [{"indicator": key} for key in data["indicators"]], "indicator",
          lambda pos, item: {"indicator": indicators[item["indicator"]], "position": pos},
          lambda **v: db.ProgrammeIndicator(programme=programme, **v),
          existing_key=lambda row: row.indicator.key)


def _sync(report, kind, existing_rows, items, key_field, values_for, create,
          in_use=lambda row: False, existing_key=lambda row: row.key) -> dict:
    """Make a programme's child list equal to the file's, by key; returns rows by key."""
    existing = {existing_key(row): row for row in existing_rows}
    rows = {}
    for position, item in enumerate(items, start=1):
        key = item[key_field]
        rows[key] = upsert(report, kind, existing.get(key), values_for(position, item), create)
    _remove_missing(existing.values(), set(rows), in_use=in_use, what=kind,
                    key_of=existing_key)
    return rows


def _remove_missing(rows, keep: set, *, in_use, what: str, key_of=lambda row: row.key) -> None:
    for row in list(rows):
        key = key_of(row)
        if key in keep:
            continue
        if in_use(row):
            raise SeedError([f"{what} {key!r} was removed from its programme file but is in use; "
                             f"restore it in the file (it cannot be deleted)"])
        row.delete()
