"""Rows to response models, and response models to JSON answers."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Response, jsonify
from pydantic import BaseModel

from matching.engine.suggest import Suggestions
from matching.models import Candidate, Client, Dwelling, Lease, Proposal
from matching.paging import Page
from matching.queries.api import Round
from matching.queries.notifications import NotificationRow
from matching.services.hotels import one_time_offer_due as _offer_due
from matching.vocabulary import utcnow
from matching.web.api import responses as out
from matching.workdays import UTRECHT, local_date
from matching.workflow import allowed_triggers

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def answer(model: BaseModel, status: int = 200) -> tuple[Response, int]:
    """The JSON answer for a response model."""
    return jsonify(model.model_dump(mode="json")), status


def page_of(cls: type[M], page: Page[T], convert: Callable[[T], Any], **extra: Any) -> M:
    return cls(items=[convert(item) for item in page.items], page=page.page,
               per_page=page.per_page, total=page.total, **extra)


def moment(value: datetime | None) -> datetime | None:
    """An aware timestamp in Utrecht's time (SQLite hands back naive UTC values)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTRECHT)


def _stamp(value: datetime) -> datetime:
    result = moment(value)
    assert result is not None
    return result


def events(rows: Sequence[Any]) -> list[out.Event]:
    return [
        out.Event(at=_stamp(e.at), trigger=e.trigger, from_state=e.from_state,
                  to_state=e.to_state, actor_user_id=e.actor_user_id, data=e.data or {})
        for e in rows
    ]


def dwelling(row: Dwelling, earmarks: Sequence[int] = ()) -> out.DwellingOut:
    return out.DwellingOut(**_dwelling_fields(row, earmarks))


def _dwelling_fields(row: Dwelling, earmarks: Sequence[int]) -> dict[str, Any]:
    assert row.id is not None
    return dict(
        id=row.id, corporation_id=row.corporation_id, address=row.address,
        postcode=row.postcode, wijk=row.wijk, complex_code=row.complex_code, rooms=row.rooms,
        floor_area_m2=row.floor_area_m2, rent=float(row.rent), floor=row.floor,
        has_lift=row.has_lift, accessible=row.accessible, senior_label=row.senior_label,
        designation=row.designation, lease_type=row.lease_type,
        self_contained=row.self_contained, student_complex=row.student_complex,
        available_from=row.available_from, earmarked_care_provider_ids=list(earmarks),
        matched_client_id=row.matched_client_id, submitted_at=moment(row.submitted_at),
        quarter=row.quarter, created_at=_stamp(row.created_at), state=row.state,
        allowed_triggers=allowed_triggers(row),
    )


def candidate_client(row: Client) -> out.CandidateClient:
    assert row.id is not None
    return out.CandidateClient(
        id=row.id, care_provider_id=row.care_provider_id, target_group=row.target_group,
        adults=row.adults, children=row.children, birth_year=row.birth_year,
        annual_income=row.annual_income, needs=list(row.needs or []),
        flip_lease_ok=row.flip_lease_ok, support_confirmed=row.support_confirmed,
        waiting_since=row.waiting_since,
    )


def candidate(row: Candidate, client: Client | None) -> out.CandidateOut:
    return out.CandidateOut(
        client_id=row.client_id, position=row.position, score=row.score,
        explanation=row.explanation, reason_code=row.reason_code, motivation=row.motivation,
        decided_at=moment(row.decided_at),
        client=candidate_client(client) if client is not None else None,
        state=row.state, allowed_triggers=allowed_triggers(row),
    )


def proposal(found: Round, clients: dict[int, Client]) -> out.ProposalOut:
    return out.ProposalOut(**_proposal_fields(found.proposal, found.candidates, clients))


def _proposal_fields(row: Proposal, candidates: Sequence[Candidate],
                     clients: dict[int, Client]) -> dict[str, Any]:
    assert row.id is not None
    return dict(
        id=row.id, dwelling_id=row.dwelling_id, round_no=row.round_no,
        policy_version=row.policy_version, motivation=row.motivation, deviates=row.deviates,
        opened_at=_stamp(row.opened_at), deadline=row.deadline, closed_at=moment(row.closed_at),
        candidates=[candidate(c, clients.get(c.client_id)) for c in candidates],
        state=row.state, allowed_triggers=allowed_triggers(row),
    )


