"""The inputs of the steering figures (our addition beside contract 1.1): the total lettings
of a quarter, which the balance report divides by, and the statushouder rung the province
set after a half-year, which the statushouder report then shows."""

from typing import Any

from matching.queries.steering import lettings_entry, rung_entry, total_lettings
from matching.reports.balance import STEERING_ROLES
from matching.services.statushouder_steering import set_statushouder_inputs as enter_inputs
from matching.services.steering import set_statushouder_rung as record_rung
from matching.services.steering import set_total_lettings as enter_total
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import resource
from matching.web.api.schemas import (
    HalfPath,
    IdempotencyHeader,
    QuarterPath,
    RungBody,
    StatushouderInputsBody,
    TotalLettingsBody,
)
from matching.web.api.serializers import answer, moment

blueprint = resource("steering", "Inputs of the steering figures: total lettings per quarter "
                                 "and the statushouder intervention-ladder rung")


def _lettings_out(entry: Any) -> out.TotalLettingsOut:
    return out.TotalLettingsOut(**{**entry.as_dict(), "set_at": moment(entry.set_at)})


@blueprint.put("/quarters/<quarter>/total-lettings", responses={200: out.TotalLettingsOut})
@roles("matcher", "admin")
def set_total_lettings(path: QuarterPath, body: TotalLettingsBody,
                       header: IdempotencyHeader) -> Any:
    """Enter a quarter's total lettings with their source (replacing an earlier value).
    GET /reports/balance/{year} divides the year's priority lettings by the sum of its
    quarters (a quarter nobody entered counts as a quarter of the year parameter
    `mobw_total_lettings`). Answers the stored value with `set_by` and `set_at`."""
    session = db_session()
    row = enter_total(session, quarter=path.quarter, total=body.total, source=body.source,
                      actor=api_actor())
    return answer(_lettings_out(lettings_entry(session, row)))


@blueprint.get("/quarters/<quarter>/total-lettings", responses={200: out.TotalLettingsOut})
@roles(*STEERING_ROLES)
def get_total_lettings(path: QuarterPath) -> Any:
    """Return the total lettings entered for a quarter (404: nobody entered them)."""
    entry = total_lettings(db_session(), quarter=path.quarter, actor=api_actor())
    return answer(_lettings_out(entry))


@blueprint.put("/statushouders/<half>/rung", responses={200: out.StatushouderRungOut})
@roles("admin")
def set_statushouder_rung(path: HalfPath, body: RungBody, header: IdempotencyHeader) -> Any:
    """Record the ladder rung the province set after a half-year, with a note saying why.
    The half-year is written like 2022H1; GET /reports/statushouders/{half} then shows this
    rung and note instead of the computed one. 404 when the half-year has no statushouder
    task; 422 for a malformed half-year."""
    session = db_session()
    row = record_rung(session, half=path.half, rung=body.rung, note=body.note,
                      actor=api_actor())
    entry = rung_entry(session, row)
    return answer(out.StatushouderRungOut(**{**entry.as_dict(), "set_at": moment(entry.set_at)}))


@blueprint.put("/statushouders/<half>/inputs", responses={200: out.StatushouderInputsOut})
@roles("matcher", "admin")
def set_statushouder_inputs(path: HalfPath, body: StatushouderInputsBody,
                            header: IdempotencyHeader) -> Any:
    """Enter a half-year's extra (voluntary) target, the persons administratively housed
    (linked to a dwelling, not yet counted by COA) and its acceleration plans, with their
    source; the entry replaces the earlier one and all its plans. GET
    /reports/statushouders/{half} then shows them. 404 when the half-year has no statushouder
    task; 422 for a malformed half-year or value."""
    session = db_session()
    row = enter_inputs(session, half=path.half, extra_target=body.extra_target,
                       administratively_housed=body.administratively_housed,
                       accelerations=[plan.model_dump() for plan in body.accelerations],
                       source=body.source, actor=api_actor())
    entered: dict[str, Any] = {
        "half": row.half_year, "extra_target": row.extra_target,
        "administratively_housed": row.administratively_housed, "source": row.source,
        "accelerations": [plan.name for plan in body.accelerations],
        "set_at": moment(row.set_at)}
    return answer(out.StatushouderInputsOut(**entered))
