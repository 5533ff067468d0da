"""A deterministic demo year, built entirely through the services (`matching seed demo`).

Every change goes through `matching.services.*` with an explicit `now=`, in the order in which
it would have happened, so the history reads like a real year: care providers register
clients during the year before and the demo year, Het Vierde Huis approves them, the five STUW
corporations submit about a hundred dwellings a quarter, Het Vierde Huis proposes rounds of
three, the corporation rejects a share with reasons and accepts one, the client answers the
one-time offer, and the dwelling is let. A short prelude (SSH campus lets in 2020-2021, the
institution dwellings of Lister and De Tussenvoorziening registered as flip leases since three
years before) and a monthly `tick` make every lease stage visible at the end of the year.

Randomness comes from `random.Random(seed)` only, never from the clock, so the same seed on an
empty database gives the same data. A service refusing a step is a bug in the demo: nothing
here catches TransitionNotAllowed, ValidationFailed or Conflict.

The parts: `population`, `districts`, `dwellings` and `reasons` say who takes part and what
they write; `timeline` is the queue of timed steps; `client_steps`, `round_steps`,
`dwelling_steps` and `lease_steps` are the steps of each part; `scenario` runs the year and
`report` counts what it loaded. Every draw comes from the one random stream in the order the
steps run, so moving a draw between steps changes the data.
"""

from matching.demo.population import DEMO_PASSWORD, LOGINS, MARKER_EMAIL
from matching.demo.report import DemoLogin, DemoReport, role_logins_text
from matching.demo.scenario import DemoAlreadyLoaded, build_demo

__all__ = [
    "DEMO_PASSWORD",
    "LOGINS",
    "MARKER_EMAIL",
    "DemoAlreadyLoaded",
    "DemoLogin",
    "DemoReport",
    "build_demo",
    "role_logins_text",
]
