"""Drawing a chart specification (plain data, labels already translated) as SVG or PNG.

Only ``matplotlib.figure.Figure`` with the Agg canvas: pyplot keeps global figures and is not
safe in a server. Text stays text in SVG (``svg.fonttype = none``), so a page's reader, a
screen reader and a test can all read the labels; numbers are written by Babel in the reader's
language (``71,5`` in Danish, ``71.5`` in English).
"""

from __future__ import annotations

import io
import math
import textwrap
from decimal import Decimal

import matplotlib
from babel import numbers
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from app.charts.svg import presentation_attributes

matplotlib.rcParams.update({
    "svg.fonttype": "none",       # text as text, not paths
    "svg.hashsalt": "nordialog",  # the same chart gives the same bytes (stable ids)
    "font.family": "DejaVu Sans",  # has æ, ø, å, ä, ö
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
PALETTE = ("#1f5f8b", "#d08c20", "#6c757d", "#3b8b5a", "#a23b3b", "#7a5aa6", "#2a9d8f",
           "#b5838d")
STATUS_COLOURS = {"achieved": "#3b8b5a", "in_progress": "#1f5f8b", "agreed": "#7fa7c9",
                  "proposed": "#b8c4ce", "at_risk": "#d08c20", "not_achieved": "#a23b3b",
                  "cancelled": "#6c757d", "carried_over": "#7a5aa6",
                  "on_time": "#3b8b5a", "late": "#d08c20", "overdue": "#a23b3b"}


def number(value: float, language: str, decimals: int = 1) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return numbers.format_decimal(value, format=pattern, locale=language)


def percent(value: float, language: str, decimals: int = 1) -> str:
    """``71,5 %`` (da), ``71.5%`` (en): the language's own percent pattern, no false decimals."""
    share = Decimal(str(round(value, decimals))) / 100  # no binary noise (73.40000000000001)
    return numbers.format_percent(share, locale=language, decimal_quantization=False)


def render(kind: str, spec: dict, language: str, fmt: str = "svg") -> bytes:
    """The chart as bytes in ``fmt`` (svg or png); an SVG carries no inline CSS."""
    figure = Figure(figsize=spec.get("size", (6.4, 3.2)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    DRAW[kind](figure, spec, language)
    buffer = io.BytesIO()
    options = {"metadata": {"Date": None}} if fmt == "svg" else {}
    figure.savefig(buffer, format=fmt, dpi=100 if fmt == "svg" else 120, **options)
    if fmt == "svg":
        return presentation_attributes(buffer.getvalue().decode()).encode()
    return _opaque(buffer)


def _opaque(png: io.BytesIO) -> bytes:
    """The PNG without its alpha channel (the figure is on white): WeasyPrint splits an RGBA
    image into colour and mask and compresses each again for every PDF it writes."""
    png.seek(0)
    with Image.open(png) as image:
        if image.mode != "RGBA":
            return png.getvalue()
        white = Image.new("RGBA", image.size, "white")
        flat = Image.alpha_composite(white, image).convert("RGB")
    out = io.BytesIO()
    flat.save(out, format="png")
    return out.getvalue()


def _value_formatter(spec: dict, language: str):
    decimals = spec.get("decimals", 1)
    if spec.get("percent"):
        return lambda value: percent(value, language, decimals)
    return lambda value: number(value, language, decimals)


def _wrapped(title: str, width: int = 80) -> str:
    """Long indicator names on two lines rather than cut off at the figure's edge."""
    return "\n".join(textwrap.wrap(title, width)) if title else ""


def _trend(figure, spec: dict, language: str) -> None:
    axes = figure.add_subplot()
    periods = spec["periods"]
    positions = list(range(len(periods)))
    show = _value_formatter(spec, language)
    for index, series in enumerate(spec["series"]):
        points = [(x, v) for x, v in zip(positions, series["values"], strict=True)
                  if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        main = index == 0
        axes.plot(xs, ys, marker="o", linewidth=2.2 if main else 1.4,
                  linestyle="-" if main else "--", color=PALETTE[index % len(PALETTE)],
                  label=series["label"])
        if main:
            for x, y in points:
                axes.annotate(show(y), (x, y), textcoords="offset points", xytext=(0, 6),
                              ha="center", fontsize=8)
    axes.set_xticks(positions, periods)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: show(value)))
    axes.set_ylabel(spec.get("ylabel", ""))
    axes.set_title(_wrapped(spec.get("title", "")), loc="left", fontsize=10)
    axes.grid(axis="y", color="#e5e5e5")
    if any(any(v is not None for v in s["values"]) for s in spec["series"]):
        axes.legend(loc="best", fontsize=8, frameon=False)
    if spec.get("note"):
        figure.text(0.01, 0.005, spec["note"], fontsize=7, color="#555555")


def _stacked(figure, spec: dict, language: str) -> None:
    axes = figure.add_subplot()
    categories = spec["categories"]
    positions = list(range(len(categories)))
    bottoms = [0.0] * len(categories)
    for index, stack in enumerate(spec["stacks"]):
        colour = STATUS_COLOURS.get(stack.get("key", ""), PALETTE[index % len(PALETTE)])
        axes.bar(positions, stack["values"], bottom=bottoms, color=colour,
                 label=stack["label"], width=0.6)
        bottoms = [b + v for b, v in zip(bottoms, stack["values"], strict=True)]
    for x, total in zip(positions, bottoms, strict=True):
        if total:
            axes.annotate(number(total, language, 0), (x, total), textcoords="offset points",
                          xytext=(0, 3), ha="center", fontsize=8)
    crowded = len(categories) > 4 or max((len(c) for c in categories), default=0) > 14
    axes.set_xticks(positions, categories, rotation=25 if crowded else 0,
                    ha="right" if crowded else "center")
    axes.margins(y=0.12)  # room for the totals above the bars
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: number(value, language, 0)))
    axes.set_ylabel(spec.get("ylabel", ""))
    axes.set_title(spec.get("title", ""), loc="left", fontsize=10)
    axes.grid(axis="y", color="#e5e5e5")
    if spec["stacks"] and categories:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)


