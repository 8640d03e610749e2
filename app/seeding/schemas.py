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

    @validates_schema
    def keys_unique_and_phases_known(self, data, **_kwargs):
        errors: dict = {}
        for name in ("phases", "meeting_types", "minutes_sections", "year_wheel", "reports"):
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
        if errors:
            raise ValidationError(errors)


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
