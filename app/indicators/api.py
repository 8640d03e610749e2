"""/api/v1/indicators and /api/v1/observations"""

from __future__ import annotations

import re

from app.accounts.access import AccessRefused, require, visible_observations
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    fetch,
    idempotent,
    page_of,
    require_absent,
    require_if_match,
    signed_in,
    with_etag,
)
from app.common import fields
from app.common.model import by_key
from app.common.refs import Labels, Ref, Stamps, label_field, page_schema
from app.common.schemas import BaseSchema, OutputSchema
from app.db import db
from app.errors import InvalidInput
from app.i18n import _
from app.indicators import importing, services
from app.indicators.importing import ImportRefused, ImportReport
from app.indicators.models import DIRECTIONS, UNITS
from app.indicators.presets import get_preset, presets
from app.indicators.reading import Unreadable, uploaded_table
from app.organisations.models import COUNTRIES
from app.organisations.services import get_organisation

blp = ApiBlueprint("Indicators", __name__, url_prefix="/api/v1",
                   description="Indicator definitions and the values organisations report.")


class IndicatorOut(Stamps):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name = label_field(required=True)
    labels = fields.Nested(Labels, required=True)
    unit = fields.String(required=True)
    direction = fields.String(required=True)
    country = fields.String(allow_none=True, required=True)
    source = fields.String(required=True)
    confidential = fields.Boolean(required=True)
    min_group_size = fields.Integer(required=True)
    decimals = fields.Integer(required=True)


class IndicatorQuery(PageQuery):
    country = fields.String(validate=fields.one_of(COUNTRIES))
    unit = fields.String(validate=fields.one_of(UNITS))
    direction = fields.String(validate=fields.one_of(DIRECTIONS))


@blp.get("/indicators")
@blp.arguments(IndicatorQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(IndicatorOut))
@blp.doc(security=[])
def list_indicators(page=1, per_page=50, country=None, unit=None, direction=None):
    """Indicator definitions are public (their values are not)."""
    query = db.Indicator.select()
    if country:
        query = query.filter(lambda i: i.country == country or i.country is None)
    if unit:
        query = query.filter(lambda i: i.unit == unit)
    if direction:
        query = query.filter(lambda i: i.direction == direction)
    return page_of(query.order_by(lambda i: i.key), {"page": page, "per_page": per_page})


@blp.get("/indicators/<id:indicator_id>")
@blp.response(200, IndicatorOut)
@blp.doc(security=[])
def get_indicator(indicator_id):
    return with_etag(services.get_indicator(indicator_id))


class LabelsIn(BaseSchema):
    """An indicator's name in every language Nordialog speaks: none may be missing."""

    en = fields.String(required=True, validate=fields.length(min=1, max=300))
    da = fields.String(required=True, validate=fields.length(min=1, max=300))
    nb = fields.String(required=True, validate=fields.length(min=1, max=300))
    sv = fields.String(required=True, validate=fields.length(min=1, max=300))


class IndicatorIn(BaseSchema):
    labels = fields.Nested(LabelsIn, required=True)
    unit = fields.String(required=True, validate=fields.one_of(UNITS))
    direction = fields.String(required=True, validate=fields.one_of(DIRECTIONS))
    country = fields.String(allow_none=True, load_default=None,
                            validate=fields.one_of(COUNTRIES))
    source = fields.String(required=True, validate=fields.length(min=1, max=200))
    confidential = fields.Boolean(load_default=False)
    min_group_size = fields.Integer(load_default=0, validate=fields.between(0, 10_000))
    decimals = fields.Integer(load_default=1, validate=fields.between(0, 4))


@blp.put("/indicators/<string:key>")
@blp.arguments(IndicatorIn)
@blp.response(200, IndicatorOut)
@blp.alt_response(201, schema=IndicatorOut, description="Defined")
def put_indicator(data, key):
    """Define (201, with `If-None-Match: *`) or redefine (200, with `If-Match` and the ETag
    read) an indicator by its key: administrators only."""
    if not signed_in().is_admin():
        raise AccessRefused(_("You do not have access to this."), audit={"entity": "Indicator"})
    existing = by_key(db.Indicator, key)
    require_absent(existing)
    if existing is not None:
        # Checked before the change: the lock-and-read sees the version as it was read.
        require_if_match(existing)
    indicator, created = services.define_indicator(key, data)
    return with_etag(indicator, 201 if created else 200)


class ObservationOut(Stamps):
    id = fields.Integer(required=True)
    organisation = fields.Nested(Ref, required=True)
    indicator = fields.Function(lambda o: o.indicator.key, required=True)
    period = fields.String(required=True)
    value = fields.Float(required=True)
    group_size = fields.Integer(allow_none=True, required=True)
    confidential = fields.Function(lambda o: o.confidential or o.indicator.confidential,
                                   required=True)


