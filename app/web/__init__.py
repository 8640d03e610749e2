"""The web application's shell: the dashboard, the language switch, and what every page needs."""

from __future__ import annotations

from datetime import date
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from pony.orm import count, select

from app.accounts.access import can, visible_commitments
from app.commitments.tracking import overdue_filter
from app.db import db
from app.errors import record_refused_request
from app.i18n import LANGUAGES, _, _l, normalize_language
from app.work.services import my_work

bp = Blueprint("web", __name__, template_folder="templates")

NAVIGATION = (
    ("web.home", _l("My work")),
    ("organisations.tree", _l("Organisations")),
    ("programmes.index", _l("Programmes")),
    ("commitments.index", _l("Commitments")),
    ("meetings.index", _l("Meetings")),
    ("selection.index", _l("Weak results")),
    ("reports.index", _l("Reports")),
)

LANGUAGE_NAMES = {"en": "English", "da": "Dansk", "nb": "Norsk (bokmål)", "sv": "Svenska"}


def signed_in(view):
    """Web pages behind sign-in: others are sent to the sign-in page, and back afterwards."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("user") is None:
            # A refused request like any other, recorded; the redirect is committed with it.
            record_refused_request("access_refused")
            return redirect(url_for("accounts.sign_in_form", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def back_to(default: str) -> str:
    """Where a form came from, if that is a page of this site."""
    target = request.form.get("back") or request.referrer or default
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def may(capability: str, target) -> bool:
    """For templates: show a link or a button only to those it would work for."""
    return g.get("user") is not None and can(g.principal, capability, target)


@bp.app_context_processor
def shell():
    return {"navigation": NAVIGATION, "language_names": LANGUAGE_NAMES,
            "signed_in_user": g.get("user"), "today": date.today(), "may": may}


@bp.get("/", endpoint="home")
@signed_in
def dashboard():
    """What waits for the person (``app.work.services.my_work``), and for those who run
    dialogues, what is overdue across the schools they follow."""
    principal = g.principal
    followed = visible_commitments(principal, "manage")
    overdue_here = overdue_filter().apply(followed).order_by(lambda c: (c.due_date, c.id))
    may_manage = bool(principal.has("manage"))
    return render_template("web/dashboard.html", work=my_work(principal),
                           may_manage=may_manage,
                           status_chart=_status_chart(followed) if may_manage else None,
                           overdue_here=list(overdue_here.prefetch(
                               db.Commitment.engagement, db.Engagement.organisation)[:15]),
                           overdue_here_count=overdue_here.count())


def _status_chart(followed):
    """The followed schools' commitments in their ongoing engagements by status: counted in one
    grouped query, drawn once per distinct set of counts (the chart cache).

    Only ongoing engagements: ten years of achieved commitments would bury where the current
    agreements stand, and would make an agency count a quarter of a million rows per page view.
    """
    from app.charts.data import commitments_by_status
    from app.charts.service import inline_svg
    from app.web.formatting import format_number

    ongoing = followed.filter(lambda c: c.engagement.status == "active")
    # count() rather than count(c): one row per commitment already, no DISTINCT to sort.
    counts = dict(select((c.status, count()) for c in ongoing))
    if not counts:
        return None
    spec = commitments_by_status(counts)
    # A screen reader hears the figures the bars show, not only the title.
    shown = ", ".join(f"{stack['label']}: {format_number(sum(stack['values']))}"
                      for stack in spec["stacks"])
    return inline_svg("stacked", spec, description=f"{spec['title']}. {shown}")


@bp.post("/language")
def choose_language():
    """Switch the language of every page; remembered for the signed-in user."""
    language = normalize_language(request.form.get("language"))
    if language in LANGUAGES:
        session["language"] = language
        if g.get("user") is not None:
            from app.accounts.services import set_language

            set_language(g.user, language)
        g.user_language = language
        flash(_("The language is now %(language)s.", language=LANGUAGE_NAMES[language]))
    return redirect(back_to(url_for("web.home")))
