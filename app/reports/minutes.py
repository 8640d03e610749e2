"""(a) The minutes of a meeting in its programme's minutes template.

Each section of the template is filled by its kind: participants, the agenda, the evaluation
of earlier agreements, themes, commitments, the board's comments, or the minutes written under
the agenda item of the same key. Agenda items no section takes are kept under "Other items",
so nothing written is lost. The public version is made from the frozen publication and leaves
out every confidential meeting, commitment and evaluation line.
"""

from __future__ import annotations

from datetime import date

from app.accounts.access import visible_commitments
from app.commitments.status import STATUSES
from app.common.rich_text import plain_text
from app.errors import NotFound
from app.i18n import _, localized
from app.meetings.board import board_comments
from app.meetings.evaluation import evaluation_item
from app.meetings.lifecycle import STATUSES as MEETING_STATUSES
from app.meetings.models import ATTENDANCE, PARTICIPANT_ROLES
from app.meetings.services import agenda, latest_publication
from app.programmes.models import PARTIES
from app.reports.common import commitment_rows
from app.reports.render import Report, Table
from app.themes.services import theme_name
from app.web.formatting import format_date, local_datetime

#: Parties a themes section is about, from the section's key (Stevns: themes chosen by ...).
SECTION_PARTIES = {"school_themes": "school", "committee_themes": "political_committee",
                   "administration_themes": "administration"}


def _sections(meeting) -> list:
    return sorted(meeting.engagement.programme.minutes_sections, key=lambda s: s.position)


def _item(title: str, party: str, kind: str, key: str | None, minutes: str | None) -> dict:
    return {"title": title, "party": str(PARTIES.get(party, "")), "party_key": party,
            "kind": kind, "key": key, "minutes": minutes or ""}


def _live_items(meeting) -> list[dict]:
    return [_item(item.title or localized(item.labels), item.party, item.kind,
                  item.template_item.key if item.template_item else None, item.minutes)
            for item in agenda(meeting)]


def _published_items(meeting, content: dict) -> list[dict]:
    # The publication keeps each item's labels; the template gives back its key.
    keys = {tuple(sorted(t.labels.items())): t.key for t in meeting.meeting_type.agenda_items}
    return [_item(i.get("title") or localized(i.get("labels")), i["party"], i["kind"],
                  keys.get(tuple(sorted((i.get("labels") or {}).items()))), i.get("minutes"))
            for i in content["agenda"]]


