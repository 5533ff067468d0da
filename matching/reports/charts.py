"""The dashboard's charts as server-side SVG drawn by pygal: data in, SVG text out.

The page puts each SVG inline, and its Content-Security-Policy allows no inline script and
no inline style, so what pygal adds for its interactive mode is taken out: the tooltip
script (pygal writes its configuration as a script even when given no script to load), the
empty tooltip with its inline style, the value notes only that script reads, the comments
that name pygal's website, and the ids that would repeat once a page shows two charts.
pygal's own stylesheet is served apart (`stylesheet()`), scoped to the `pygal-chart` class
every chart carries.

Each chart is an image (`role="img"`) named by its title (`<title>` and `aria-label`): the
figures themselves are read from the data table the page shows beside it. Numbers are
written for the locale: `1.234,5` in Dutch.
"""

import functools
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

import pygal
from babel.numbers import format_decimal
from pygal.style import Style

SVG = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG)

WIDTH = 560  # the viewBox's width: the SVG itself scales to the width of its column
ROW_HEIGHT = 32  # per bar of a horizontal chart
FRAME_HEIGHT = 80  # the axis and the margins of a horizontal chart
LEGEND_ROW_HEIGHT = 30  # the legend has a row per series, below the chart
LABEL_CHARACTERS = 20  # a longer row name is cut short with "…" (the table has it whole)

# Bars that keep a 3:1 contrast with the white background (WCAG 2.1, 1.4.11), in the order
# of the series: the site's red, a dark blue, a dark teal and a dark amber.
COLOURS = ("#b3000f", "#0b4ea2", "#00695c", "#8a5a00")

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#4d4d4d",
    colors=COLOURS,
    opacity="1",
    opacity_hover=".85",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    guide_stroke_color="#c8c8c8",
    guide_stroke_dasharray="2,4",
    major_guide_stroke_color="#1a1a1a",
    major_guide_stroke_dasharray="6,4",
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
    label_font_size=18,
    major_label_font_size=18,
    legend_font_size=18,
    value_font_size=17,
    title_font_size=18,
    no_data_font_size=18,
    transition="0ms",
)

# Elements only pygal's script reads, and what holds its script or its inline style.
_DROPPED_TAGS = {f"{{{SVG}}}script", f"{{{SVG}}}style", f"{{{SVG}}}desc", f"{{{SVG}}}title"}
_DROPPED_CLASSES = {"tooltip-overlay", "tooltip"}


@dataclass(frozen=True)
class Series:
    """One coloured set of bars; a value of None draws no bar (suppressed or not known)."""

    name: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class Guide:
    """A line across the chart at `value`, named on the axis (the three-month ambition)."""

    value: float
    label: str