class ObservationQuery(PageQuery):
    organisation = fields.Integer(validate=fields.between(1, 2**31 - 1))
    within = fields.Integer(validate=fields.between(1, 2**31 - 1))
    indicator = fields.String(validate=fields.length(min=1, max=64))
    period = fields.String(validate=fields.length(min=1, max=16))


@blp.get("/observations")
@blp.arguments(ObservationQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(ObservationOut))
def list_observations(page=1, per_page=50, organisation=None, within=None, indicator=None,
                      period=None):
    """Values the caller may see (confidential ones only for those allowed)."""
    query = visible_observations(signed_in())
    if organisation:
        query = query.filter(lambda o: o.organisation.id == organisation)
    if within:
        prefix = fetch(get_organisation, within).path
        query = query.filter(lambda o: o.organisation.path.startswith(prefix))
    if indicator:
        query = query.filter(lambda o: o.indicator.key == indicator)
    if period:
        query = query.filter(lambda o: o.period == period)
    query = query.order_by(lambda o: (o.organisation.id, o.indicator.id, o.period))
    body, headers = page_of(query, {"page": page, "per_page": per_page})
    return body, 200, headers


class ObservationIn(BaseSchema):
    organisation_id = fields.Integer(required=True, validate=fields.between(1, 2**31 - 1))
    indicator = fields.String(required=True, validate=fields.length(min=1, max=64))
    period = fields.String(required=True, validate=fields.length(min=4, max=16))
    value = fields.Float(required=True, allow_nan=False)
    group_size = fields.Integer(allow_none=True, load_default=None,
                                validate=fields.between(0, 10_000_000))
    confidential = fields.Boolean(load_default=False)


@blp.post("/observations")
@idempotent
@blp.arguments(ObservationIn)
@blp.response(201, ObservationOut)
def record_observation(data):
    """Record (or correct) one organisation's value for a period."""
    if not re.match(services.PERIOD_PATTERN, data["period"]):
        raise InvalidInput(_("The observation could not be saved."),
                           {"period": [_("Use a school year (2024/25), a year or a half-year.")]})
    organisation = require(signed_in(), "manage_indicators",
                           get_organisation(data.pop("organisation_id")))
    indicator = services.get_indicator(data.pop("indicator"))
    observation = services.record_observation(organisation, indicator, **data)
    return with_etag(observation, 201)



# --- import --------------------------------------------------------------------------------

class ObservationFile(BaseSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ObservationImportOptions(BaseSchema):
    preset = fields.String(load_default=None, validate=fields.one_of(presets()))
    dry_run = fields.Boolean(load_default=False)


class ObservationImportResult(OutputSchema):
    filename = fields.String(required=True)
    preset = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    rows = fields.Integer(required=True)
    values = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


class ImportPresetOut(OutputSchema):
    key = fields.String(required=True)
    name = fields.Function(lambda p: p.label, required=True)
    layout = fields.String(required=True)
    delimiter = fields.String(required=True)
    decimal = fields.String(required=True)


@blp.get("/observations/import/presets")
@blp.response(200, ImportPresetOut(many=True))
@blp.doc(security=[])
def list_import_presets():
    """The column layouts the import understands (see docs/IMPORT.md)."""
    # Not paged: the presets are a file shipped with the code (a handful of layouts), not
    # records anyone adds to; tests/test_api_lists.py names this exception.
    return list(presets().values())


@blp.post("/observations/import")
@blp.arguments(ObservationFile, location="files")
@blp.arguments(ObservationImportOptions, location="form")
@blp.response(200, ObservationImportResult)
def import_observations(files, options):
    """CSV or XLSX: every row checked, then all written or none. Errors come back by row
    number and column (422); importing the same file again changes nothing."""
    return run_import(signed_in(), files["file"], options["preset"], options["dry_run"]).counts()


def run_import(principal, upload, preset_key: str | None, dry_run: bool):
    """The import as the API and the web page run it: the caller must manage indicators
    somewhere; rows for organisations beyond that are row errors."""
    if not principal.has("manage_indicators"):
        raise AccessRefused(_("You do not have access to this."),
                            audit={"entity": "Observation"})
    preset = get_preset(preset_key)
    try:
        table = uploaded_table(upload, preset.delimiter)
    except Unreadable as err:
        report = ImportReport(upload.filename or "", preset.key, dry_run,
                              file_errors=[err.message])
        raise ImportRefused(report) from None
    return importing.import_observations(principal, table, preset, dry_run=dry_run)
