"""The waiting pool's profile: how many waiting clients share what the hard rules read.

Counting a dwelling's exclusions client by client scans the whole pool on every request. The
rules read few attributes (phase, flip-lease consent, household size, birth year, whether the
income is under the housing-benefit limit, needs, districts to avoid), and most clients share
their combination with many others, so the pool condenses into a few thousand profiles. The
engine counts over those (matching/engine/counts.py) and reads the clients themselves only for
the few questions a profile cannot answer: a dwelling's earmarks and its earlier rejections.

The profile is kept exact by every commit that changes a client, in that same transaction:
the first flush that touches a client notes its values as they were when the transaction
began; at commit the profile takes off the old combination and adds the new one. Per target
group, the number of waiting clients and the sum of their waiting starts are kept the same way
for the ranking's average wait.

Whether an income is under the limit depends on the year's limits, and the rules compare a
client's age (the year less the birth year) with three ages only, so the profile keeps, in
place of the birth year, the birth year of the youngest age that compares the same: a few age
classes instead of every birth year. It records the year and limits it was classified under
(the basis). The engine uses it only while those are the limits
of the year it ranks for; otherwise it scans the clients, until the daily tick (or a change of
the limits) rebuilds the profile for the new year. A database that has no basis yet gets one
at the first commit that changes a client. Writes that bypass the ORM (bulk loads) must call
`rebuild`.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, case, cast, delete, event, func, insert, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from matching.engine.facts import Limits, limits_for
from matching.models import Client, PoolGroupTotal, PoolProfile, PoolProfileBasis
from matching.parameters import year_parameters
from matching.vocabulary import ClientState, utcnow
from matching.workdays import local_date

# Each need a dwelling can fail, as one bit of PoolProfile.needs_mask.
NEED_BITS = {"ground_floor": 1, "lift": 2, "wheelchair": 4}

# The client columns the profile and the group totals are made of, in this order.
TRACKED = ("state", "phase", "flip_lease_ok", "adults", "children", "birth_year",
           "annual_income", "needs", "excluded_wijken", "target_group", "waiting_since")
_TRACKED_COLUMNS = tuple(col(getattr(Client, name)) for name in TRACKED)
_KEY_COLUMNS = ("phase", "flip_lease_ok", "persons", "birth_year", "below_income_limit",
                "needs_mask", "excluded_wijken")

# session.info key: client id -> its TRACKED values when the transaction began (None: new).
_TOUCHED = "matching.pool_profile.touched"
# session.info key: set while a bulk load leaves the profile aside (`paused`).
_PAUSED = "matching.pool_profile.paused"
# PostgreSQL advisory lock: shared by commits that adjust the profile, exclusive for a rebuild.
_PROFILE_LOCK = 0x504F4F4C50524F46  # "POOLPROF"

ProfileKey = tuple[str, bool, int, int, bool, int, str]


@dataclass(frozen=True)
class Basis:
    """The year and limits a profile is classified under: the income limits for
    `below_income_limit`, the year and the ages the rules compare with for `birth_year`."""

    year: int
    income_limit_single: int
    income_limit_multi: int
    youth_min_age: int
    youth_age: int
    senior_age: int

    def class_birth_year(self, birth_year: int) -> int:
        """Return the birth year that stands for `birth_year` in the profile: that of the
        highest of the rules' ages at or below the client's age (or one year below the lowest
        of them). Every rule compares the age with one of those ages, so the two birth years
        pass and fail the same rules in this year."""
        age = self.year - birth_year
        ages = sorted({self.youth_min_age, self.youth_age, self.senior_age})
        reached = [limit for limit in ages if limit <= age]
        return self.year - (reached[-1] if reached else ages[0] - 1)


def basis_for(limits: Limits) -> Basis:
    return Basis(limits.today.year, limits.housing_benefit_income_limit_single,
                 limits.housing_benefit_income_limit_multi, limits.youth_min_age,
                 limits.youth_age, limits.senior_age)


def needs_mask(needs: Iterable[str]) -> int:
    return sum(NEED_BITS.get(need, 0) for need in set(needs))


def wijken_text(wijken: Iterable[str]) -> str:
    """The districts as one canonical text (sorted JSON, written as the JSON columns are),
    searched by the rules' SQL."""
    return json.dumps(sorted(set(wijken)))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):  # a JSON column read as text
        return list(json.loads(value))
    return list(value or ())


