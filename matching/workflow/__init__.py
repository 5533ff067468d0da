"""The state machines: the only code that changes a `state` column."""

from matching.workflow.engine import TransitionNotAllowed, allowed_triggers, fire

__all__ = ["TransitionNotAllowed", "allowed_triggers", "fire"]

# Importing the machines registers them with the engine.
from matching.workflow import client, dwelling, lease, proposal  # noqa: E402,F401
