"""A chart of the same figures is drawn once per process and served again (reports/charts.py):
the SVG served is the one drawing those figures afresh gives, and other figures are drawn anew."""

from matching.reports import charts
from matching.reports.charts import Guide, Series, bar_chart


def _chart(values: list[int | None]) -> str:
    return bar_chart(chart_id="waiting", title="Wachtend", labels=["Lister", "Leger des Heils"],
                     series=[Series("wachtend", values)],
                     guides=[Guide(3, "drie maanden")])


def test_the_same_figures_are_drawn_once_and_served_as_drawn_afresh():
    charts._drawn.cache_clear()
    first = _chart([4, None])
    again = _chart([4, None])
    assert again == first
    assert charts._drawn.cache_info().hits == 1
    fresh = charts._drawn.__wrapped__(
        "waiting", "Wachtend", ("Lister", "Leger des Heils"), (("wachtend", (4, None)),),
        "nl", ((3, "drie maanden"),))
    assert fresh == first


def test_other_figures_are_drawn_anew():
    charts._drawn.cache_clear()
    assert _chart([4, 1]) != _chart([4, 2])
    assert charts._drawn.cache_info().misses == 2
