"""/api/v1/.../proposals: completions and new due dates waiting for the other party."""

from __future__ import annotations

from app.accounts.access import visible_proposals
from app.api.support import (
    ApiBlueprint,
    PageQuery,
    fetch,
    idempotent,
    page_of,
    principal,
    signed_in,
    with_etag,
)
from app.commitments import acknowledgement, schemas
from app.commitments.services import get_commitment
from app.common.refs import page_schema
from app.db import db

blp = ApiBlueprint("Proposals", __name__, url_prefix="/api/v1",
                   description="Reported completions and new due dates, and their "
                               "acknowledgement by the other party of the agreement.")


@blp.get("/commitments/<id:commitment_id>/proposals")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.ProposalOut))
def list_commitment_proposals(commitment_id, page=1, per_page=50):
    signed_in()
    return page_of(acknowledgement.proposals(fetch(get_commitment, commitment_id)),
                   {"page": page, "per_page": per_page})


@blp.post("/commitments/<id:commitment_id>/completion")
@idempotent
@blp.arguments(schemas.CompletionIn)
@blp.response(201, schemas.ProposalOut)
def report_completion(data, commitment_id):
    """Report the commitment achieved: it counts as achieved once the other party agrees."""
    commitment = fetch(get_commitment, commitment_id, "follow_up")
    return with_etag(acknowledgement.report_completion(principal(), commitment,
                                                       comment=data["comment"]), 201)


@blp.post("/commitments/<id:commitment_id>/due-date-proposals")
@idempotent
@blp.arguments(schemas.DueDateProposalIn)
@blp.response(201, schemas.ProposalOut)
def propose_due_date(data, commitment_id):
    """Ask the other party to move the due date (a reason is required)."""
    commitment = fetch(get_commitment, commitment_id, "follow_up")
    return with_etag(acknowledgement.propose_due_date(principal(), commitment, **data), 201)


class ProposalListQuery(schemas.ProposalQuery, PageQuery):
    pass


@blp.get("/proposals")
@blp.arguments(ProposalListQuery, location="query", as_kwargs=True)
@blp.response(200, page_schema(schemas.ProposalOut))
def list_proposals(page=1, per_page=50, state=None, kind=None):
    """Proposals on commitments the caller may see (``state=pending``: waiting)."""
    query = visible_proposals(signed_in())
    if state:
        query = query.filter(lambda p: p.state == state)
    if kind:
        query = query.filter(lambda p: p.kind == kind)
    query = query.order_by(lambda p: (p.proposed_at, p.id)).prefetch(
        db.CommitmentProposal.commitment, db.CommitmentProposal.proposed_by,
        db.CommitmentProposal.decided_by)
    return page_of(query, {"page": page, "per_page": per_page})


def _decision(proposal_id: int, decide, data: dict):
    proposal = fetch(acknowledgement.get_proposal, proposal_id)
    return with_etag(decide(principal(), proposal, comment=data["comment"]))


@blp.post("/proposals/<id:proposal_id>/acknowledge")
@blp.arguments(schemas.DecisionIn)
@blp.response(200, schemas.ProposalOut)
def acknowledge_proposal(data, proposal_id):
    """The other party agrees: the commitment becomes achieved, or gets the new due date."""
    return _decision(proposal_id, acknowledgement.acknowledge, data)


@blp.post("/proposals/<id:proposal_id>/return")
@blp.arguments(schemas.ReturnIn)
@blp.response(200, schemas.ProposalOut)
def return_proposal(data, proposal_id):
    """The other party sends it back with a comment; the commitment stays open."""
    return _decision(proposal_id, acknowledgement.return_proposal, data)


@blp.post("/proposals/<id:proposal_id>/withdraw")
@blp.arguments(schemas.DecisionIn)
@blp.response(200, schemas.ProposalOut)
def withdraw_proposal(data, proposal_id):
    """The responsible party takes its report back before anyone has decided."""
    return _decision(proposal_id, acknowledgement.withdraw, data)
