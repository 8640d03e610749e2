"""Programmes out of the API: each practice as data, labels in the reader's language."""

from __future__ import annotations

from app.common import fields
from app.common.refs import Labels, Ref, Stamps, label_field, vocabulary_field
from app.common.schemas import BaseSchema, OutputSchema
from app.organisations.models import COUNTRIES
from app.programmes.models import AGENDA_ITEM_KINDS, CADENCES, MINUTES_SECTION_KINDS, PARTIES


class PhaseOut(OutputSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    position = fields.Integer(required=True)
    name = label_field(required=True)
    labels = fields.Nested(Labels, required=True)


class AgendaTemplateItemOut(OutputSchema):
    key = fields.String(required=True)
    position = fields.Integer(required=True)
    name = label_field(required=True)
    labels = fields.Nested(Labels, required=True)
    duration_minutes = fields.Integer(required=True)
    party = fields.String(required=True)
    party_label = vocabulary_field("party", PARTIES, required=True)
    kind = fields.String(required=True)
    kind_label = vocabulary_field("kind", AGENDA_ITEM_KINDS, required=True)


class MeetingTypeOut(OutputSchema):
    key = fields.String(required=True)
    position = fields.Integer(required=True)
    name = label_field(required=True)
    labels = fields.Nested(Labels, required=True)
    per_year = fields.Integer(allow_none=True, required=True)
    confidential = fields.Boolean(required=True)
    phase = fields.Function(lambda m: m.phase.key if m.phase else None, allow_none=True,
                            required=True)
    agenda = fields.Function(
        lambda m: AgendaTemplateItemOut(many=True).dump(
            sorted(m.agenda_items, key=lambda i: i.position)),
        required=True, metadata={"type": "array", "items": {"type": "object"}})


class MinutesSectionOut(OutputSchema):
    key = fields.String(required=True)
    position = fields.Integer(required=True)
    name = label_field(required=True)
    kind = fields.String(required=True)
    kind_label = vocabulary_field("kind", MINUTES_SECTION_KINDS, required=True)


class YearWheelTemplateOut(OutputSchema):
    key = fields.String(required=True)
    month = fields.Integer(required=True)
    name = label_field(required=True)
    responsible = label_field("responsible", required=True)
    notes = label_field("notes", required=True)


class ProgrammeSummaryOut(Stamps):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name = label_field(required=True)
    labels = fields.Nested(Labels, required=True)
    description = label_field("descriptions", required=True)
    country = fields.String(required=True)
    cadence = fields.String(required=True)
    cadence_label = vocabulary_field("cadence", CADENCES, required=True)
    duration_months = fields.Integer(required=True)
    participant_kinds = fields.List(fields.String(), required=True)
    commitment_term = label_field("commitment_terms", required=True)
    run_by = fields.Nested(Ref, allow_none=True, required=True)


def _ordered(attribute: str, schema: type, key=lambda row: row.position):
    return fields.Function(
        lambda p: schema(many=True).dump(sorted(getattr(p, attribute), key=key)),
        required=True, metadata={"type": "array", "items": {"type": "object"}})


class ProgrammeOut(ProgrammeSummaryOut):
    phases = _ordered("phases", PhaseOut)
    meeting_types = _ordered("meeting_types", MeetingTypeOut)
    minutes_sections = _ordered("minutes_sections", MinutesSectionOut)
    year_wheel = _ordered("year_wheel", YearWheelTemplateOut)
    required_themes = fields.Function(
        lambda p: [{"theme": r.theme.key, "name": Ref().name_of(r.theme), "party": r.party}
                   for r in sorted(p.required_themes, key=lambda r: r.position)],
        required=True, metadata={"type": "array", "items": {"type": "object"}})
    indicators = fields.Function(
        lambda p: [link.indicator.key
                   for link in sorted(p.indicators, key=lambda link: link.position)],
        required=True, metadata={"type": "array", "items": {"type": "string"}})
    reports = fields.Function(lambda p: p.reports or [], required=True,
                              metadata={"type": "array", "items": {"type": "object"}})


class ProgrammeQuery(BaseSchema):
    country = fields.String(validate=fields.one_of(COUNTRIES))
