"""What pages need from the checks: template helpers for the meeting and engagement pages."""

from __future__ import annotations

from flask import Blueprint

from app.checks import rules

bp = Blueprint("checks", __name__, template_folder="templates")


@bp.app_template_global()
def meeting_checks(meeting) -> list:
    return rules.meeting_checks(meeting)


@bp.app_template_global()
def engagement_checks(engagement) -> list:
    return rules.engagement_checks(engagement)
