"""The indicator import page: choose a file and a preset, see the result with errors by row."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from pony.orm import commit, rollback

from app.accounts import audit
from app.accounts.access import AccessRefused
from app.db import db
from app.errors import InvalidInput
from app.i18n import _
from app.indicators.api import run_import
from app.indicators.importing import MAX_ERRORS, ImportRefused
from app.indicators.presets import presets
from app.web import signed_in
from app.web.forms import Form, checkbox, refused, submitted

bp = Blueprint("indicators", __name__, template_folder="templates")


@bp.app_context_processor
def import_link():
    """Whether to offer the import in the navigation."""
    principal = g.get("principal")
    return {"may_import_indicators": bool(principal and principal.has("manage_indicators"))}


def _require_importer() -> None:
    if not g.principal.has("manage_indicators"):
        raise AccessRefused(_("You do not have access to this."),
                            audit={"entity": "Observation"})


def _page(form: Form, report=None, status: int = 200):
    return render_template("indicators/import.html", form=form, report=report,
                           presets=[(p.key, p.label) for p in presets().values()],
                           max_errors=MAX_ERRORS), status


@bp.get("/indicators/import")
@signed_in
def import_form():
    _require_importer()
    return _page(Form(values={"preset": next(iter(presets()))}))


@bp.post("/indicators/import")
@signed_in
def import_file():
    """Run the import; a refused file shows its errors beside the rows and writes nothing."""
    _require_importer()
    form = Form(values=submitted(["preset"]) | {"dry_run": checkbox("dry_run")})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.errors["file"] = [_("Choose a CSV or XLSX file.")]
        form.message = _("Please correct the fields marked below.")
        return _page(form, status=422)
    try:
        report = run_import(g.principal, upload, form.values.get("preset"),
                            form.values["dry_run"])
    except ImportRefused as err:
        rollback()
        audit.record(db, "import_refused", entity="Observation",
                     summary=f"{request.method} {request.path}")
        commit()
        form.message = str(err.message)
        return _page(form, err.report, 422)
    except InvalidInput as err:
        refused(form, err)
        return _page(form, status=422)
    return _page(form, report)
