"""Charts for any page: an ECharts option built here, drawn by static/js/charts.js, and the same figures as a
table (for screen readers and for copying into a report). Templates render a list of them with
``common/_charts.html``; the page loads the vendored ECharts and charts.js in its head block."""

from __future__ import annotations

DONE_COLOUR, OPEN_COLOUR, PROBLEM_COLOUR, LINE_COLOURS = "#198754", "#ced4da", "#dc3545", ["#0d6efd", "#dc3545"]


def chart(title: str, option: dict, rows: list[tuple], header: tuple) -> dict:
    """A chart for the template: the ECharts option and the same figures as a table."""
    return {"title": title, "option": option, "rows": rows, "header": header}


def bar(title: str, categories: list[str], series: dict[str, list[int]], header: tuple, stack: bool = False) -> dict:
    """Horizontal bars, one row per category; stacked, the first series is the done part (green)."""
    option = {
        **({"color": [DONE_COLOUR, OPEN_COLOUR]} if stack else {}),
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1}, "yAxis": {"type": "category", "data": categories, "inverse": True},
        "series": [{"name": name, "type": "bar", "data": data, **({"stack": "all"} if stack else {})}
                   for name, data in series.items()],
    }
    rows = [(c, *(data[i] for data in series.values())) for i, c in enumerate(categories)]
    return chart(title, option, rows, header)


def line_by_month(title: str, year: int, series: dict[str, dict[int, int]], header: tuple) -> dict:
    months = list(range(1, 13))
    option = {
        "color": LINE_COLOURS, "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in months]}, "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": name, "type": "line", "data": [by.get(m, 0) for m in months]}
                   for name, by in series.items()],
    }
    rows = [(f"{year}年{m}月", *(by.get(m, 0) for by in series.values())) for m in months]
    return chart(title, option, rows, header)


def pie(title: str, parts: dict[str, int], header: tuple, colours: list[str] | None = None) -> dict:
    """A ring; with nothing to count it says so instead of drawing equal slices of nothing."""
    data = [{"name": k, "value": v} for k, v in parts.items() if v]
    option = {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0},
              "series": [{"type": "pie", "radius": ["40%", "70%"], "data": data}]}
    if colours:
        option["color"] = [c for c, v in zip(colours, parts.values(), strict=True) if v]
    if not data:
        option["title"] = {"text": "暂无数据", "left": "center", "top": "middle",
                           "textStyle": {"fontSize": 14, "color": "#6c757d", "fontWeight": "normal"}}
    return chart(title, option, list(parts.items()), header)


def numbered(charts: list[dict]) -> list[dict]:
    """Give each chart of a page its element id (chart-1, chart-2 …)."""
    for n, one in enumerate(charts, start=1):
        one["id"] = f"chart-{n}"
    return charts


def columns(title: str, categories: list[str], series: dict[str, list], header: tuple, *, stack: bool = True,
            unit: str = "") -> dict:
    """Vertical columns over ``categories`` (months, usually), one series per group, stacked by default."""
    option = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "minInterval": 1, **({"name": unit} if unit else {})},
        "series": [{"name": name, "type": "bar", "data": data, **({"stack": "all"} if stack else {})}
                   for name, data in series.items()],
    }
    rows = [(c, *(data[i] for data in series.values())) for i, c in enumerate(categories)]
    return chart(title, option, rows, header)


def lines(title: str, categories: list[str], series: dict[str, list], header: tuple, unit: str = "") -> dict:
    """One line per series over ``categories``; a None value is a gap (no data that month)."""
    option = {
        "color": [*LINE_COLOURS, "#fd7e14"], "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", **({"name": unit} if unit else {})},
        "series": [{"name": name, "type": "line", "connectNulls": True, "data": data} for name, data in series.items()],
    }
    rows = [(c, *("—" if data[i] is None else data[i] for data in series.values())) for i, c in enumerate(categories)]
    return chart(title, option, rows, header)
