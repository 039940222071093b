"""The dashboard's SVG charts: accessible structure, scales, gaps, and escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import Markup

from service.dashboard.charts import Series, chart_table, line_chart, scale

SVG = "{http://www.w3.org/2000/svg}"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def parse(markup: Markup) -> ET.Element:
    # Our own output, not untrusted input; parsing it proves it is well-formed XML.
    return ET.fromstring(str(markup))  # noqa: S314


def chart(*series: Series) -> ET.Element:
    return parse(
        line_chart(chart_id="mood-chart", title="Mood per check-in", series=series, y_label="Mood")
    )


def path_points(path: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in re.findall(r"[ML]([\d.]+),([\d.]+)", path.get("d", ""))
    ]


def test_a_chart_names_and_describes_itself_for_screen_readers() -> None:
    svg = chart(Series("Ana", [(at(0), 2), (at(2), 4)]), Series("Ben", [(at(1), 3)]))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "mood-chart-title mood-chart-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "mood-chart-title"
    assert title.text == "Mood per check-in"
    assert desc is not None and desc.get("id") == "mood-chart-desc"
    assert desc.text == (
        "Mood on a scale of 1 to 5, 3 Mar to 5 Mar. Ana: 2 values, latest 4 on 5 Mar. "
        "Ben: 1 value, latest 3 on 4 Mar."
    )
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Mood" in texts and "Date (UTC)" in texts  # both axes are labelled
    assert {"1", "2", "3", "4", "5"} <= set(texts)
    assert "Ana" in texts and "Ben" in texts  # the legend


def test_lines_differ_by_dash_and_marker_not_only_colour() -> None:
    svg = chart(
        Series("Ana", [(at(0), 2), (at(2), 4)]),
        Series("Ben", [(at(0), 3), (at(2), 3)]),
        Series("Cy", [(at(0), 1), (at(2), 5)]),
    )
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "series"]
    assert len(groups) == 3
    paths = [g.find(f"{SVG}path") for g in groups]
    dashes = [p.get("stroke-dasharray") for p in paths if p is not None]
    colours = [p.get("stroke") for p in paths if p is not None]
    assert len(set(dashes)) == 3 and len(set(colours)) == 3
    shapes = [sorted({child.tag for child in g if child.tag != f"{SVG}path"}) for g in groups]
    assert shapes == [[f"{SVG}circle"], [f"{SVG}rect"], [f"{SVG}polygon"]]


def test_scales_map_the_fixed_value_range_and_the_time_span() -> None:
    assert scale(1, (1, 5), (196, 40)) == 196
    assert scale(5, (1, 5), (196, 40)) == 40
    assert scale(3, (1, 5), (196, 40)) == 118
    assert scale(7, (7, 7), (0, 10)) == 5  # a single value sits in the middle
    svg = chart(Series("Ana", [(at(0), 1), (at(5), 5), (at(10), 3)]))
    path = next(svg.iter(f"{SVG}path"))
    (x0, y0), (x1, y1), (x2, y2) = path_points(path)
    assert (x0, y0) == (48, 196)  # earliest at the left edge, 1 at the bottom
    assert (x2, y2) == (388, 118)  # latest at the right edge, 3 in the middle
    assert (x1, y1) == (218, 40)  # halfway in time, 5 at the top


def test_missing_values_are_skipped_not_drawn_as_zero() -> None:
    svg = chart(Series("Ana", [(at(0), 2), (at(1), None), (at(2), 4)]))
    path = next(svg.iter(f"{SVG}path"))
    assert len(path_points(path)) == 2
    assert len(list(svg.iter(f"{SVG}circle"))) == 2 + 1  # two points and the legend marker
    assert all(y <= 196 for _, y in path_points(path))


def test_a_single_point_and_no_data_still_make_a_valid_chart() -> None:
    one = chart(Series("Ana", [(at(0), 3)]))
    assert one.find(f".//{SVG}path") is None  # nothing to join
    circles = [c for c in one.iter(f"{SVG}circle") if c.get("cx") == "218"]
    assert circles, "a lone value sits in the middle of a two-day window"
    empty = chart(Series("Ana", [(at(0), None)]))
    desc = empty.find(f"{SVG}desc")
    assert desc is not None and desc.text == "No mood values yet."
    assert "No values yet" in [t.text for t in empty.iter(f"{SVG}text")]


def test_names_and_titles_are_escaped() -> None:
    evil = '<script>alert("x")</script> & "Bo"'
    markup = line_chart(
        chart_id='c"><script>',
        title="<b>Mood</b>",
        series=[Series(evil, [(at(0), 2), (at(1), 3)])],
        y_label="Mood",
    )
    assert "<script>" not in markup and "<b>" not in markup
    svg = parse(markup)
    assert svg.find(f"{SVG}title").text == "<b>Mood</b>"  # type: ignore[union-attr]
    assert evil[:17] in "".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert evil in (svg.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    table = chart_table(caption="Mood <i>", series=[Series(evil, [(at(0), 2)])], value_label="Mood")
    assert "<script>" not in table and "&lt;script&gt;" in table and "Mood &lt;i&gt;" in table


def test_the_table_lists_every_value_oldest_first() -> None:
    table = parse(
        chart_table(
            caption="Mood per check-in",
            series=[Series("Ana", [(at(2), 4), (at(0), None)]), Series("Ben", [(at(1), 3)])],
            value_label="Mood",
        )
    )
    rows = [
        [td.findtext(".//time") or td.text for td in tr.findall("td")]
        for tr in table.iter("tr")
        if tr.findall("td")
    ]
    assert rows == [["2025-03-04 09:00", "Ben", "3"], ["2025-03-05 09:00", "Ana", "4"]]
    headers = [th.text for th in table.iter("th")]
    assert headers == ["Date (UTC)", "Partner", "Mood"]


@pytest.mark.parametrize("count", [1, 2, 4, 5])
def test_legend_has_one_entry_per_partner(count: int) -> None:
    svg = chart(*(Series(f"P{i}", [(at(i), 3)]) for i in range(count)))
    legend = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [f"P{i}" for i in range(count)]
