"""The server's workers keep their long-lived objects out of Python's collections
(matching/server.py), and still collect what requests leave behind."""

import gc
from types import SimpleNamespace

import pytest

from matching import server


@pytest.fixture
def collector():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process walks everything again


def _walked_by_the_collector(thing: object) -> bool:
    # gc.get_objects() lists what the collections walk: the frozen objects are not among them.
    return any(found is thing for found in gc.get_objects())


def test_the_application_a_worker_loads_is_left_out_of_collections(monkeypatch, collector):
    application = {"caches": [[] for _ in range(1000)]}
    monkeypatch.setattr(server, "create_app", lambda: application)
    assert _walked_by_the_collector(application)
    assert server._Server({"bind": "127.0.0.1:0", "workers": 1}).load() is application
    assert not _walked_by_the_collector(application)


def test_caches_the_first_requests_fill_are_left_out_too_and_later_ones_are_not(collector):
    worker = SimpleNamespace()
    last = max(server.FREEZE_AFTER_REQUESTS)
    filled: dict[int, list[list[int]]] = {}
    for served in range(1, last + 2):
        if served in (5, last - 1, last + 1):
            filled[served] = [[served]]  # what this request adds to a cache
        server._freeze_after_warm_up(worker, None)
    walked = {served: _walked_by_the_collector(cache) for served, cache in filled.items()}
    assert walked == {5: False, last - 1: False, last + 1: True}


def test_garbage_made_after_the_freeze_is_still_collected(collector):
    server._freeze_after_warm_up(SimpleNamespace(), None)  # a first request: a freeze

    class Cycle:
        itself: object = None

    cycle = Cycle()
    cycle.itself = cycle
    del cycle
    assert gc.collect() >= 1
