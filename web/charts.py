"""Charts as data: each is an Apache ECharts option built here and handed to the page as
JSON in a data attribute; static/charts.js only draws it (the CSP allows no inline
script). Every chart's numbers are also a table on the page, for screen readers and
printing. Tooltips render on the canvas (richText): HTML tooltips would carry inline
styles the CSP refuses."""

from collections.abc import Mapping, Sequence
from typing import Any

PALETTE = ["#1e6fd9", "#d9822b", "#2a9d8f", "#c0392b", "#7f8c8d"]


def _base(title: str) -> dict[str, Any]:
    return {
        "animation": False,
        "color": PALETTE,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "grid": {"left": 48, "right": 16, "top": 56, "bottom": 48, "containLabel": True},
    }


def line(
    title: str, labels: list[str], series: dict[str, list[float | int | None]]
) -> dict[str, Any]:
    """One line per series over the labels (periods)."""
    return {
        **_base(title),
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "line", "data": values, "connectNulls": False}
            for name, values in series.items()
        ],
    }


def bars(
    title: str,
    labels: list[str],
    series: Mapping[str, Sequence[float | int | None]],
    *,
    horizontal: bool = False,
    percent: bool = False,
    stacked: bool = False,
) -> dict[str, Any]:
    """Grouped bars (one group per label); horizontal for long labels (townships)."""
    category = {"type": "category", "data": labels}
    value: dict[str, Any] = {"type": "value", "minInterval": 1}
    if percent:
        value["axisLabel"] = {"formatter": "{value}%"}
    return {
        **_base(title),
        "legend": {"bottom": 0},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [
            {"name": name, "type": "bar", "data": values, **({"stack": "all"} if stacked else {})}
            for name, values in series.items()
        ],
    }


def funnel(title: str, steps: list[tuple[str, int]]) -> dict[str, Any]:
    """Steps from the widest to the narrowest, each with its count."""
    return {
        **_base(title),
        "tooltip": {"trigger": "item", "renderMode": "richText"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "top": 48,
                "bottom": 8,
                "minSize": "8%",
                "label": {"show": True, "position": "inside", "formatter": "{b}: {c}"},
                "data": [{"name": name, "value": value} for name, value in steps],
            }
        ],
    }


def withheld(values: list[tuple[float | int | None, str | None]]) -> list[Any]:
    """Chart data of figures that may be withheld (api/oversight/supervision.py): a
    withheld one is null, labelled with its mark ("<5" or "×"), never its value."""
    return [
        value
        if mark is None
        else {"value": None, "label": {"show": True, "formatter": mark}, "suppressed": mark}
        for value, mark in values
    ]
