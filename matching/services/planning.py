"""Quarter quotas per corporation and contingents per care provider (product.md section 3)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from matching import planning
from matching.access import require_role
from matching.history import states_then
from matching.models import (
    Client,
    ClientEvent,
    Contingent,
    ContingentChange,
    CorporationWeight,
    Dwelling,
    DwellingEvent,
    Lease,
    Organisation,
)
from matching.parameters import year_parameters
from matching.quarters import Quarter, parse_quarter
from matching.services.approach import quota_basis
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.unit_of_work import commit, service
from matching.vocabulary import (
    ClientState,
    Designation,
    DwellingState,
    OrganisationKind,
    Role,
    utcnow,
)


@dataclass(frozen=True)
class QuotaRow:
    corporation_id: int
    corporation: str
    quarter: str
    quota: int
    submitted: int
    instroom_quota: int
    instroom_submitted: int
    backlog: int  # carried into this quarter from the year's earlier quarters
    instroom_backlog: int  # likewise, of the instroom quotas

    @property
    def backlog_after(self) -> int:
        """The backlog this quarter passes on (after Q4: the year's shortfall)."""
        return planning.carried_past(self.quota, self.backlog, self.submitted)

    @property
    def instroom_backlog_after(self) -> int:
        return planning.carried_past(self.instroom_quota, self.instroom_backlog,
                                     self.instroom_submitted)


def corporation_weights(session: Session, year: int) -> dict[int, Decimal]:
    """Return the weights of the latest year at or before `year` that has any."""
    latest = session.exec(
        select(func.max(CorporationWeight.year)).where(CorporationWeight.year <= year)
    ).one()
    if latest is None:
        return {}
    rows = session.exec(
        select(CorporationWeight)
        .where(CorporationWeight.year == latest)
        .order_by(col(CorporationWeight.corporation_id))
    ).all()
    return {row.corporation_id: row.weight for row in rows}


def _submitted_counts(
    session: Session, year: int, before: datetime | None = None
) -> dict[tuple[int, str, str], int]:
    """Count dwellings per (corporation, quarter, designation) that were submitted.

    A dwelling counts for the quarter it was submitted in; released ones still count,
    withdrawn ones do not. With `before`, as things stood then (from the event history).
    """
    query = select(
        Dwelling.corporation_id, Dwelling.quarter, Dwelling.designation, func.count()
    ).where(Dwelling.quarter.like(f"{year}Q%"))  # type: ignore[union-attr]
    if before is None:
        query = query.where(Dwelling.state != DwellingState.WITHDRAWN)
    else:
        then = states_then(session, DwellingEvent, "dwelling_id", before)
        query = query.join(then, then.c.row_id == Dwelling.id).where(
            col(then.c.state).not_in([DwellingState.WITHDRAWN, DwellingState.DRAFT])
        )
    rows = session.exec(
        query.group_by(col(Dwelling.corporation_id), col(Dwelling.quarter),
                       col(Dwelling.designation))
    ).all()
    return {(corp, str(quarter), designation): count for corp, quarter, designation, count in rows}


def year_quotas(
    session: Session, year: int, before: datetime | None = None,
    counted: Mapping[tuple[int, str, str], int] | None = None,
) -> list[QuotaRow]:
    """Return quota, submitted, instroom figures and backlog per corporation and quarter
    (with `before`: the dwellings as they stood then; `counted`: those submitted, counted already
    per corporation, quarter and designation, as `_submitted_counts` counts them)."""
    params = year_parameters(session, year)
    weights = corporation_weights(session, year)
    if not weights:
        return []
    names = {
        o.id: o.name
        for o in session.exec(select(Organisation).where(Organisation.id.in_(weights)))  # type: ignore[union-attr]
    }
    # The approach's first year, once its pro-rated task is confirmed: quarters before the
    # start get no quota (services/approach.py).
    basis = quota_basis(session, year, params)
    cells = planning.quarter_quotas(
        basis.task, {str(k): v for k, v in weights.items()}, params.instroom_share_pct,
        basis.quarter_weights,
    )
    counts = counted if counted is not None else _submitted_counts(session, year, before)
    rows: list[QuotaRow] = []
    for corporation_id in weights:
        mine = [c for c in cells if c.corporation == str(corporation_id)]
        quarters = [str(Quarter(year, c.quarter)) for c in mine]
        submitted = [
            counts.get((corporation_id, q, Designation.UITSTROOM), 0)
            + counts.get((corporation_id, q, Designation.INSTROOM), 0)
            for q in quarters
        ]
        instroom = [counts.get((corporation_id, q, Designation.INSTROOM), 0) for q in quarters]
        carried = planning.backlogs([c.quota for c in mine], submitted)
        # Instroom shortfalls carry like the rest (issue 10).
        carried_instroom = planning.backlogs([c.instroom_quota for c in mine], instroom)
        for cell, quarter, done, done_instroom, backlog, instroom_backlog in zip(
            mine, quarters, submitted, instroom, carried, carried_instroom, strict=True
        ):
            rows.append(QuotaRow(
                corporation_id=corporation_id, corporation=names[corporation_id],
                quarter=quarter, quota=cell.quota, submitted=done,
                instroom_quota=cell.instroom_quota, instroom_submitted=done_instroom,
                backlog=backlog, instroom_backlog=instroom_backlog,
            ))
    return rows


def quarter_quotas(session: Session, quarter: str) -> list[QuotaRow]:
    """Return the quota rows of one quarter, written like 2019Q3."""
    try:
        wanted = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    return [row for row in year_quotas(session, wanted.year) if row.quarter == str(wanted)]


# --- contingents ------------------------------------------------------------------------------


def _may_manage_contingents(actor: Any) -> None:
    # Beter Wonen divides the contingents; a matcher or an administrator may hold that right
    # too, but holding the role alone is not enough (product.md section 2).
    require_role(actor, Role.MATCHER, Role.ADMIN, Role.CARE_PROVIDER)
    if not actor.contingent_manager:
        raise PermissionDenied("only the contingent manager may divide contingents")


def waiting_on_first_of_january(session: Session, year: int) -> dict[int, int]:
    """Count, per care provider, the clients whose state on 1 January was `waiting`."""
    cutoff = datetime(year, 1, 1, tzinfo=UTC)
    last_event = (
        select(ClientEvent.client_id, func.max(ClientEvent.id).label("last_id"))
        .where(ClientEvent.at < cutoff)
        .group_by(col(ClientEvent.client_id))
        .subquery()
    )
    rows = session.exec(
        select(Client.care_provider_id, func.count())
        .join(last_event, last_event.c.client_id == Client.id)
        .join(ClientEvent, col(ClientEvent.id) == last_event.c.last_id)
        .where(ClientEvent.to_state == ClientState.WAITING)
        .group_by(col(Client.care_provider_id))
    ).all()
    return {provider: count for provider, count in rows}


@service
def set_default_contingents(
    session: Session, *, year: int, actor: Any, now: datetime | None = None
) -> dict[int, int]:
    """Divide the year's task over care providers by their waiting clients on 1 January, for a
    year that has no contingents yet (the default would overwrite manual, logged edits)."""
    _may_manage_contingents(actor)
    # Provisional contingents (the previous year's shares, written on the year's first day)
    # give way to the manager's own division; confirmed or edited ones do not.
    if session.exec(select(Contingent.year).where(
            Contingent.year == year, col(Contingent.provisional).is_(False))).first() is not None:
        raise ValidationFailed(
            {"year": f"{year} has contingents already; change them per care provider"}
        )
    moment = now or utcnow()
    providers = session.exec(
        select(Organisation.id)
        .where(Organisation.kind == OrganisationKind.CARE_PROVIDER)
        .order_by(col(Organisation.id))
    ).all()
    waiting = waiting_on_first_of_january(session, year)
    shares = planning.default_contingents(
        year_parameters(session, year).mobw_task,
        {str(p): waiting.get(p, 0) for p in providers if p is not None},
    )
    result = {int(k): v for k, v in shares.items()}
    for provider_id, value in result.items():
        _write_contingent(session, year, provider_id, value, actor, moment,
                          "default: proportional to waiting clients on 1 January", manual=False)
    commit(session)
    return result


@service
def edit_contingent(
    session: Session, *, year: int, care_provider_id: int, contingent: int, reason: str,
    actor: Any, now: datetime | None = None,
) -> Contingent:
    """Set one care provider's contingent by hand; the change is logged with its reason."""
    _may_manage_contingents(actor)
    provider = session.get(Organisation, care_provider_id)
    if provider is None or provider.kind != OrganisationKind.CARE_PROVIDER:
        raise NotFound(f"care provider {care_provider_id} not found")
    problems = {}
    if contingent < 0:
        problems["contingent"] = "cannot be negative"
    if not (reason or "").strip():
        problems["reason"] = "a reason is required for a manual change"
    if problems:
        raise ValidationFailed(problems)
    row = _write_contingent(session, year, care_provider_id, contingent, actor,
                            now or utcnow(), reason.strip(), manual=True)
    commit(session)
    return row


def _write_contingent(
    session: Session, year: int, provider_id: int, value: int, actor: Any, moment: datetime,
    reason: str, *, manual: bool,
) -> Contingent:
    row = session.get(Contingent, (year, provider_id))
    old = row.contingent if row is not None else None
    if row is None:
        row = Contingent(year=year, care_provider_id=provider_id, contingent=value, manual=manual)
        session.add(row)
    else:
        row.contingent, row.manual = value, manual
        if not manual:  # the manager's default division replaces a provisional one
            row.provisional = False
    if old != value:
        session.add(ContingentChange(
            year=year, care_provider_id=provider_id, old_value=old, new_value=value,
            actor_user_id=getattr(actor, "id", None), reason=reason[:500], at=moment,
        ))
    return row


@dataclass(frozen=True)
class ContingentRow:
    care_provider_id: int
    care_provider: str
    contingent: int
    proposed: int
    housed: int
    remaining: int


def contingent_overview(
    session: Session, year: int, before: datetime | None = None,
    proposed: Mapping[int, int] | None = None,
) -> list[ContingentRow]:
    """Per care provider: contingent, clients now proposed, housed this year, remaining.
    With `before`: clients proposed then and leases made by then (from the event history);
    `proposed`: the clients proposed then per care provider, when the caller counted them
    already (the reports read the clients' history once for several figures)."""
    contingents = {
        c.care_provider_id: c.contingent
        for c in session.exec(select(Contingent).where(Contingent.year == year))
    }
    if proposed is None:
        proposing = select(Client.care_provider_id, func.count())
        if before is None:
            proposing = proposing.where(Client.state == ClientState.PROPOSED)
        else:
            then = states_then(session, ClientEvent, "client_id", before)
            proposing = proposing.join(then, then.c.row_id == Client.id).where(
                then.c.state == ClientState.PROPOSED
            )
        proposed = dict(session.exec(proposing.group_by(col(Client.care_provider_id))).all())
    housing = select(Lease.care_provider_id, func.count()).where(
        Lease.client_id.is_not(None),  # type: ignore[union-attr]
        Lease.start_on >= date(year, 1, 1),
        Lease.start_on <= date(year, 12, 31),
    )
    if before is not None:
        housing = housing.where(col(Lease.created_at) < before)
    housed = dict(session.exec(housing.group_by(col(Lease.care_provider_id))).all())
    names = {
        o.id: o.name
        for o in session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.CARE_PROVIDER)
        )
    }
    rows = []
    for provider_id, name in sorted(names.items(), key=lambda item: item[1]):
        assert provider_id is not None
        contingent = contingents.get(provider_id, 0)
        done = int(housed.get(provider_id, 0))
        rows.append(ContingentRow(
            care_provider_id=provider_id, care_provider=name, contingent=contingent,
            proposed=int(proposed.get(provider_id, 0)), housed=done,
            remaining=max(0, contingent - done),
        ))
    return rows
