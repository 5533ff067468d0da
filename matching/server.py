"""Run the application under gunicorn, the production WSGI server, from `matching serve`."""

from typing import Any

from gunicorn.app.base import BaseApplication

from matching.web import create_app


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app()


def run(*, host: str, port: int, workers: int) -> None:
    """Serve on host:port with `workers` processes; the app holds no state between requests."""
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "forwarded_allow_ips": "127.0.0.1",
            "timeout": 60,
        }
    ).run()