def _year_wheel(figure, spec: dict, language: str) -> None:
    """The twelve months as a wheel, a dot per step (green when done); the steps listed
    beside it with their month."""
    grid = figure.add_gridspec(1, 2, width_ratios=(1, 1.25)) if spec.get("legend") else None
    axes = figure.add_subplot(grid[0, 0] if grid else 111, projection="polar")
    axes.set_theta_direction(-1)
    axes.set_theta_offset(math.pi / 2)
    width = 2 * math.pi / 12
    current = spec.get("current_month")
    for month in range(1, 13):
        colour = "#dbe7f0" if month != current else "#f3d9a6"
        axes.bar((month - 1) * width + width / 2, 1.0, width=width * 0.97, bottom=0.35,
                 color=colour, edgecolor="white")
    axes.set_xticks([(m - 1) * width + width / 2 for m in range(1, 13)], spec["months"])
    axes.set_yticks([])
    axes.grid(False)
    axes.spines["polar"].set_visible(False)
    by_month: dict[int, list[dict]] = {}
    for step in spec["steps"]:
        by_month.setdefault(step["month"], []).append(step)
    for month, steps in by_month.items():
        angle = (month - 1) * width + width / 2
        for row, step in enumerate(steps[:3]):
            axes.plot([angle], [0.6 + row * 0.3], marker="o", markersize=5,
                      color="#3b8b5a" if step.get("done") else "#1f5f8b")
    axes.set_title(spec.get("title", ""), fontsize=10)
    if grid:
        listing = figure.add_subplot(grid[0, 1])
        listing.axis("off")
        lines = [textwrap.shorten(f"{step['month_name']}: {step['label']}", 52,
                                  placeholder="…") for step in spec["steps"][:16]]
        listing.text(0.0, 0.5, "\n".join(lines), fontsize=7, va="center", ha="left",
                     linespacing=1.5, transform=listing.transAxes)


DRAW = {"trend": _trend, "stacked": _stacked, "year_wheel": _year_wheel}


def _hbars(figure, spec: dict, language: str) -> None:
    """Each unit's latest value as a bar, with the owner's and the country's as lines."""
    categories = spec["categories"]
    figure.set_size_inches(6.8, max(2.2, 0.6 + 0.22 * len(categories)))
    axes = figure.add_subplot()
    positions = list(range(len(categories)))
    values = [v if v is not None else 0 for v in spec["values"]]
    axes.barh(positions, values, color=PALETTE[0], height=0.65)
    show = _value_formatter(spec, language)
    for y, v in zip(positions, spec["values"], strict=True):
        axes.annotate(show(v) if v is not None else "–", (v or 0, y),
                      textcoords="offset points", xytext=(3, -3), fontsize=7)
    for index, ref in enumerate(spec.get("references", [])):
        if ref["value"] is not None:
            axes.axvline(ref["value"], color=PALETTE[index + 1], linestyle="--", linewidth=1.2,
                         label=f"{ref['label']}: {show(ref['value'])}")
    axes.set_yticks(positions, categories, fontsize=7)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: show(value)))
    axes.set_title(_wrapped(spec.get("title", "")), loc="left", fontsize=10)
    if any(ref["value"] is not None for ref in spec.get("references", [])):
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    if spec.get("note"):
        figure.text(0.01, 0.002, spec["note"], fontsize=7, color="#555555")


DRAW["hbars"] = _hbars
