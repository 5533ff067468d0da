"""Reference data from seeds/: organisations, groups, reason codes, year parameters and the
figures of the documents (tasks, targets, priority lettings before the system).

Loading is an upsert on each table's natural key, so running it twice changes nothing.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from matching.models import (
    AllocationTarget,
    CorporationWeight,
    District,
    InstitutionFlipTarget,
    Organisation,
    PriorityLettingsReference,
    ReasonCode,
    StatushouderTask,
    TargetGroup,
    YearParameter,
)
from matching.resources import resource_dir
from matching.services.unit_of_work import commit


@dataclass
class LoadReport:
    """How many rows each file added or changed."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, file: str) -> None:
        self.added[file] = self.added.get(file, 0) + 1

    def change(self, file: str) -> None:
        self.changed[file] = self.changed.get(file, 0) + 1

    @property
    def total_changes(self) -> int:
        return sum(self.added.values()) + sum(self.changed.values())


def _rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {key.strip(): (value or "").strip() for key, value in row.items() if key}


def _bool(text: str) -> bool:
    return text.lower() in ("true", "1", "yes", "ja")


def _upsert(
    session: Session, report: LoadReport, file: str, row: object, key: object,
    *, keep_existing: bool = False,
) -> None:
    """Insert `row`, or copy its values onto the existing row with the same key; with
    `keep_existing`, an existing row is left as it is (administrators own it once loaded)."""
    model = type(row)
    existing = session.get(model, key)
    if existing is None:
        session.add(row)
        report.add(file)
        return
    if keep_existing:
        return
    changed = False
    for name in model.model_fields:  # type: ignore[attr-defined]
        new = getattr(row, name)
        if getattr(existing, name) != new:
            setattr(existing, name, new)
            changed = True
    if changed:
        report.change(file)


def _organisation_ids(session: Session) -> dict[str, int]:
    return {o.name: o.id for o in session.exec(select(Organisation)) if o.id is not None}


def load_reference(session: Session, folder: Path | None = None) -> LoadReport:
    """Load every reference file; return what was added or changed."""
    folder = folder or resource_dir("seeds")
    report = LoadReport()

    known = {o.name: o for o in session.exec(select(Organisation))}
    for row in _rows(folder, "organisations.csv"):
        org = known.get(row["name"])
        # An empty has_agreements cell: the landlord has agreements (every STUW corporation).
        agreements = _bool(row.get("has_agreements") or "true")
        if org is None:
            session.add(Organisation(name=row["name"], kind=row["kind"],
                                     has_agreements=agreements))
            report.add("organisations.csv")
        elif org.kind != row["kind"] or org.has_agreements != agreements:
            org.kind = row["kind"]
            org.has_agreements = agreements
            report.change("organisations.csv")
    session.flush()
    org_ids = _organisation_ids(session)

    for order, row in enumerate(_rows(folder, "target_groups.csv")):
        group = TargetGroup(
            code=row["code"], label_nl=row["label_nl"], label_en=row["label_en"],
            phase=row["phase"], sort_order=order,
        )
        _upsert(session, report, "target_groups.csv", group, row["code"])
    for row in _rows(folder, "reason_codes.csv"):
        reason = ReasonCode(
            code=row["code"], kind=row["kind"], label_nl=row["label_nl"],
            label_en=row["label_en"], needs_motivation=_bool(row["needs_motivation"]),
            vera_status=row.get("vera_status") or None,
        )
        # Administrators edit labels and rules of reason codes and year parameters on the
        # admin pages; a later `seed reference` must not undo their work.
        _upsert(session, report, "reason_codes.csv", reason, row["code"], keep_existing=True)
    for row in _rows(folder, "districts.csv"):
        share = row.get("social_stock_share_pct") or None
        district = District(
            name=row["name"], kind=row["kind"],
            social_stock_share_pct=Decimal(share) if share else None,
            to_spare=_bool(row.get("to_spare") or ""),
        )
        _upsert(session, report, "districts.csv", district, row["name"])
    for row in _rows(folder, "year_parameters.csv"):
        parameter = YearParameter(
            year=int(row["year"]), name=row["parameter"], value=Decimal(row["value"]),
            is_assumption=_bool(row["is_assumption"]), source=row["source"][:300],
        )
        _upsert(session, report, "year_parameters.csv", parameter,
                (parameter.year, parameter.name), keep_existing=True)
    for row in _rows(folder, "corporation_weights.csv"):
        weight = CorporationWeight(
            year=int(row["year"]), corporation_id=org_ids[row["corporation"]],
            weight=Decimal(row["weight"]), is_assumption=_bool(row["is_assumption"]),
            source=row["source"][:300],
        )
        _upsert(session, report, "corporation_weights.csv", weight,
                (weight.year, weight.corporation_id))
    for row in _rows(folder, "statushouder_tasks.csv"):
        task = StatushouderTask(
            half_year=row["half_year"], task=int(row["task"]),
            backlog_start=int(row["backlog_start"]) if row.get("backlog_start") else None,
            realised=int(row["realised"]) if row.get("realised") else None,
            source=row["source"][:300],
        )
        _upsert(session, report, "statushouder_tasks.csv", task, row["half_year"])
    for row in _rows(folder, "priority_lettings.csv"):
        alternative = row.get("alternative_total") or None
        figure = PriorityLettingsReference(
            year=int(row["year"]), priority_lettings=int(row["priority_lettings"]),
            total_lettings=int(row["total_lettings"]),
            alternative_total=int(alternative) if alternative else None,
            source=row["source"][:300],
        )
        _upsert(session, report, "priority_lettings.csv", figure, figure.year)
    for row in _rows(folder, "institution_flip_targets.csv"):
        target = InstitutionFlipTarget(
            year=int(row["year"]), care_provider_id=org_ids[row["care_provider"]],
            target=int(row["target"]), source=row["source"][:300],
        )
        _upsert(session, report, "institution_flip_targets.csv", target,
                (target.year, target.care_provider_id))
    session.flush()
    _load_allocation_targets(session, folder, report)
    commit(session)
    return report


def _load_allocation_targets(session: Session, folder: Path, report: LoadReport) -> None:
    existing = {(t.year, t.group): t for t in session.exec(select(AllocationTarget))}
    for row in _rows(folder, "allocation_targets.csv"):
        new = AllocationTarget(
            year=int(row["year"]), group=row["group"], places=int(row["places"]),
            target_group=row.get("target_group") or None,
            requested_from_corporations=_bool(row["requested_from_corporations"]),
            source=row["source"][:300],
        )
        target = existing.get((new.year, new.group))
        if target is None:
            session.add(new)
            report.add("allocation_targets.csv")
            continue
        names = ("places", "target_group", "requested_from_corporations", "source")
        if any(getattr(target, n) != getattr(new, n) for n in names):
            for n in names:
                setattr(target, n, getattr(new, n))
            report.change("allocation_targets.csv")


def reason_code_of_kind(session: Session, code: str, kind: str) -> ReasonCode | None:
    """Return the active reason code `code` if it is of `kind` (landlord or candidate)."""
    reason = session.get(ReasonCode, code)
    if reason is None or reason.kind != kind or not reason.active:
        return None
    return reason


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.name == name)).first()
