"""Server-rendered SVG line charts for the dashboard: no JavaScript, readable without colour.

Pure functions from numbers to markup. Every chart names itself (``<title>``, ``<desc>``,
``aria-labelledby``), labels its axes, tells its lines apart by dash pattern and marker
shape as well as colour, and comes with a table of the same numbers (``chart_table``) for
people who cannot see it. Every piece of text is escaped here, so the result is safe to
put in a template as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

WIDTH, HEIGHT = 400, 240
# Room for the legend above, the tick labels and axis titles left and below.
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 40, 44
# Colours with AA contrast on white; each line also has its own dash pattern and marker.
STYLES = (
    ("#0b5cad", "", "circle"),
    ("#8a4b00", "6 4", "square"),
    ("#1a6b34", "2 3", "triangle"),
    ("#6f42c1", "8 3 2 3", "diamond"),
)
LEGEND_NAME_MAX = 18


@dataclass(frozen=True)
class Series:
    """One line: a partner's values over time (None: not reported, no point drawn)."""

    name: str
    points: Sequence[tuple[datetime, float | None]]

    def values(self) -> list[tuple[datetime, float]]:
        return [(at, value) for at, value in self.points if value is not None]


def scale(value: float, domain: tuple[float, float], extent: tuple[float, float]) -> float:
    """Map ``value`` from ``domain`` onto ``extent`` linearly (the middle if the domain is
    a single value)."""
    (d0, d1), (r0, r1) = domain, extent
    if d1 == d0:
        return (r0 + r1) / 2
    return r0 + (value - d0) * (r1 - r0) / (d1 - d0)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    at = f'fill="{colour}" stroke="{colour}"'
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" {at}/>'
    if shape == "square":
        return f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" {at}/>'
    corners: tuple[tuple[float, float], ...]
    if shape == "triangle":
        corners = ((x, y - 4.5), (x - 4.5, y + 3.5), (x + 4.5, y + 3.5))
    else:
        corners = ((x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y))
    points = " ".join(f"{_num(a)},{_num(b)}" for a, b in corners)
    return f'<polygon points="{points}" {at}/>'


