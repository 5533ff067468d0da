"""The server's workers keep their long-lived objects out of Python's collections
(matching/server.py)."""

from types import SimpleNamespace

from matching import server


def test_a_worker_freezes_what_its_first_requests_added_and_then_stops(monkeypatch):
    worker = SimpleNamespace()
    frozen_at = []
    monkeypatch.setattr(server.gc, "freeze",
                        lambda: frozen_at.append(getattr(worker, "requests_served", 0)))
    for _ in range(max(server.FREEZE_AFTER_REQUESTS) + 50):
        server._freeze_after_warm_up(worker, None)
    assert frozen_at == sorted(server.FREEZE_AFTER_REQUESTS)


def test_a_worker_freezes_the_application_it_loaded(monkeypatch):
    frozen = []
    monkeypatch.setattr(server, "create_app", lambda: "the application")
    monkeypatch.setattr(server.gc, "freeze", lambda: frozen.append(True))
    loaded = server._Server({"bind": "127.0.0.1:0", "workers": 1}).load()
    assert (loaded, frozen) == ("the application", [True])