def profile_key(values: Mapping[str, Any], basis: Basis) -> ProfileKey | None:
    """Return the profile of a client's TRACKED values, or None when it is not waiting."""
    if values["state"] != ClientState.WAITING:
        return None
    persons = int(values["adults"]) + int(values["children"])
    limit = basis.income_limit_single if persons == 1 else basis.income_limit_multi
    # A waiting client always has both (retention erases only those who left); the zeros
    # keep a commit from failing on one that somehow has not.
    income, birth_year = values["annual_income"] or 0, values["birth_year"] or 0
    return (str(values["phase"]), bool(values["flip_lease_ok"]), persons,
            basis.class_birth_year(int(birth_year)), int(income) < limit,
            needs_mask(_as_list(values["needs"])),
            wijken_text(_as_list(values["excluded_wijken"])))


def group_key(values: Mapping[str, Any]) -> tuple[str, int] | None:
    """Return (target group, waiting start as an ordinal) of a waiting client, else None."""
    if values["state"] != ClientState.WAITING:
        return None
    return str(values["target_group"]), values["waiting_since"].toordinal()


# --- reading ------------------------------------------------------------------------------


BASIS_COLUMNS: tuple[Any, ...] = tuple(
    col(getattr(PoolProfileBasis, name)) for name in Basis.__annotations__)


def current_basis(connection: Connection) -> Basis | None:
    row = connection.execute(select(*BASIS_COLUMNS)).first()
    return Basis(*row) if row else None


def is_current(connection: Connection, limits: Limits) -> bool:
    """Whether the profile holds and was classified for these limits' year."""
    return current_basis(connection) == basis_for(limits)


# --- rebuilding ---------------------------------------------------------------------------


def _lock(connection: Connection, *, exclusive: bool) -> None:
    """Make a rebuild wait for commits adjusting the profile, and them for it (PostgreSQL;
    SQLite has one writer at a time anyway)."""
    if connection.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        connection.execute(text(f"SELECT {function}(:key)"), {"key": _PROFILE_LOCK})


@dataclass
class Tally:
    """The profile's counts and the totals per target group, as the tables hold them."""

    profiles: Counter[ProfileKey]
    groups: Counter[str]
    since: Counter[str]  # per group, the sum of the waiting starts as ordinals


def count_pool(connection: Connection, basis: Basis) -> Tally:
    """Count the waiting clients into profiles classified under `basis`. The database
    groups the pool; Python only makes the keys canonical (the same needs or districts may
    be stored in another order)."""
    persons = col(Client.adults) + col(Client.children)
    limit = case((persons == 1, basis.income_limit_single), else_=basis.income_limit_multi)
    below = func.coalesce(col(Client.annual_income), 0) < limit  # as profile_key
    needs, wijken = cast(Client.needs, String), cast(Client.excluded_wijken, String)
    waiting = col(Client.state) == ClientState.WAITING
    tally = Tally(Counter(), Counter(), Counter())
    for phase, flip_ok, size, birth_year, is_below, need_list, avoid, count in connection.execute(
        select(col(Client.phase), col(Client.flip_lease_ok), persons, col(Client.birth_year),
               below, needs, wijken, func.count())
        .where(waiting)
        .group_by(col(Client.phase), col(Client.flip_lease_ok), persons,
                  col(Client.birth_year), below, needs, wijken)
    ):
        tally.profiles[(str(phase), bool(flip_ok), int(size),
                        basis.class_birth_year(int(birth_year or 0)),
                        bool(is_below), needs_mask(_as_list(need_list)),
                        wijken_text(_as_list(avoid)))] += int(count)
    for group, start, count in connection.execute(
        select(col(Client.target_group), col(Client.waiting_since), func.count())
        .where(waiting).group_by(col(Client.target_group), col(Client.waiting_since))
    ):
        tally.groups[group] += int(count)
        tally.since[group] += _as_date(start).toordinal() * int(count)
    return tally


