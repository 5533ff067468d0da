"""Fire a trigger on a persisted row through its workflow's machine, and record the event.

One `Machine` per workflow is built at import with `model=None`; each call wraps the row in
a throw-away adapter whose `state` property reads and writes the row's column. The caller's
session holds the row; `fire` adds the event row to it and never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import object_session
from sqlmodel import SQLModel
from transitions import EventData, Machine

from matching.vocabulary import utcnow


class TransitionNotAllowed(Exception):
    """The current state (or a guard) does not allow this trigger."""

    def __init__(self, workflow: str, state: str, trigger: str, allowed: list[str]) -> None:
        self.workflow = workflow
        self.state = state
        self.trigger = trigger
        self.allowed = allowed
        listed = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"{workflow}: '{trigger}' is not allowed in state '{state}' (allowed: {listed})"
        )


class Adapter:
    """Wrap one row for one call; guards and actions of a workflow are its methods."""

    def __init__(self, row: Any) -> None:
        self.row = row

    @property
    def state(self) -> str:
        return str(self.row.state)

    @state.setter
    def state(self, value: str) -> None:
        # The one place in the code base where a workflow row's state is written.
        self.row.state = value


@dataclass(frozen=True)
class Workflow:
    name: str
    machine: Machine
    adapter: type[Adapter]
    event_model: type[SQLModel]
    row_key: str  # the event table's column that points at the row
    # Called after every change the machine makes to a row (and at its creation) with the
    # names of the fields that changed (None: the whole new row); the client's machine
    # writes them to the access log.
    on_change: Callable[..., None] | None = None
    # Triggers only a service fires as part of a larger act (the client housed in place by
    # an institution flip): valid, but not offered in a row's allowed_triggers, which lists
    # the steps of the workflow as product.md describes it.
    unlisted: frozenset[str] = frozenset()

    def check(self, trigger: str, adapter: Adapter, kwargs: dict[str, Any]) -> bool:
        """Return whether `trigger` may fire now (state and guards) without firing it."""
        event = self.machine.events.get(trigger)
        if event is None:
            return False
        transitions = event.transitions.get(adapter.state, [])
        for transition in transitions:
            data = EventData(
                self.machine.get_state(adapter.state), event, self.machine, adapter, (), kwargs
            )
            if all(condition.check(data) for condition in transition.conditions):
                return True
        return False


_REGISTRY: dict[type, Workflow] = {}


def register(row_type: type, workflow: Workflow) -> None:
    _REGISTRY[row_type] = workflow


def workflow_for(row: Any) -> Workflow:
    try:
        return _REGISTRY[type(row)]
    except KeyError:
        raise TypeError(f"{type(row).__name__} has no workflow") from None


def build_machine(states: list[str], transitions: list[dict[str, Any]]) -> Machine:
    """Return a machine without a model: rows are wrapped per call instead."""
    return Machine(
        model=None,
        states=states,
        transitions=[_plain(t) for t in transitions],
        initial=states[0],
        auto_transitions=False,
        send_event=True,
    )


def _plain(transition: dict[str, Any]) -> dict[str, Any]:
    # transitions treats Enum members as enum states (keyed by name); rows store the values.
    def value(v: Any) -> Any:
        if isinstance(v, list):
            return [value(x) for x in v]
        return v.value if isinstance(v, Enum) else v

    return {key: value(v) for key, v in transition.items()}


def allowed_triggers(
    row: Any, *, now: datetime | None = None, with_unlisted: bool = False
) -> list[str]:
    """List the triggers that may fire on this row now, in the machine's order; the
    workflow's unlisted ones only `with_unlisted` (a page offering the act that fires one)."""
    workflow = workflow_for(row)
    adapter = workflow.adapter(row)
    kwargs = {"now": now or utcnow(), "actor": None}
    return [name for name in workflow.machine.events
            if (with_unlisted or name not in workflow.unlisted)
            and workflow.check(name, adapter, kwargs)]


def require_trigger(row: Any, trigger: str, *, now: datetime | None = None) -> None:
    """Raise TransitionNotAllowed unless `trigger` may fire on `row` now; change nothing."""
    workflow = workflow_for(row)
    moment = now or utcnow()
    if not workflow.check(trigger, workflow.adapter(row), {"now": moment, "actor": None}):
        raise TransitionNotAllowed(
            workflow.name, str(row.state), trigger, allowed_triggers(row, now=moment)
        )


def fire(row: Any, trigger: str, *, actor: Any, now: datetime | None = None, **data: Any) -> Any:
    """Move `row` by `trigger`, writing its event in the caller's transaction; return the event.

    Raises TransitionNotAllowed for an unknown trigger, a wrong state or a failing guard.
    """
    workflow = workflow_for(row)
    session = object_session(row)
    if session is None:
        raise RuntimeError("fire() needs a row that belongs to a session")
    moment = now or utcnow()
    adapter = workflow.adapter(row)
    kwargs = {"now": moment, "actor": actor, **data}
    from_state = adapter.state
    if not workflow.check(trigger, adapter, kwargs):
        raise TransitionNotAllowed(
            workflow.name, from_state, trigger, allowed_triggers(row, now=moment)
        )
    before = _values(row) if workflow.on_change is not None else {}
    workflow.machine.events[trigger].trigger(adapter, **kwargs)
    if row.id is None:
        session.flush()
    event = workflow.event_model(
        **{workflow.row_key: row.id},
        at=moment,
        actor_user_id=getattr(actor, "id", None),
        trigger=trigger,
        from_state=from_state,
        to_state=adapter.state,
        data=_json_safe(data),
    )
    session.add(event)
    if workflow.on_change is not None:
        after = _values(row)
        changed = [name for name in after if after[name] != before.get(name)]
        workflow.on_change(row, actor=actor, trigger=trigger, fields=changed)
    return event


def _values(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).model_fields if name != "version"}


def record_creation(row: Any, *, actor: Any, now: datetime | None = None, **data: Any) -> Any:
    """Write the first event of a new row (from nothing to its initial state)."""
    workflow = workflow_for(row)
    session = object_session(row)
    if session is None:
        raise RuntimeError("record_creation() needs a row that belongs to a session")
    if row.id is None:
        session.flush()
    event = workflow.event_model(
        **{workflow.row_key: row.id},
        at=now or utcnow(),
        actor_user_id=getattr(actor, "id", None),
        trigger="create",
        from_state=None,
        to_state=row.state,
        data=_json_safe(data),
    )
    session.add(event)
    if workflow.on_change is not None:
        workflow.on_change(row, actor=actor, trigger="create", fields=None)
    return event


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
