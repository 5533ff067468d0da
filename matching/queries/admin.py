"""Read side of the administrator's pages: users, organisations, reason codes, parameters."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.access import require_role
from matching.errors import NotFound
from matching.models import Organisation, ReasonCode, User, YearParameter
from matching.paging import Page, paginate
from matching.parameters import year_parameters
from matching.services.parameter_values import PARAMETER_TYPES
from matching.vocabulary import Role


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    organisation: str
    organisation_kind: str
    role: str
    contingent_manager: bool
    active: bool
    created_at: datetime


def _user_row(user: User, organisation: Organisation) -> UserRow:
    assert user.id is not None
    return UserRow(
        id=user.id, email=user.email, organisation=organisation.name,
        organisation_kind=organisation.kind, role=user.role,
        contingent_manager=user.contingent_manager, active=user.active,
        created_at=user.created_at,
    )


def users_page(
    session: Session, *, actor: Any, search: str | None = None,
    organisation_id: int | None = None, role: str | None = None, active: bool | None = None,
    page: int = 1, per_page: int = 50,
) -> Page[UserRow]:
    """Users of every organisation, by e-mail address, filtered as asked."""
    require_role(actor, Role.ADMIN)
    statement = select(User, Organisation).join(
        Organisation, col(Organisation.id) == col(User.organisation_id)
    )
    if search:
        statement = statement.where(col(User.email).contains(search.strip().lower()))
    if organisation_id is not None:
        statement = statement.where(User.organisation_id == organisation_id)
    if role:
        statement = statement.where(User.role == role)
    if active is not None:
        statement = statement.where(User.active == active)
    statement = statement.order_by(col(User.email))
    found = paginate(session, statement, page=page, per_page=per_page)
    rows = [_user_row(user, organisation) for user, organisation in found.items]
    return Page(items=rows, page=found.page, per_page=found.per_page, total=found.total)


def user_detail(session: Session, *, actor: Any, user_id: int) -> UserRow:
    """One user with their organisation."""
    require_role(actor, Role.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    organisation = session.get(Organisation, user.organisation_id)
    assert organisation is not None
    return _user_row(user, organisation)


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: str
    active: bool
    active_users: int


def organisations_page(
    session: Session, *, actor: Any, search: str | None = None, kind: str | None = None,
    page: int = 1, per_page: int = 50,
) -> Page[OrganisationRow]:
    """Organisations by name, each with its number of active users."""
    require_role(actor, Role.ADMIN)
    active_users = (
        select(func.count(col(User.id)))
        .where(User.organisation_id == Organisation.id, col(User.active).is_(True))
        .correlate(Organisation)
        .scalar_subquery()
    )
    statement = select(Organisation, active_users)
    if search:
        statement = statement.where(
            func.lower(Organisation.name).contains(search.strip().lower())
        )
    if kind:
        statement = statement.where(Organisation.kind == kind)
    statement = statement.order_by(func.lower(Organisation.name))
    found = paginate(session, statement, page=page, per_page=per_page)
    rows = [
        OrganisationRow(id=o.id, name=o.name, kind=o.kind, active=o.active, active_users=n)
        for o, n in found.items
    ]
    return Page(items=rows, page=found.page, per_page=found.per_page, total=found.total)


def organisation_detail(session: Session, *, actor: Any, organisation_id: int) -> Organisation:
    """One organisation."""
    require_role(actor, Role.ADMIN)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return organisation


def organisation_choices(
    session: Session, *, actor: Any, active_only: bool = True
) -> list[tuple[int, str, str]]:
    """(id, name, kind) of the (active) organisations, by name, for choosing one."""
    require_role(actor, Role.ADMIN)
    statement = select(Organisation.id, Organisation.name, Organisation.kind)
    if active_only:
        statement = statement.where(col(Organisation.active).is_(True))
    rows = session.exec(statement.order_by(func.lower(Organisation.name))).all()
    return [(row[0], row[1], row[2]) for row in rows if row[0] is not None]


def reason_codes_page(
    session: Session, *, actor: Any, kind: str | None = None, page: int = 1, per_page: int = 50
) -> Page[ReasonCode]:
    """Reason codes, landlord's first, then by code; inactive ones included."""
    require_role(actor, Role.ADMIN)
    statement = select(ReasonCode)
    if kind:
        statement = statement.where(ReasonCode.kind == kind)
    statement = statement.order_by(col(ReasonCode.kind).desc(), col(ReasonCode.code))
    return paginate(session, statement, page=page, per_page=per_page)


def reason_code_detail(session: Session, *, actor: Any, code: str) -> ReasonCode:
    """One reason code."""
    require_role(actor, Role.ADMIN)
    reason = session.get(ReasonCode, code)
    if reason is None:
        raise NotFound(f"reason code {code} not found")
    return reason


@dataclass(frozen=True)
class ParameterRow:
    name: str
    year: int  # the year asked for
    value: Decimal | int
    whole: bool
    from_year: int | None  # None: the built-in default, no year names it
    source: str
    is_assumption: bool

    @property
    def carried_forward(self) -> bool:
        """Whether the value comes from an earlier year than the one asked for."""
        return self.from_year is not None and self.from_year < self.year


def parameter_overview(session: Session, *, actor: Any, year: int) -> list[ParameterRow]:
    """Every parameter as it holds in `year`, with the year whose value applies and its
    source; values carry forward from earlier years."""
    require_role(actor, Role.ADMIN)
    resolved = year_parameters(session, year)
    wanted = {(y, name) for name, y in resolved.supplied_by.items() if y is not None}
    sources = {
        (row.year, row.name): row
        for row in session.exec(select(YearParameter).where(YearParameter.year <= year))
        if (row.year, row.name) in wanted
    }
    rows = []
    for name, whole in PARAMETER_TYPES.items():
        from_year = resolved.supplied_by.get(name)
        origin = sources.get((from_year, name)) if from_year is not None else None
        rows.append(ParameterRow(
            name=name, year=year, value=getattr(resolved, name), whole=whole,
            from_year=from_year, source=origin.source if origin else "",
            is_assumption=bool(origin and origin.is_assumption),
        ))
    return rows


def parameter_years(session: Session, *, actor: Any) -> list[int]:
    """The years that name at least one parameter, in order."""
    require_role(actor, Role.ADMIN)
    statement = select(YearParameter.year).distinct().order_by(col(YearParameter.year))
    return list(session.exec(statement))
