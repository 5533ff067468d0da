"""What the agency does with a round the corporation leaves undecided: give more time once,
or cancel it so the dwelling can go to other candidates. Nothing closes a round silently."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from matching.access import require_role
from matching.models import Proposal
from matching.notifications import causes
from matching.parameters import year_parameters
from matching.services.errors import ValidationFailed
from matching.services.proposals import cancel_open_round, lock_round
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date
from matching.workflow import fire
from matching.workflow.engine import require_trigger

REASON_MAX_LENGTH = 500


def _reason(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationFailed({"reason": "a reason is required"})
    if len(cleaned) > REASON_MAX_LENGTH:
        raise ValidationFailed({"reason": f"at most {REASON_MAX_LENGTH} characters"})
    if "\x00" in cleaned:  # PostgreSQL's text cannot hold it
        raise ValidationFailed({"reason": "must not contain NUL characters"})
    return cleaned


def latest_extended_deadline(session: Session, today: date) -> date:
    """The furthest new deadline the agency may give: one more decision term from today."""
    params = year_parameters(session, today.year)
    return params.calendar.add_working_days(today, params.decision_working_days)


@service
def extend_round_deadline(
    session: Session, *, proposal_id: int, deadline: date, reason: str, actor: Any,
    now: datetime | None = None,
) -> Proposal:
    """Give the corporation until `deadline` to decide on an open or overdue round (once)."""
    require_role(actor, Role.MATCHER)
    moment = now or utcnow()
    today = local_date(moment)
    # Locked in the global order (services.locks): the dwelling, the round, its candidates.
    locked = lock_round(session, proposal_id)
    proposal, dwelling = locked.proposal, locked.dwelling
    require_trigger(proposal, "extend", now=moment)
    cleaned = _reason(reason)
    latest = latest_extended_deadline(session, today)
    calendar = year_parameters(session, today.year).calendar
    if not today < deadline <= latest:
        raise ValidationFailed({"deadline": f"must lie after today and at the latest on "
                                            f"{latest.isoformat()}"})
    if not calendar.is_working_day(deadline):
        raise ValidationFailed({"deadline": "must be a working day"})
    fire(proposal, "extend", actor=actor, now=moment, deadline=deadline, reason=cleaned)
    causes.round_news(session, "round_extended", proposal, dwelling, moment)
    commit(session)
    return proposal


@service
def cancel_round(
    session: Session, *, proposal_id: int, reason: str, actor: Any, now: datetime | None = None
) -> Proposal:
    """Cancel an undecided round: its candidates wait again and the dwelling is back in the
    queue for a new round."""
    require_role(actor, Role.MATCHER)
    moment = now or utcnow()
    locked = lock_round(session, proposal_id)
    proposal, dwelling = locked.proposal, locked.dwelling
    require_trigger(proposal, "cancel", now=moment)
    cleaned = _reason(reason)
    cancel_open_round(session, dwelling=dwelling, actor=actor, now=moment, reason=cleaned)
    fire(dwelling, "reopen", actor=actor, now=moment, proposal_id=proposal.id)
    causes.round_news(session, "round_cancelled", proposal, dwelling, moment)
    commit(session)
    return proposal
