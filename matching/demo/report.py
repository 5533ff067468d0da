"""What the demo loaded: the volumes by state, the logins, and both as text for the CLI."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from matching.demo.population import DEMO_PASSWORD, LOGINS
from matching.models import Candidate, Client, Dwelling, Lease, Proposal

# Where a newcomer finds the rest: the admin's list of users (the admin sets up a second
# factor at the first sign-in).
OTHER_USERS = "listed at /beheer/gebruikers when signed in as beheer@demo.example"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str
    password: str


@dataclass
class DemoReport:
    """What the demo loaded: volumes by state and the logins to try it with."""

    today: date
    seed: int
    dwellings_by_state: dict[str, int]
    clients_by_state: dict[str, int]
    rounds_by_state: dict[str, int]
    rejections_by_reason: dict[str, int]
    leases_by_type_and_state: dict[str, dict[str, int]]
    logins: list[DemoLogin]
    service_users: list[DemoLogin] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return sum(self.rounds_by_state.values())

    @property
    def rejections(self) -> int:
        return sum(self.rejections_by_reason.values())

    @property
    def users(self) -> list[DemoLogin]:
        return [*self.logins, *self.service_users]

    def summary(self) -> str:
        """Return the volumes and the logins as text for the command line."""

        def line(title: str, counts: dict[str, int]) -> str:
            listed = ", ".join(f"{name} {n}" for name, n in counts.items())
            return f"{title} ({sum(counts.values())}): {listed}"

        lines = [
            f"demo year up to {self.today.isoformat()} loaded (seed {self.seed})",
            line("dwellings", self.dwellings_by_state),
            line("clients", self.clients_by_state),
            line("rounds", self.rounds_by_state),
            line("rejected candidates", self.rejections_by_reason),
        ]
        lines += [line(f"{kind} leases", c) for kind, c in self.leases_by_type_and_state.items()]
        lines.append(f"logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {u.email:<26} {u.role:<14} {u.organisation}" for u in self.logins]
        lines.append(f"and {len(self.service_users)} users of the other organisations with that "
                     f"password, {OTHER_USERS}")
        return "\n".join(lines)


def role_logins_text() -> str:
    """Return the demo's login per role, for printing when the demo is already loaded."""
    lines = [f"logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {email:<26} {role:<14} {org}" for email, org, role, _ in LOGINS]
    lines.append(f"the users of the other organisations share that password, {OTHER_USERS}")
    return "\n".join(lines)


def _by_state(session: Session, model: Any) -> dict[str, int]:
    state = col(model.state)
    rows = session.exec(select(state, func.count()).group_by(state).order_by(state)).all()
    return {str(name): int(n) for name, n in rows}


def count_demo(session: Session, seed: int, today: date, logins: list[DemoLogin],
               service_users: list[DemoLogin]) -> DemoReport:
    """Count what is in the database by state and return it with the logins."""
    leases: dict[str, dict[str, int]] = {}
    kind, state = col(Lease.lease_type), col(Lease.state)
    for name, value, n in session.exec(select(kind, state, func.count()).group_by(kind, state)
                                       .order_by(kind, state)).all():
        leases.setdefault(str(name), {})[str(value)] = int(n)
    rejected = session.exec(
        select(Candidate.reason_code, func.count()).where(Candidate.state == "rejected")
        .group_by(col(Candidate.reason_code)).order_by(col(Candidate.reason_code))).all()
    return DemoReport(
        today=today, seed=seed,
        dwellings_by_state=_by_state(session, Dwelling),
        clients_by_state=_by_state(session, Client),
        rounds_by_state=_by_state(session, Proposal),
        rejections_by_reason={str(code): n for code, n in rejected},
        leases_by_type_and_state=leases, logins=logins, service_users=service_users)
