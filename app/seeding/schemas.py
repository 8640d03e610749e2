"""Schemas for the seed files (see seed/README.md): every field typed, nothing unknown allowed.

Only the shape of each file is checked here; references between files (a theme a programme
requires, an agency that runs it) are checked by the loader once every file is read.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.i18n import LANGUAGES
from app.indicators.models import DIRECTIONS, UNITS
from app.organisations.models import COUNTRIES, KINDS
from app.programmes.models import AGENDA_ITEM_KINDS, CADENCES, MINUTES_SECTION_KINDS, PARTIES

KEY = validate.Regexp(r"^[a-z0-9_]+$", error="Keys use a-z, 0-9 and _ only.")

REPORT_CONTENTS = (
    "national_tests", "grades", "learning_environment", "dropout", "well_being", "absence",
    "commitments", "follow_up", "agreement", "current_state_analysis", "action_plan",
    "initiatives", "indicator_development", "political_discussion",
)


class Strict(Schema):
    class Meta:
        unknown = RAISE


def _text(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1), **kwargs)


class LabelsSchema(Strict):
    """A text in every language Nordialog speaks; none may be missing or empty."""

    en = _text(required=True)
    da = _text(required=True)
    nb = _text(required=True)
    sv = _text(required=True)


assert tuple(LabelsSchema().fields) == LANGUAGES


def translated(required: bool = True) -> fields.Nested:
    return fields.Nested(LabelsSchema, required=required)


def unique_keys(items: list[dict], field: str = "key") -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = item.get(field)
        if key in seen:
            raise ValidationError({index: {field: [f"Duplicate {field} {key!r}."]}})
        seen.add(key)


class AgencySchema(Strict):
    code = fields.String(required=True, validate=KEY)
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    name = _text(required=True)


class AgenciesFile(Strict):
    agencies = fields.List(fields.Nested(AgencySchema), required=True)


class ThemeSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    labels = translated()


class ThemesFile(Strict):
    themes = fields.List(fields.Nested(ThemeSchema), required=True)

    @validates_schema
    def keys_unique(self, data, **_kwargs):
        unique_keys(data["themes"])


class IndicatorSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    labels = translated()
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    country = fields.String(validate=validate.OneOf(COUNTRIES), load_default=None)
    source = _text(required=True)
    confidential = fields.Boolean(load_default=False)
    min_group_size = fields.Integer(load_default=0, validate=validate.Range(min=0))
    decimals = fields.Integer(load_default=1, validate=validate.Range(min=0, max=4))


class IndicatorsFile(Strict):
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True)

    @validates_schema
    def keys_unique(self, data, **_kwargs):
        unique_keys(data["indicators"])


class PhaseSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    labels = translated()
    descriptions = translated(required=False)


class AgendaItemSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(AGENDA_ITEM_KINDS))
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))
    minutes = fields.Integer(required=True, validate=validate.Range(min=0, max=600))
    labels = translated()


class MeetingTypeSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    labels = translated()
    per_year = fields.Integer(validate=validate.Range(min=1, max=52), load_default=None)
    confidential = fields.Boolean(load_default=False)
    phase = fields.String(validate=KEY, load_default=None)
    agenda = fields.List(fields.Nested(AgendaItemSchema), required=True,
                         validate=validate.Length(min=1))

    @validates_schema
    def keys_unique(self, data, **_kwargs):
        unique_keys(data["agenda"])


class MinutesSectionSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(MINUTES_SECTION_KINDS))
    labels = translated()


class RequiredThemeSchema(Strict):
    theme = fields.String(required=True, validate=KEY)
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))


class YearWheelStepSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))
    labels = translated()
    responsible = translated()
    notes = translated(required=False)
    phase = fields.String(validate=KEY, load_default=None)


class ReportSchema(Strict):
    key = fields.String(required=True, validate=KEY)
    labels = translated()
    required_contents = fields.List(fields.String(validate=validate.OneOf(REPORT_CONTENTS)),
                                    load_default=list)


#: What a check looks at (app/checks/rules.py); each kind uses some of the list fields.
CHECK_KINDS = ("themes_discussed", "evaluation_present", "participant_invited",
               "party_themes_present", "agenda_minutes_present", "indicators_present",
               "year_wheel_steps_done", "year_wheel_on_time")
CHECK_SCOPES = ("meeting", "report", "phase")


class CheckSchema(Strict):
    """Something a meeting (before its minutes are approved), a report (before sign-off) or a
    phase (before the engagement enters it) should have; a miss is a warning, not a refusal."""

    key = fields.String(required=True, validate=KEY)
    labels = translated()
    applies_to = fields.String(required=True, validate=validate.OneOf(CHECK_SCOPES))
    kind = fields.String(required=True, validate=validate.OneOf(CHECK_KINDS))
    meeting_types = fields.List(fields.String(validate=KEY), load_default=list)
    report = fields.String(validate=KEY, load_default=None)
    phase = fields.String(validate=KEY, load_default=None)
    themes = fields.List(fields.String(validate=KEY), load_default=list)
    roles = fields.List(fields.String(validate=KEY), load_default=list)
    parties = fields.List(fields.String(validate=validate.OneOf(PARTIES)), load_default=list)
    indicators = fields.List(fields.String(validate=KEY), load_default=list)
    meeting_type = fields.String(validate=KEY, load_default=None)
    items = fields.List(fields.String(validate=KEY), load_default=list)
    steps = fields.List(fields.String(validate=KEY), load_default=list)


class WeakResultsRuleSchema(Strict):
    indicator = fields.String(required=True, validate=KEY)
    # Worse than a fixed value, than the owner's value, or than the country's value.
    compare_to = fields.String(required=True,
                               validate=validate.OneOf(("threshold", "owner", "country")))
    threshold = fields.Float(load_default=None, allow_nan=False)
    periods = fields.Integer(required=True, validate=validate.Range(min=1, max=20))

    @validates_schema
    def threshold_when_needed(self, data, **_kwargs):
        if (data.get("compare_to") == "threshold") != (data.get("threshold") is not None):
            raise ValidationError({"threshold": [
                "Give threshold exactly when compare_to is \"threshold\"."]})


class ProgrammeFile(Strict):
    key = fields.String(required=True, validate=KEY)
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    cadence = fields.String(required=True, validate=validate.OneOf(CADENCES))
    duration_months = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    participant_kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)),
                                    required=True, validate=validate.Length(min=1))
    run_by = fields.String(load_default=None,
                           validate=validate.Regexp(r"^[A-Z]{2}:[a-z0-9_]+$",
                                                    error="Use COUNTRY:code, e.g. SE:skolverket."))
    labels = translated()
    descriptions = translated(required=False)
    commitment_terms = translated(required=False)
    phases = fields.List(fields.Nested(PhaseSchema), required=True,
                         validate=validate.Length(min=1))
    meeting_types = fields.List(fields.Nested(MeetingTypeSchema), required=True,
                                validate=validate.Length(min=1))
    minutes_sections = fields.List(fields.Nested(MinutesSectionSchema), load_default=list)
    required_themes = fields.List(fields.Nested(RequiredThemeSchema), load_default=list)
    indicators = fields.List(fields.String(validate=KEY), load_default=list)
    year_wheel = fields.List(fields.Nested(YearWheelStepSchema), load_default=list)
    reports = fields.List(fields.Nested(ReportSchema), load_default=list)
    checks = fields.List(fields.Nested(CheckSchema), load_default=list)
    weak_results = fields.List(fields.Nested(WeakResultsRuleSchema), load_default=list)

    @validates_schema
    def keys_unique_and_phases_known(self, data, **_kwargs):
        errors: dict = {}
        for name in ("phases", "meeting_types", "minutes_sections", "year_wheel", "reports",
                     "checks"):
            try:
                unique_keys(data.get(name, []))
            except ValidationError as err:
                errors[name] = err.messages
        try:
            unique_keys(data.get("required_themes", []), field="theme")
        except ValidationError as err:
            errors["required_themes"] = err.messages
        if len(set(data.get("indicators", []))) != len(data.get("indicators", [])):
            errors["indicators"] = ["An indicator is listed twice."]
        phase_keys = {phase["key"] for phase in data.get("phases", [])}
        for name in ("meeting_types", "year_wheel"):
            for index, item in enumerate(data.get(name, [])):
                if item.get("phase") and item["phase"] not in phase_keys:
                    errors.setdefault(name, {})[index] = {
                        "phase": [f"Unknown phase {item['phase']!r}."]}
        for index, check in enumerate(data.get("checks", [])):
            problems = check_references(check, data, phase_keys)
            if problems:
                errors.setdefault("checks", {})[index] = problems
        if errors:
            raise ValidationError(errors)


def check_references(check: dict, programme: dict, phase_keys: set) -> dict:
    """What a check names that its programme does not have (themes, indicators and roles are
    checked by the loader against their own files)."""
    problems: dict = {}
    types = {t["key"]: {item["key"] for item in t.get("agenda", [])}
             for t in programme.get("meeting_types", [])}
    reports = {r["key"] for r in programme.get("reports", [])}
    steps = {s["key"] for s in programme.get("year_wheel", [])}
    scope = check.get("applies_to")
    if scope == "meeting" and not check.get("meeting_types"):
        problems["meeting_types"] = ["A meeting check names its meeting types."]
    for key in check.get("meeting_types", []):
        if key not in types:
            problems["meeting_types"] = [f"Unknown meeting type {key!r}."]
    if scope == "report" and check.get("report") not in reports:
        problems["report"] = [f"Unknown report {check.get('report')!r}."]
    if scope == "phase" and check.get("phase") not in phase_keys:
        problems["phase"] = [f"Unknown phase {check.get('phase')!r}."]
    if check.get("kind") == "agenda_minutes_present":
        agenda = types.get(check.get("meeting_type") or "")
        if agenda is None and scope != "meeting":
            problems["meeting_type"] = [f"Unknown meeting type {check.get('meeting_type')!r}."]
        elif agenda is not None and not set(check.get("items", [])) <= agenda:
            problems["items"] = ["An agenda item is not in that meeting type's agenda."]
    for key in check.get("steps", []):
        if key not in steps:
            problems["steps"] = [f"Unknown year-wheel step {key!r}."]
    return problems


class DemoUnitSchema(Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = _text(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class DemoOwnerSchema(Strict):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = _text(required=True)
    programmes = fields.List(fields.String(validate=KEY), required=True,
                             validate=validate.Length(min=1))
    units = fields.List(fields.Nested(DemoUnitSchema), required=True,
                        validate=validate.Length(min=1))

    @validates_schema
    def codes_unique(self, data, **_kwargs):
        unique_keys(data["units"], field="code")


class DemoFile(Strict):
    owners = fields.List(fields.Nested(DemoOwnerSchema), required=True)

    @validates_schema
    def codes_unique(self, data, **_kwargs):
        unique_keys(data["owners"], field="code")


class DemoCommitmentSchema(Strict):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    theme = fields.String(required=True, validate=KEY)
    title = _text(required=True)
    background = _text(required=True)
    actions = _text(required=True)
    success_criterion = _text(required=True)


class DemoMinutesSchema(Strict):
    opening = _text(required=True)
    evaluation = _text(required=True)
    data = _text(required=True)
    theme = _text(required=True)
    agreements = _text(required=True)
    other = _text(required=True)


class DemoReasonsSchema(Strict):
    carry_over = _text(required=True)
    cancelled = _text(required=True)


class DemoContentFile(Strict):
    commitments = fields.List(fields.Nested(DemoCommitmentSchema), required=True)
    minutes = fields.Dict(keys=fields.String(validate=validate.OneOf(COUNTRIES)),
                          values=fields.Nested(DemoMinutesSchema), required=True)
    follow_ups = fields.Dict(keys=fields.String(validate=validate.OneOf(COUNTRIES)),
                             values=fields.List(_text(), validate=validate.Length(min=4)),
                             required=True)
    reasons = fields.Dict(keys=fields.String(validate=validate.OneOf(COUNTRIES)),
                          values=fields.Nested(DemoReasonsSchema), required=True)


class DemoUserSchema(Strict):
    email = fields.Email(required=True)
    name = _text(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    role = fields.String(required=True, validate=validate.OneOf(
        ("administrator", "agency_officer", "school_office", "school_leader", "board_member")))
    organisation = fields.String(load_default=None, validate=validate.Regexp(
        r"^[A-Z]{2}:.+$", error="Use COUNTRY:code, e.g. DK:DEMO-DK-336."))


class DemoUsersFile(Strict):
    password = fields.String(required=True, validate=validate.Length(min=12))
    users = fields.List(fields.Nested(DemoUserSchema), required=True)

    @validates_schema
    def emails_unique(self, data, **_kwargs):
        unique_keys(data["users"], field="email")