def number(value: float | int | None, locale: str = "nl") -> str:
    """`1.234,5` in Dutch, `1,234.5` in English; at most one decimal; `–` for None."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.#", locale=locale)


def ticks(largest: float, *, whole: bool = True) -> list[float]:
    """Round steps from 0 past `largest`: 0, 20, 40, ... four or five of them (steps of at
    least 1 when the figures are `whole` numbers: no 0,5 client)."""
    if largest <= 0:
        return [0, 1]
    rough = largest / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    if whole:
        step = max(1, round(step))
    count = math.ceil(largest / step)
    return [round(i * step, 6) for i in range(count + 1)]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    locale: str = "nl",
    guides: Sequence[Guide] = (),
) -> str:
    """A horizontal bar chart, one row of bars per label (top to bottom in the given order),
    as inline SVG text."""
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for "
                             f"{len(labels)} labels")
    # Drawing takes pygal tens of milliseconds, and the SVG depends on nothing but these
    # values: a chart of the same figures is drawn once per process (what the figures are
    # is read afresh on every request; only the drawing of equal figures is shared).
    return _drawn(
        str(chart_id), str(title), tuple(str(label) for label in labels),
        tuple((str(one.name), tuple(one.values)) for one in series), str(locale),
        tuple((g.value, str(g.label)) for g in guides))


@functools.lru_cache(maxsize=512)
def _drawn(chart_id: str, title: str, labels: tuple[str, ...],
           drawn_series: tuple[tuple[str, tuple[float | int | None, ...]], ...], locale: str,
           drawn_guides: tuple[tuple[float, str], ...]) -> str:
    series = [Series(name, values) for name, values in drawn_series]
    guides = [Guide(value, label) for value, label in drawn_guides]
    values = [v for one in series for v in one.values if v is not None]
    # Room past the longest bar for the value written after it.
    scale = ticks(max([*values, *(g.value for g in guides), 0]) * 1.2,
                  whole=all(float(v).is_integer() for v in values))
    step = scale[1] - scale[0]
    # A tick close to a guide would print its number over the guide's name.
    scale = [t for t in scale if t == 0 or all(abs(t - g.value) >= step for g in guides)]

    def formatted(value: float | None) -> str:
        return number(value, locale)

    chart = pygal.HorizontalBar(
        style=STYLE,
        width=WIDTH,
        height=(FRAME_HEIGHT + ROW_HEIGHT * max(1, len(labels)) * max(1, len(series))
                + (LEGEND_ROW_HEIGHT * len(series) if len(series) > 1 else 0)),
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,  # side by side, long names would run into each other
        show_legend=len(series) > 1,
        print_values=True,
        print_values_position="top",
        print_zeroes=True,
        truncate_label=-1,  # pygal would cut the axis' numbers; rows are cut by shortened
        truncate_legend=-1,
        value_formatter=formatted,
        y_labels=[*scale, *({"value": g.value, "label": g.label} for g in guides)],
        # 0 is the axis itself: named, it keeps pygal from making every few ticks "major".
        y_labels_major=[0, *(g.value for g in guides)],
        show_minor_y_labels=True,
        margin=12,
        spacing=8,
    )
    # pygal draws a horizontal chart's first row at the bottom: reversed, the rows read
    # from the top in the order of the data table beside it.
    chart.x_labels = [shortened(label) for label in reversed(labels)]
    for one in series:
        chart.add(one.name, list(reversed(list(one.values))))
    return _clean(chart.render(is_unicode=True), chart_id=chart_id, title=title)


def shortened(label: str, characters: int = LABEL_CHARACTERS) -> str:
    """`label` cut to `characters` with "…" (a chart's rows have room for so much)."""
    if len(label) <= characters:
        return label
    return label[:characters - 1].rstrip() + "…"


def _clean(svg: str, *, chart_id: str, title: str) -> str:
    """The SVG without script, inline style, comments or repeated ids, named by `title`."""
    root = ElementTree.fromstring(svg)  # drops the comments
    _prune(root, lambda e: e.tag in _DROPPED_TAGS
           or bool(_DROPPED_CLASSES & set(e.get("class", "").split())))
    for element in root.iter():
        element.attrib.pop("id", None)
        element.attrib.pop("style", None)
        if element.tag == f"{{{SVG}}}text" and "value" in element.get("class", "").split():
            # pygal centres a bar's value on its end; written after the end it stays legible.
            element.set("text-anchor", "start")
            element.set("dx", "6")
    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("width", "100%")
    root.set("class", "pygal-chart")
    name = ElementTree.Element(f"{{{SVG}}}title")
    name.text = title
    root.insert(0, name)
    return ElementTree.tostring(root, encoding="unicode")


def _prune(parent: ElementTree.Element, drop: Callable[[ElementTree.Element], bool]) -> None:
    for child in list(parent):
        if drop(child):
            parent.remove(child)
        else:
            _prune(child, drop)


@functools.cache
def stylesheet() -> str:
    """pygal's stylesheet for the charts of `bar_chart`, scoped to their `pygal-chart` class
    (pygal writes it for one chart's id, and inline, which the page's policy refuses)."""
    chart = pygal.HorizontalBar(style=STYLE, js=[], disable_xml_declaration=True)
    chart.x_labels = ["a"]
    for n in range(len(COLOURS)):
        chart.add(str(n), [n])
    svg = chart.render(is_unicode=True)
    found = re.search(r"<style[^>]*>(.*?)</style>", svg, flags=re.S)
    assert found is not None, "pygal wrote no stylesheet"
    return re.sub(r"#chart-[0-9a-f-]+", ".pygal-chart", html.unescape(found.group(1)))
