"""SSH's cap on special groups per student complex (Plan van Aanpak 2019, [001]).

In its student complexes SSH lets at most `student_complex_special_share_pct` (15) percent of
the self-contained units to special groups. The system counts it as follows:

- the units (denominator): the self-contained dwellings registered in the system with that
  `student_complex` code, whatever their state (the system knows no other stock of the
  complex; SSH registers a complex's units to make its cap count);
- the special-group lets (numerator): the leases of those dwellings that have not ended;
  every client in this system belongs to a special group, so every such lease counts;
- the cap: the share of the units, rounded down (15% of 20 units is 3 lets).

Rooms with shared facilities (not self-contained) are outside the cap. The cap is checked
when a corporation submits a self-contained dwelling of a complex already at its cap, and
when letting one would take the complex over it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from sqlmodel import Session, col, func, select

from matching.models import Dwelling, Lease
from matching.parameters import year_parameters
from matching.services.errors import ValidationFailed
from matching.vocabulary import LeaseState

REASON_CODE = "student_complex_cap"


@dataclass(frozen=True)
class ComplexShare:
    """One student complex's special-group lets against its cap in a year."""

    code: str
    units: int  # self-contained dwellings registered with the code
    let: int  # of those, let to special groups (leases not ended)
    pct: Decimal  # the year's share

    @property
    def cap(self) -> int:
        return int((Decimal(self.units) * self.pct / 100).to_integral_value(ROUND_FLOOR))

    @property
    def pct_text(self) -> str:
        """The share as people write it: 15, not 15.0000."""
        return f"{self.pct.normalize():f}"

    @property
    def full(self) -> bool:
        return self.let >= self.cap


def complex_share(session: Session, code: str, year: int) -> ComplexShare:
    """Count a student complex's self-contained units and their lets to special groups."""
    units = session.exec(
        select(func.count()).select_from(Dwelling)
        .where(Dwelling.student_complex == code, col(Dwelling.self_contained))
    ).one()
    let = session.exec(
        select(func.count()).select_from(Lease)
        .join(Dwelling, col(Dwelling.id) == col(Lease.dwelling_id))
        .where(Dwelling.student_complex == code, col(Dwelling.self_contained),
               col(Lease.client_id).is_not(None), Lease.state != LeaseState.ENDED)
    ).one()
    pct = year_parameters(session, year).student_complex_special_share_pct
    return ComplexShare(code, int(units), int(let), pct)


class StudentComplexFull(ValidationFailed):
    """The student complex has reached its share of special-group lets."""

    def __init__(self, share: ComplexShare) -> None:
        self.share = share
        super().__init__(
            {"student_complex": (
                f"student complex {share.code} is at its cap: {share.let} of its "
                f"{share.units} self-contained units are let to special groups, at most "
                f"{share.cap} ({share.pct_text}%) may be ({REASON_CODE})")},
            message="student complex cap reached",
        )

    @property
    def text_nl(self) -> str:
        s = self.share
        return (f"Studentencomplex {s.code} zit aan het maximum: {s.let} van de {s.units} "
                f"zelfstandige woningen zijn verhuurd aan bijzondere doelgroepen, hoogstens "
                f"{s.cap} ({s.pct_text}%) mag.")


def check_student_complex_cap(session: Session, dwelling: Dwelling, on: date) -> None:
    """Refuse another special-group let in a student complex that is at its cap."""
    if not dwelling.student_complex or not dwelling.self_contained:
        return
    share = complex_share(session, dwelling.student_complex, on.year)
    if share.full:
        raise StudentComplexFull(share)