def minutes_report(meeting, *, public: bool, principal=None) -> Report:
    """The minutes, internal (live, as the reader may see them) or public (as published)."""
    organisation = meeting.engagement.organisation
    if public:
        publication = latest_publication(meeting)
        if meeting.confidential or publication is None:
            raise NotFound(_("Nothing was found at this address."))
        content = publication.content
        items = _published_items(meeting, content)
        participants = [{"name": p["name"], "role": str(PARTICIPANT_ROLES.get(p["role"], "")),
                         "attendance": str(ATTENDANCE.get(p["attendance"], ""))}
                        for p in content["participants"]]
        commitments = [{"title": c["title"], "actions": c.get("actions"),
                        "responsible": c["responsible"],
                        "due": format_date(date.fromisoformat(c["due_date"])),
                        "status": "", "status_key": c["status"], "confidential": False,
                        "overdue": False, "scope": None, "theme_id": c.get("theme")}
                       for c in content["commitments"]]
        evaluation = content.get("evaluation") or []
        # Publications made before themes were kept have none (their minutes are under
        # each theme's agenda item all the same).
        themes = [{"id": t["id"], "name": localized(t["labels"]) if t["labels"] else t["title"],
                   "party_key": t["party"], "party": str(PARTIES.get(t["party"], "")),
                   "background": t["background"]} for t in content.get("themes") or []]
        comments = []  # the board's comments are the board's own, not part of the minutes
    else:
        items = _live_items(meeting)
        participants = [{"name": p.name, "role": str(PARTICIPANT_ROLES.get(p.role, "")),
                         "attendance": str(ATTENDANCE.get(p.attendance, ""))}
                        for p in sorted(meeting.participants, key=lambda p: p.id)]
        visible = visible_commitments(principal).filter(lambda c: c.meeting == meeting)
        commitments = commitment_rows(visible)
        scopes = {c.id: c.scope for c in visible}
        for row in commitments:
            row["scope"] = scopes[row["id"]]
        item = evaluation_item(meeting)
        allowed = {c.id for c in visible_commitments(principal)
                   .filter(lambda c: c.engagement.organisation == organisation)}
        evaluation = [{"title": line.commitment.title, "status": line.commitment.status,
                       "note": line.note, "confidential": line.commitment.confidential}
                      for line in sorted(item.evaluation_lines, key=lambda x: x.position)
                      if line.commitment.id in allowed] if item else []
        for row in commitments:
            row["theme_id"] = row["theme"].id if row["theme"] else None
        themes = [{"id": t.theme.id, "name": theme_name(t.theme), "party_key": t.party,
                   "party": str(PARTIES.get(t.party, "")), "background": t.background}
                  for t in sorted(meeting.themes, key=lambda t: t.id)]
        comments = [{"body": c.body, "author": c.author.name,
                     "when": local_datetime(c.created_at, organisation)}
                    for c in board_comments(meeting)]
    for line in evaluation:
        line["status_label"] = str(STATUSES.get(line["status"], ""))
    # Each theme as focus area, situation (its background) and actions (what was agreed on it).
    for theme in themes:
        theme["actions"] = [c for c in commitments if c["theme_id"] == theme["id"]]
    placed: set[int] = set()

    used: set[int] = set()
    sections = []
    for section in _sections(meeting):
        matching = [i for i, item in enumerate(items) if item["key"] == section.key]
        body = {"title": localized(section.labels), "kind": section.kind,
                "items": [items[i] for i in matching]}
        used.update(matching)
        if section.kind == "agenda":
            used.update(range(len(items)))
            body["items"] = items
        elif section.kind == "themes":
            party = SECTION_PARTIES.get(section.key) or (
                items[matching[0]]["party_key"] if matching else None)
            body["themes"] = [t for t in themes if t["id"] not in placed
                              and (party is None or t["party_key"] == party)]
            placed.update(t["id"] for t in body["themes"])
        elif section.kind == "commitments":
            scope = ("central" if "central" in section.key else
                     "local" if "local" in section.key else None)
            body["commitments"] = [c for c in commitments
                                   if scope is None or c.get("scope") in (None, scope)]
        elif section.kind == "evaluation":
            body["evaluation"] = evaluation
        elif section.kind == "board_comments":
            board = [i for i, item in enumerate(items) if item["party_key"] == "school_board"]
            used.update(board)
            body["items"] = [items[i] for i in sorted(set(matching) | set(board))]
            body["comments"] = comments
        sections.append(body)
    if not sections:  # a programme without a template: participants, agenda, agreements
        used.update(range(len(items)))
        sections = [{"title": _("Participants"), "kind": "participants", "items": []},
                    {"title": _("Agenda and minutes"), "kind": "agenda", "items": items},
                    {"title": _("Themes"), "kind": "themes", "items": [], "themes": themes},
                    {"title": _("Agreements"), "kind": "commitments", "items": [],
                     "commitments": commitments}]
        placed.update(t["id"] for t in themes)
    rest = [item for i, item in enumerate(items) if i not in used and item["minutes"]]
    # Themes no section of the template takes (chosen by a party it has no section for) are
    # kept under "Other items", so nothing written is lost.
    rest_themes = [t for t in themes if t["id"] not in placed]
    name = meeting.title or localized(meeting.meeting_type.labels)
    when = local_datetime(meeting.starts_at, organisation)
    return Report(
        template="minutes.html", title=name,
        subtitle=" · ".join(x for x in (organisation.name, when, meeting.place) if x),
        filename=f"minutes-{meeting.id}", public=public,
        confidential=not public and (meeting.confidential
                                     or any(c["confidential"] for c in commitments)),
        context={"sections": sections, "rest": rest, "rest_themes": rest_themes,
                 "participants": participants,
                 "status": str(MEETING_STATUSES[meeting.status]),
                 "programme": localized(meeting.engagement.programme.labels)},
        table=_table(commitments), programme=meeting.engagement.programme,
    )


def _table(commitments) -> Table:
    columns = [_("What is agreed"), _("Actions"), _("Responsible"), _("Due"), _("Status")]
    return Table(columns, [dict(zip(columns, (c["title"], plain_text(c.get("actions")),
                                              c["responsible"], c["due"], c["status"]),
                                    strict=True)) for c in commitments])