def stored(connection: Connection) -> Tally:
    """What the profile's tables hold now (profiles and groups left at zero are left out)."""
    tally = Tally(Counter(), Counter(), Counter())
    for row in connection.execute(select(PoolProfile.__table__)):  # type: ignore[attr-defined]
        if row.clients:
            tally.profiles[tuple(getattr(row, name) for name in _KEY_COLUMNS)] = row.clients
    for group, clients, since in connection.execute(select(
            col(PoolGroupTotal.target_group), col(PoolGroupTotal.clients),
            col(PoolGroupTotal.since_ordinal_sum))):
        if clients:
            tally.groups[group], tally.since[group] = clients, since
    return tally


def rebuild(connection: Connection, basis: Basis) -> int:
    """Replace the profile by a new count classified under `basis`; return how many
    profiles there are."""
    _lock(connection, exclusive=True)
    tally = count_pool(connection, basis)
    connection.execute(delete(PoolProfile))
    connection.execute(delete(PoolGroupTotal))
    connection.execute(delete(PoolProfileBasis))
    connection.execute(insert(PoolProfileBasis).values(
        id=1, built_at=utcnow(), **asdict(basis)))
    if tally.profiles:
        connection.execute(insert(PoolProfile), [
            {**dict(zip(_KEY_COLUMNS, key, strict=True)), "clients": count}
            for key, count in sorted(tally.profiles.items())])
    if tally.groups:
        connection.execute(insert(PoolGroupTotal), [
            {"target_group": group, "clients": count, "since_ordinal_sum": tally.since[group]}
            for group, count in sorted(tally.groups.items())])
    return len(tally.profiles)


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def refresh(session: Any, today: date) -> bool:
    """Rebuild the profile when it is missing or classified for another year or other limits
    than `today`'s (the daily tick, a change of the limits); return whether it did."""
    if is_paused(session):
        return False  # rebuilt once when the bulk load ends
    basis = basis_for(limits_for(year_parameters(session, today.year), today))
    connection = session.connection()
    if current_basis(connection) == basis:
        return False
    rebuild(connection, basis)
    return True


def is_paused(session: Any) -> bool:
    """Whether `session` runs a bulk load that leaves the profile aside (`paused`)."""
    return bool(session.info.get(_PAUSED))


