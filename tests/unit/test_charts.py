"""The dashboard's charts: SVG a page can put inline under its security policy (no script, no
inline style, nothing fetched from elsewhere), named for screen readers, in Dutch numbers."""

import re
from xml.etree import ElementTree

import pytest

from matching.reports.charts import Guide, Series, bar_chart, number, stylesheet, ticks

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def _chart(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "chart_id": "grafiek-test",
        "title": "Verdeelbesluit 2025 en realisatie per groep",
        "labels": ["Statushouders", "Beter Wonen", "Goeie Buur (< 5)"],
        "series": [Series("Verdeelbesluit", [550, 1403, 50]),
                   Series("Gerealiseerd", [1234.5, 120, None])],
    }
    arguments.update(overrides)
    return bar_chart(**arguments)  # type: ignore[arg-type]


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_a_chart_is_well_formed_svg_that_scales_and_is_named_for_screen_readers():
    svg = _chart()
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Verdeelbesluit 2025 en realisatie per groep"
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    first = root[0]
    assert first.tag == f"{SVG}title" and first.text == root.get("aria-label")


def test_a_chart_has_no_script_no_inline_style_and_reaches_no_other_host():
    svg = _chart(guides=[Guide(91, "3 maanden")])
    assert "<script" not in svg.lower() and "javascript" not in svg.lower()
    assert "<style" not in svg and " style=" not in svg
    assert "<!--" not in svg  # pygal's comments name its website
    assert svg.startswith("<svg ") and "<?xml" not in svg  # inline in HTML: no declaration
    urls = set(re.findall(r"https?://[^\s\"'<>]+", svg))
    assert urls <= NAMESPACES, urls - NAMESPACES
    assert "xlink:href" not in svg and " href=" not in svg


def test_two_charts_on_one_page_share_no_id():
    ids = []
    for name in ("grafiek-a", "grafiek-b"):
        ids += re.findall(r'\bid="([^"]+)"', _chart(chart_id=name))
    assert ids == ["grafiek-a", "grafiek-b"]


def test_values_and_axis_are_written_in_dutch_or_in_english():
    dutch = _texts(_chart())
    assert "1.234,5" in dutch and "1.403" in dutch  # the values written after the bars
    assert "1.000" in dutch or "1.500" in dutch  # the axis' steps
    assert not any(re.fullmatch(r"\d+,\d{3}", text) for text in dutch)
    english = _texts(_chart(locale="en"))
    assert "1,234.5" in english and "1,403" in english


def test_rows_read_from_the_top_in_the_given_order_and_a_missing_value_draws_no_bar():
    root = ElementTree.fromstring(_chart())
    rows = {t.text: float(t.get("y", "0")) for t in root.iter(f"{SVG}text")
            if t.text in ("Statushouders", "Beter Wonen", "Goeie Buur (< 5)")}
    assert list(rows) and sorted(rows, key=rows.__getitem__) == [
        "Statushouders", "Beter Wonen", "Goeie Buur (< 5)"]
    bars = [r for r in root.iter(f"{SVG}rect") if "tooltip-trigger" in r.get("class", "")]
    assert len(bars) == 5  # six values, one of them None


def test_a_guide_is_a_named_line_across_the_chart():
    svg = _chart(labels=["Uitstroom MO/BW"], series=[Series("Mediaan", [40])],
                 guides=[Guide(91, "3 maanden")])
    root = ElementTree.fromstring(svg)
    named = [t for t in root.iter(f"{SVG}text") if t.text == "3 maanden"]
    assert len(named) == 1 and "major" in named[0].get("class", "")
    assert "major guide line" in svg


def test_long_row_names_are_cut_and_the_lengths_must_agree():
    svg = _chart(labels=["Beter Wonen (excl. slachtoffers huiselijk geweld)", "b", "c"])
    assert "Beter Wonen (excl.…" in _texts(svg)
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        _chart(series=[Series("Verdeelbesluit", [1, 2])])


def test_the_steps_of_the_axis_are_round_and_whole_for_counts():
    assert ticks(1320) == [0, 500, 1000, 1500]
    assert ticks(1.2) == [0, 1, 2]
    assert ticks(0.6, whole=False) == [0, 0.2, 0.4, 0.6]
    assert ticks(0) == [0, 1]


def test_numbers_are_dutch_by_default():
    assert number(1234.5) == "1.234,5"
    assert number(1235) == "1.235"
    assert number(None) == "–"
    assert number(1234.5, "en") == "1,234.5"


def test_the_stylesheet_is_scoped_to_the_charts_and_fetches_nothing():
    css = stylesheet()
    assert ".pygal-chart .color-0" in css and "#b3000f" in css
    assert "#chart-" not in css and "&gt;" not in css
    assert "http" not in css and "@import" not in css
    # Every rule is scoped to the charts, so none restyles the rest of the page.
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]
    assert selectors and all(s.startswith(".pygal-chart") for s in selectors), selectors
