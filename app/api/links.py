"""OpenAPI links: what a client can do next with the record a request created.

They document the workflow (an engagement leads to meetings and commitments, a commitment to
follow-ups and proposals) and let schemathesis run stateful sequences through it: the id a
creating request returns is fed into the next request's path or body.
"""

from __future__ import annotations

#: source operationId -> (response status, {target operationId: path parameter or body field})
#: A target given as "body:field" puts the new id into that field of the next request's body.
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "create_organisation": ("201", {
        "get_organisation": "organisation_id", "update_organisation": "organisation_id",
        "start_engagement": "body:organisation_id"}),
    "start_engagement": ("201", {
        "get_engagement": "engagement_id", "update_engagement": "engagement_id",
        "list_transitions": "engagement_id", "record_transition": "engagement_id",
        "close_engagement": "engagement_id", "year_wheel": "engagement_id",
        "add_year_wheel_step": "engagement_id",
        "carry_over_open_commitments": "engagement_id",
        "plan_meeting": "body:engagement_id", "record_commitment": "body:engagement_id"}),
    "add_year_wheel_step": ("201", {
        "update_year_wheel_step": "step_id", "remove_year_wheel_step": "step_id"}),
    "plan_meeting": ("201", {
        "get_meeting": "meeting_id", "update_meeting": "meeting_id",
        "hold_meeting": "meeting_id", "approve_minutes": "meeting_id",
        "publish_minutes": "meeting_id", "return_to_draft": "meeting_id",
        "revise_minutes": "meeting_id", "cancel_meeting": "meeting_id",
        "list_publications": "meeting_id", "add_participant": "meeting_id",
        "add_agenda_item": "meeting_id", "choose_theme": "meeting_id",
        "add_attachment": "meeting_id", "evaluation": "meeting_id",
        "record_commitment": "body:meeting_id"}),
    "add_participant": ("201", {
        "update_participant": "participant_id", "remove_participant": "participant_id"}),
    "add_agenda_item": ("201", {"update_agenda_item": "item_id"}),
    "record_commitment": ("201", {
        "get_commitment": "commitment_id", "update_commitment": "commitment_id",
        "change_status": "commitment_id", "carry_over": "commitment_id",
        "commitment_history": "commitment_id", "commitment_follow_ups": "commitment_id",
        "add_follow_up": "commitment_id", "list_commitment_proposals": "commitment_id",
        "report_completion": "commitment_id", "propose_due_date": "commitment_id"}),
    "carry_over": ("201", {"get_commitment": "commitment_id",
                           "add_follow_up": "commitment_id"}),
    "add_follow_up": ("201", {"get_follow_up": "follow_up_id"}),
    "report_completion": ("201", {
        "acknowledge_proposal": "proposal_id", "return_proposal": "proposal_id",
        "withdraw_proposal": "proposal_id"}),
    "propose_due_date": ("201", {
        "acknowledge_proposal": "proposal_id", "return_proposal": "proposal_id",
        "withdraw_proposal": "proposal_id"}),
    "issue_token": ("201", {"revoke_token": "token_id"}),
}


def _link(target: str, where: str, versioned: bool) -> dict:
    if where.startswith("body:"):
        return {"operationId": target, "requestBody": {where[5:]: "$response.body#/id"}}
    parameters = {where: "$response.body#/id"}
    if versioned:
        # A change of the record just created names the version it was created with.
        parameters["header.If-Match"] = "$response.header.ETag"
    return {"operationId": target, "parameters": parameters}


def _takes_if_match(operation: dict) -> bool:
    return any(p.get("in") == "header" and p.get("name") == "If-Match"
               for p in operation.get("parameters", []))


def add_links(spec: dict) -> dict:
    """Add the links to a generated OpenAPI document (in place; also returned)."""
    operations = {op.get("operationId"): op for item in spec.get("paths", {}).values()
                  for op in item.values() if isinstance(op, dict)}
    for source, (status, targets) in LINKS.items():
        operation = operations.get(source)
        if operation is None:
            continue
        response = operation.get("responses", {}).get(status)
        if response is None or "$ref" in response:
            continue
        response["links"] = {f"{target}_{where.removeprefix('body:')}":
                             _link(target, where, _takes_if_match(operations[target]))
                             for target, where in targets.items() if target in operations}
    return spec