@contextmanager
def paused(session: Any) -> Iterator[None]:
    """Leave the profile aside while `session` runs a bulk load through the services (the
    demo's thousands of commits, each of which would adjust it): the basis is removed, so the
    engine scans the clients meanwhile, and the profile is rebuilt once at the end. Meant for
    a database nobody else writes to during the load."""
    connection = session.connection()
    _lock(connection, exclusive=True)
    connection.execute(delete(PoolProfileBasis))
    session.commit()
    session.info[_PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(_PAUSED, None)
        session.rollback()  # what the load left unfinished
    today = local_date(utcnow())
    rebuild(session.connection(),
            basis_for(limits_for(year_parameters(session, today.year), today)))
    session.commit()


# --- keeping it up to date ----------------------------------------------------------------


def _tracked_changes(client: Client) -> bool:
    state = inspect(client)
    return any(state.attrs[name].history.has_changes() for name in TRACKED)


def _values_before(client: Client) -> dict[str, Any] | None:
    """Return the client's TRACKED values before its pending changes, from what the session
    loaded; None when one of them was never loaded (then the row must be read)."""
    state = inspect(client)
    values = {}
    for name in TRACKED:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        else:
            return None
    return values


@event.listens_for(Session, "before_flush")
def _note_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Note, at its first change in this transaction, what a client was before it."""
    touched: dict[int, dict[str, Any] | None] = session.info.setdefault(_TOUCHED, {})
    unread = []
    for obj in (*session.dirty, *session.deleted):
        if not isinstance(obj, Client) or obj.id is None or obj.id in touched:
            continue
        if obj in session.deleted or _tracked_changes(obj):
            values = _values_before(obj)
            if values is None:
                unread.append(obj.id)
            else:
                touched[obj.id] = values
    if unread:
        # Not flushed yet, so the rows still hold what the transaction began with.
        for row in session.connection().execute(
                select(col(Client.id), *_TRACKED_COLUMNS).where(col(Client.id).in_(unread))):
            touched[row[0]] = dict(zip(TRACKED, row[1:], strict=True))


@event.listens_for(Session, "after_flush")
def _note_new(session: Session, _context: Any) -> None:
    touched: dict[int, dict[str, Any] | None] = session.info.setdefault(_TOUCHED, {})
    for obj in session.new:
        if isinstance(obj, Client) and obj.id is not None:
            touched.setdefault(obj.id, None)


# First among the commit's listeners: the access log takes its lock last of all
# (matching/audit/record.py), so its holder never waits for a profile row.
@event.listens_for(Session, "before_commit", insert=True)
def _adjust_at_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the clients' changes go with the transaction around it
    if session.new or session.dirty or session.deleted:
        session.flush()  # a client changed since the last flush is noted by this one
    touched = session.info.pop(_TOUCHED, None)
    if touched and not is_paused(session) and _may_move_the_pool(session, touched):
        adjust(session, touched)


def _waiting_now(session: Session, client_id: int) -> bool | None:
    """Whether a client is waiting as this transaction left it (it is flushed, and a
    stale copy could not have been: the version check refuses its write); None when the
    session does not hold its state."""
    client = session.identity_map.get(identity_key(Client, client_id))
    if client is None or "state" in inspect(client).unloaded:
        return None
    return client.state == ClientState.WAITING


def _may_move_the_pool(session: Session, before: Mapping[int, Mapping[str, Any] | None]
                       ) -> bool:
    """Whether a touched client was or is waiting: only the waiting are in the profile and
    the group totals, so a commit that registers, matches, offers or houses clients leaves
    them as they are, and need not take the profile's lock or read anything."""
    return any(
        (old is not None and old["state"] == ClientState.WAITING)
        or _waiting_now(session, client_id) is not False
        for client_id, old in before.items())


@event.listens_for(Session, "after_transaction_end")
def _forget_touched(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)


def adjust(session: Session, before: Mapping[int, Mapping[str, Any] | None]) -> None:
    """Move the touched clients from the profiles they had to the ones they have now."""
    connection = session.connection()
    _lock(connection, exclusive=False)
    basis = current_basis(connection)
    if basis is None:
        # The first commit that changes a client builds the profile, this one's changes
        # included (they are flushed).
        refresh(session, local_date(utcnow()))
        return
    now = {row[0]: dict(zip(TRACKED, row[1:], strict=True)) for row in connection.execute(
        select(col(Client.id), *_TRACKED_COLUMNS).where(col(Client.id).in_(list(before))))}
    profiles: Counter[ProfileKey] = Counter()
    groups: Counter[str] = Counter()
    since: Counter[str] = Counter()
    for client_id, old in before.items():
        for values, sign in ((old, -1), (now.get(client_id), 1)):
            if values is None:
                continue
            key = profile_key(values, basis)
            if key is not None:
                profiles[key] += sign
            group = group_key(values)
            if group is not None:
                groups[group[0]] += sign
                since[group[0]] += sign * group[1]
    _upsert(connection, PoolProfile, ("clients",), {
        key: {**dict(zip(_KEY_COLUMNS, key, strict=True)), "clients": change}
        for key, change in profiles.items() if change})
    _upsert(connection, PoolGroupTotal, ("clients", "since_ordinal_sum"), {
        (group,): {"target_group": group, "clients": change,
                   "since_ordinal_sum": since[group]}
        for group, change in groups.items() if change or since[group]})


def _upsert(connection: Connection, model: Any, added: tuple[str, ...],
            rows: Mapping[tuple[Any, ...], dict[str, Any]]) -> None:
    """Add each row's `added` values to the row with its key, or insert it. Sorted by key,
    so two commits lock the same rows in the same order."""
    if not rows:
        return
    table = model.__table__
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(table)
    if model is PoolProfile:
        target: Any = {"constraint": "uq_pool_profile_key"} if connection.dialect.name == \
            "postgresql" else {"index_elements": list(_KEY_COLUMNS)}
    else:
        target = {"index_elements": ["target_group"]}
    statement = statement.on_conflict_do_update(
        **target, set_={name: table.c[name] + statement.excluded[name] for name in added})
    connection.execute(statement, [rows[key] for key in sorted(rows)])