def proposal_result(found: Round, clients: dict[int, Client], dwelling_row: Dwelling,
                    earmarks: Sequence[int]) -> out.ProposalResult:
    return out.ProposalResult(
        **_proposal_fields(found.proposal, found.candidates, clients),
        dwelling=dwelling(dwelling_row, earmarks),
    )


def dwelling_detail(row: Dwelling, earmarks: Sequence[int], rounds: Sequence[Round],
                    clients: dict[int, Client], history: Sequence[Any]) -> out.DwellingDetail:
    return out.DwellingDetail(
        **_dwelling_fields(row, earmarks),
        rounds=[proposal(r, clients) for r in rounds], history=events(history),
    )


def client(row: Client) -> out.ClientOut:
    return out.ClientOut(**_client_fields(row))


def _client_fields(row: Client) -> dict[str, Any]:
    assert row.id is not None
    return dict(
        id=row.id, care_provider_id=row.care_provider_id, reference=row.reference,
        target_group=row.target_group, phase=row.phase, adults=row.adults,
        children=row.children, birth_year=row.birth_year, annual_income=row.annual_income,
        needs=list(row.needs or []), excluded_wijken=list(row.excluded_wijken or []),
        preferred_wijken=list(row.preferred_wijken or []), flip_lease_ok=row.flip_lease_ok,
        support_confirmed=row.support_confirmed, registered_on=row.registered_on,
        waiting_since=row.waiting_since, erased_at=moment(row.erased_at), state=row.state,
        allowed_triggers=allowed_triggers(row), hotel_stay_since=row.hotel_stay_since,
        hotel_kind=row.hotel_kind, origin_municipality=row.origin_municipality,
        one_time_offer_due=_offer_due(row, local_date(utcnow())),
        citydeal_nominated_on=row.citydeal_nominated_on,
    )


def client_detail(row: Client, history: Sequence[Any]) -> out.ClientDetail:
    return out.ClientDetail(**_client_fields(row), history=events(history))


def lease(row: Lease) -> out.LeaseOut:
    return out.LeaseOut(**_lease_fields(row))


def _lease_fields(row: Lease) -> dict[str, Any]:
    assert row.id is not None
    return dict(
        id=row.id, dwelling_id=row.dwelling_id, client_id=row.client_id,
        corporation_id=row.corporation_id, tenant_care_provider_id=row.tenant_care_provider_id,
        care_provider_id=row.care_provider_id, type=row.lease_type, lease_type=row.lease_type,
        is_institution=row.is_institution, address=row.address, wijk=row.wijk,
        start=row.start_on,
        review_on=row.review_on, end_on=row.end_on, transferred_on=row.transferred_on,
        ended_on=row.ended_on, state=row.state, allowed_triggers=allowed_triggers(row),
    )


def lease_detail(row: Lease, history: Sequence[Any]) -> out.LeaseDetail:
    return out.LeaseDetail(**_lease_fields(row), history=events(history))


def let_result(row: Dwelling, earmarks: Sequence[int], lease_row: Lease) -> out.LetResult:
    return out.LetResult(**_dwelling_fields(row, earmarks), lease=lease(lease_row))


def notification(row: NotificationRow) -> out.NotificationOut:
    return out.NotificationOut(
        id=row.id, kind=row.kind, created_at=_stamp(row.created_at),
        read_at=moment(row.read_at), subject_type=row.subject_type,
        subject_id=row.subject_id, message_nl=row.message_nl, message_en=row.message_en,
    )


def suggestions(found: Suggestions, *, page: int, per_page: int) -> out.SuggestionsOut:
    start = (page - 1) * per_page
    items = [
        out.Suggestion(
            rank=s.rank, client_id=s.client.id, care_provider_id=s.client.care_provider_id,
            target_group=s.client.target_group, phase=s.client.phase, adults=s.client.adults,
            children=s.client.children, birth_year=s.client.birth_year,
            annual_income=s.client.annual_income, needs=sorted(s.client.needs),
            waiting_since=s.client.waiting_since, score=float(s.score.total),
            explanation=s.score.explanation(found.policy),
        )
        for s in found.suggestions[start:start + per_page]
    ]
    return out.SuggestionsOut(
        items=items, page=page, per_page=per_page, total=found.eligible,
        dwelling_id=found.dwelling_id, policy_version=found.policy.version,
        waiting=found.waiting, eligible=found.eligible, excluded=found.excluded,
    )