def _summary(series: Sequence[Series], y_label: str, low: float, high: float) -> str:
    """The chart in words (its ``<desc>``): the range, then each line's count and latest."""
    drawn = [(s, s.values()) for s in series]
    times = [at for _, values in drawn for at, _ in values]
    if not times:
        return f"No {y_label.lower()} values yet."
    parts = [
        f"{y_label} on a scale of {_num(low)} to {_num(high)}, "
        f"{_day(min(times))} to {_day(max(times))}."
    ]
    for one, values in drawn:
        if values:
            latest = values[-1]
            parts.append(
                f"{one.name}: {len(values)} value{'s' if len(values) != 1 else ''}, "
                f"latest {_num(latest[1])} on {_day(latest[0])}."
            )
        else:
            parts.append(f"{one.name}: no values.")
    return " ".join(parts)


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[Series],
    y_label: str,
    y_range: tuple[float, float] = (1, 5),
    x_label: str = "Date (UTC)",
) -> Markup:
    """An SVG line chart: one line per series over a shared time axis, ``y_range`` fixed so
    that charts compare at a glance."""
    low, high = y_range
    plot_x, plot_y = (LEFT, WIDTH - RIGHT), (HEIGHT - BOTTOM, TOP)
    times = [at for s in series for at, _ in s.values()]
    if times:
        start, end = min(times), max(times)
        if start == end:  # one moment: centre it in a two-day window
            start, end = start - timedelta(days=1), end + timedelta(days=1)
    x_domain = (start.timestamp(), end.timestamp()) if times else (0.0, 1.0)

    def x_of(at: datetime) -> float:
        return scale(at.timestamp(), x_domain, plot_x)

    def y_of(value: float) -> float:
        return scale(value, (low, high), plot_y)

    ident = escape(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(_summary(series, y_label, low, high))}</desc>',
        '<g class="axes" stroke="#8c959f" stroke-width="1">',
    ]
    for tick in range(int(low), int(high) + 1):
        y = _num(y_of(tick))
        out.append(
            f'<line x1="{plot_x[0]}" x2="{plot_x[1]}" y1="{y}" y2="{y}" stroke="#d0d7de"/>'
            f'<text x="{plot_x[0] - 8}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'stroke="none">{tick}</text>'
        )
    out.append(
        f'<line x1="{plot_x[0]}" x2="{plot_x[1]}" y1="{plot_y[0]}" y2="{plot_y[0]}"/>'
        f'<line x1="{plot_x[0]}" x2="{plot_x[0]}" y1="{plot_y[0]}" y2="{plot_y[1]}"/>'
    )
    if times:
        for i in range(4):
            at = datetime.fromtimestamp(
                scale(i, (0, 3), x_domain), tz=start.tzinfo
            )  # ticks at equal distances
            x = _num(x_of(at))
            anchor = ("start", "middle", "middle", "end")[i]
            out.append(
                f'<line x1="{x}" x2="{x}" y1="{plot_y[0]}" y2="{plot_y[0] + 4}"/>'
                f'<text x="{x}" y="{plot_y[0] + 16}" text-anchor="{anchor}" stroke="none">'
                f"{escape(_day(at))}</text>"
            )
    else:
        out.append(
            f'<text x="{(plot_x[0] + plot_x[1]) / 2}" y="{(plot_y[0] + plot_y[1]) / 2}" '
            f'text-anchor="middle" stroke="none">No values yet</text>'
        )
    out.append(
        f'<text class="axis-label" x="{(plot_x[0] + plot_x[1]) / 2}" y="{HEIGHT - 6}" '
        f'text-anchor="middle" stroke="none">{escape(x_label)}</text>'
        f'<text class="axis-label" x="12" y="{(plot_y[0] + plot_y[1]) / 2}" '
        f'text-anchor="middle" stroke="none" '
        f'transform="rotate(-90 12 {(plot_y[0] + plot_y[1]) / 2})">{escape(y_label)}</text>'
        "</g>"
    )
    for index, one in enumerate(series):
        colour, dash, shape = STYLES[index % len(STYLES)]
        values = one.values()
        coords = [(x_of(at), y_of(value)) for at, value in values]
        out.append(f'<g class="series" data-series="{index}">')
        if len(coords) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{_num(x)},{_num(y)}" for i, (x, y) in enumerate(coords)
            )
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashing}/>'
            )
        out.extend(_marker(shape, x, y, colour) for x, y in coords)
        out.append("</g>")
    out.append(_legend(series))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every interpolated text went through escape()


def _legend(series: Sequence[Series]) -> str:
    out = ['<g class="legend">']
    step = (WIDTH - LEFT - RIGHT) / max(1, min(len(series), 2))
    for index, one in enumerate(series):
        colour, dash, shape = STYLES[index % len(STYLES)]
        x = LEFT + step * (index % 2)
        y = 12 + 16 * (index // 2)
        name = one.name if len(one.name) <= LEGEND_NAME_MAX else one.name[:17] + "…"
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{_num(x)}" x2="{_num(x + 28)}" y1="{y}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2"{dashing}/>'
            + _marker(shape, x + 14, y, colour)
            + f'<text x="{_num(x + 34)}" y="{y}" dominant-baseline="middle">'
            f"{escape(name)}</text>"
        )
    out.append("</g>")
    return "".join(out)


def chart_table(*, caption: str, series: Sequence[Series], value_label: str) -> Markup:
    """The chart's numbers as a table, oldest first (the text alternative)."""
    rows = sorted(
        ((at, one.name, value) for one in series for at, value in one.values()),
        key=lambda row: row[0],
    )
    out = [
        f'<table class="responsive chart-data"><caption>{escape(caption)}</caption>',
        f'<thead><tr><th scope="col">Date (UTC)</th><th scope="col">Partner</th>'
        f'<th scope="col">{escape(value_label)}</th></tr></thead><tbody>',
    ]
    for at, name, value in rows:
        out.append(
            f'<tr><td data-label="Date (UTC)"><time datetime="{escape(at.isoformat())}">'
            f"{escape(at.strftime('%Y-%m-%d %H:%M'))}</time></td>"
            f'<td data-label="Partner">{escape(name)}</td>'
            f'<td data-label="{escape(value_label)}">{_num(value)}</td></tr>'
        )
    if not rows:
        out.append('<tr><td colspan="3">No values yet.</td></tr>')
    out.append("</tbody></table>")
    return Markup("".join(out))  # noqa: S704 - every interpolated text went through escape()
