"""Commitments (what a meeting bound someone to do), their history, and follow-ups."""

from __future__ import annotations

from datetime import date, datetime

from pony.orm import Json, LongStr, Optional, PrimaryKey, Required, Set

from app.common.model import AppendOnly, Stamped, stamp_columns
from app.i18n import _l

SCOPES = {"local": _l("Local"), "central": _l("Central")}

#: What an entry of a commitment's history records, as people say it.
EVENT_KINDS = {
    "created": _l("recorded"),
    "updated": _l("changed"),
    "status_changed": _l("status changed"),
    "follow_up": _l("followed up"),
    "carried_over": _l("carried over"),
    "completion_reported": _l("reported achieved"),
    "completion_acknowledged": _l("completion acknowledged"),
    "completion_returned": _l("completion returned"),
    "due_date_proposed": _l("new due date proposed"),
    "due_date_acknowledged": _l("new due date acknowledged"),
    "due_date_returned": _l("new due date returned"),
    "proposal_withdrawn": _l("report withdrawn"),
}

#: What the responsible party may ask the other party of the agreement to acknowledge.
PROPOSAL_KINDS = {
    "completion": _l("Reported achieved"),
    "due_date_change": _l("New due date proposed"),
}

#: A proposal waits (pending) until the other party acknowledges or returns it; the proposer
#: may withdraw it; it lapses when the commitment closes before anyone decided.
PROPOSAL_STATES = {
    "pending": _l("Waiting for acknowledgement"),
    "acknowledged": _l("Acknowledged"),
    "returned": _l("Returned"),
    "withdrawn": _l("Withdrawn"),
    "lapsed": _l("Lapsed"),
}


def define(db):
    class Commitment(Stamped, db.Entity):
        _table_ = "commitment"
        id = PrimaryKey(int, auto=True)
        engagement = Required("Engagement")
        meeting = Optional("Meeting")
        title = Required(str, 300)
        background = Optional(LongStr, lazy=False)
        actions = Optional(LongStr, lazy=False)
        theme = Optional("Theme")
        responsible_organisation = Required("Organisation")
        responsible_person = Optional(str, 200)
        binding = Required(bool, default=True)
        corrective = Required(bool, default=False)
        scope = Required(str, 16, default="local")
        success_criterion = Optional(LongStr, lazy=False)
        target_indicator = Optional("Indicator")
        target_value = Optional(float)
        due_date = Required(date)
        follow_up_interval_days = Optional(int)
        next_follow_up_on = Optional(date)
        status = Required(str, 32, default="agreed")
        progress = Required(int, default=0)
        confidential = Required(bool, default=False)
        carried_over_from = Optional("Commitment", reverse="carried_over_to")
        carried_over_to = Optional("Commitment", reverse="carried_over_from")
        locals().update(stamp_columns())

        # History and follow-ups outlive any attempt to delete: commitments are cancelled instead.
        events = Set("CommitmentEvent", cascade_delete=False)
        follow_ups = Set("FollowUp", cascade_delete=False)
        proposals = Set("CommitmentProposal", cascade_delete=False)
        evaluation_lines = Set("AgendaEvaluationLine", cascade_delete=False)

        def _audit_confidential_(self) -> bool:
            return self.confidential

    class CommitmentEvent(AppendOnly, db.Entity):
        """One entry of a commitment's append-only history."""

        _table_ = "commitment_event"
        # Names are personal data: the audit log records them as changed, never by value.
        _audit_redact_ = frozenset({"actor"})
        id = PrimaryKey(int, auto=True)
        commitment = Required(Commitment)
        occurred_at = Required(datetime)
        kind = Required(str, 32)
        from_status = Optional(str, 32, nullable=True)
        to_status = Optional(str, 32, nullable=True)
        reason = Optional(LongStr, lazy=False)
        changes = Optional(Json, nullable=True)
        actor = Optional(str, 200)
        locals().update(stamp_columns())

        def _audit_confidential_(self) -> bool:
            return self.commitment.confidential

    class FollowUp(Stamped, db.Entity):
        _table_ = "follow_up"
        _audit_redact_ = frozenset({"author"})  # personal data (see app/accounts/privacy.py)
        id = PrimaryKey(int, auto=True)
        commitment = Required(Commitment)
        occurred_on = Required(date)
        author = Optional(str, 200)
        status_to = Optional(str, 32, nullable=True)
        progress = Optional(int)
        narrative = Required(LongStr, lazy=False)
        # Indicator values and document references that back the narrative.
        evidence = Optional(Json, nullable=True)
        next_follow_up_on = Optional(date)
        locals().update(stamp_columns())

        def _audit_confidential_(self) -> bool:
            return self.commitment.confidential

    class CommitmentProposal(Stamped, db.Entity):
        """A completion or a new due date reported by the responsible party, waiting for the
        other party of the agreement to acknowledge or return it (see acknowledgement.py)."""

        _table_ = "commitment_proposal"
        id = PrimaryKey(int, auto=True)
        commitment = Required(Commitment)
        kind = Required(str, 32)
        proposed_by = Optional("User", reverse="proposals_made")
        proposed_at = Required(datetime)
        proposed_due_date = Optional(date)
        comment = Optional(LongStr, lazy=False)
        state = Required(str, 16, default="pending")
        decided_by = Optional("User", reverse="proposals_decided")
        decided_at = Optional(datetime)
        decision_comment = Optional(LongStr, lazy=False)
        locals().update(stamp_columns())

        def _audit_confidential_(self) -> bool:
            return self.commitment.confidential
