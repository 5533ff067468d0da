"""Run the application under gunicorn, the production WSGI server, from `matching serve`."""

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

from matching.web import create_app

# A worker's own objects (the modules, the application, then the compiled templates,
# statements and calendars its first requests add) live as long as the worker. Python's
# collector walks all of them at every full collection: about 240,000 objects and 130 ms on
# the demo, six times a minute per worker under fifty users, each time stalling the request
# at hand. Frozen, they are left out of every collection, at start and again after these
# numbers of requests, while the first requests still add to them; what requests leave
# behind is collected as before.
FREEZE_AFTER_REQUESTS = frozenset({1, 10, 100, 1000})


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        app = create_app()
        _freeze_what_lives()
        return app


def _freeze_what_lives() -> None:
    # Without a collection first: one would stall the worker as long as a full one does. The
    # few cycles that are garbage at that moment stay for the worker's life.
    gc.freeze()


def _freeze_after_warm_up(worker: Any, _request: Any) -> None:
    """gunicorn's post_request hook: while the first requests fill the worker's caches,
    freeze what they added."""
    worker.requests_served = getattr(worker, "requests_served", 0) + 1
    if worker.requests_served in FREEZE_AFTER_REQUESTS:
        _freeze_what_lives()


def run(*, host: str, port: int, workers: int) -> None:
    """Serve on host:port with `workers` processes; the app holds no state between requests."""
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "forwarded_allow_ips": "127.0.0.1",
            "timeout": 60,
            "post_request": _freeze_after_warm_up,
        }
    ).run()
