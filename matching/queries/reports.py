"""Read side of the key-figures page: the reference rows behind the report's codes, so the
page can name target groups and reason codes in the reader's language (the report itself,
matching/reports, carries codes and Dutch labels for the exports)."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from matching.models import Dwelling, ReasonCode, TargetGroup
from matching.queries.clients import target_groups_by_code


@dataclass(frozen=True)
class ReportLabels:
    target_groups: dict[str, TargetGroup]
    reasons: dict[str, ReasonCode]


def report_labels(session: Session, reason_codes: Iterable[str | None]) -> ReportLabels:
    """Every target group, and the reason codes the report counts, by code."""
    codes = {code for code in reason_codes if code}
    reasons = session.exec(
        select(ReasonCode).where(col(ReasonCode.code).in_(codes))
    ).all() if codes else []
    return ReportLabels(
        target_groups=target_groups_by_code(session),
        reasons={r.code: r for r in reasons},
    )


def latest_quarter_with_dwellings(session: Session, today: str) -> str:
    """The latest quarter up to `today`'s with submitted dwellings (`today` when there is
    none), so the page opens on figures rather than on a quarter that has just begun."""
    latest = session.exec(
        select(func.max(Dwelling.quarter)).where(col(Dwelling.quarter) <= today)
    ).one()
    return str(latest or today)
