"""Shared plotly chart builders for the dashboard pages: one look, titles that state the finding.

Every builder takes a ready frame (metric output, never raw tables), returns a figure that went
through `ui.figure_layout`, and never computes a metric. Pages show the figure with `ui.chart`
(PNG download from the mode bar) or `selectable_chart` when a click drills down.
Also here: `load`, which turns a failing metric call into a message instead of a traceback.

Builders remember their figures (`remembered`): a page run with unchanged data gets the figure
built last time instead of paying plotly's validation again (10-50 ms of CPU per chart, under the
one GIL every session of the process shares). A returned figure is shared: never modify it.
"""
from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import pickle
import re
import threading
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data_models.channels import CHANNEL_LABELS
from pages.shared import ui

NEGATIVE = "#BC4B51"
POSITIVE = "#0B6E4F"
NEUTRAL = "#6C757D"
MILESTONE_STYLE = {  # flag column -> (legend label, marker symbol, colour)
    "is_first": ("First touch", "diamond", "#0B6E4F"),
    "is_lead": ("Lead created", "square", "#3A86FF"),
    "is_opp": ("Opportunity created", "star", "#F4A259"),
    "is_won": ("Closed won", "triangle-up", "#8E5572"),
}


_FIGURES: collections.OrderedDict[bytes, go.Figure] = collections.OrderedDict()
_FIGURES_LOCK = threading.Lock()
MAX_FIGURES = 256


def remembered(builder):
    """Memoise a figure builder on the pickled bytes of its arguments (the figure depends on nothing else),
    and give its figure margins that fit its labels (`fit_margins`)."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        try:
            key = hashlib.blake2b(pickle.dumps((builder.__name__, args, kwargs), protocol=5), digest_size=20).digest()
        except Exception:  # noqa: BLE001 - an argument that does not pickle: just build
            return builder(*args, **kwargs)
        with _FIGURES_LOCK:
            fig = _FIGURES.get(key)
            if fig is not None:
                _FIGURES.move_to_end(key)
                return fig
        fig = fit_margins(builder(*args, **kwargs))
        with _FIGURES_LOCK:
            _FIGURES[key] = fig
            while len(_FIGURES) > MAX_FIGURES:
                _FIGURES.popitem(last=False)
        return fig
    return build


# ---------- margins worked out here, so the browser draws each chart once
#
# Streamlit's Plotly theme turns on `automargin` for both axes, and the legend sits below the plot: when
# tick labels or the legend do not fit the figure's margins, plotly.js draws the chart, measures them,
# widens the margins and draws the whole chart again. On a warm page load that second pass was about half
# of the charts' drawing time (measured in chromium on the Pipeline and ROI pages' figures). Margins that
# already fit make the first pass the last; automargin stays on, so a label wider than estimated (another
# font, a phone's narrower legend rows) still fits, at the cost of the second pass.

CHAR_PX = 6.8         # a 13 px sans-serif character, on average, rounded up (chromium on Debian)
LINE_PX = 19          # one line of tick labels or legend entries
TICK_PX = 18          # ticks, the theme's 8 px padding and a little air
LEGEND_ROW_PX = 900   # legend rows are laid out for the main column of a laptop (a phone's may need more rows)
LEGEND_PX = 9         # a legend's padding; each row adds about 21 px


def _label_lines(label) -> list[str]:
    """A tick label's lines as shown: <br> breaks a line, tags such as <sub> are not shown."""
    return [re.sub(r"<[^>]+>", "", part) for part in str(label).split("<br>")]


def _number_label(axis, values: list[float]) -> str:
    """About the widest tick label of a numeric axis (ticks are round numbers within the data or range)."""
    values = [v for v in values if v == v] + [float(v) for v in (axis.range or ()) if v is not None]
    top = max((abs(v) for v in values), default=1.0)
    sign = "-" if any(v < 0 for v in values) else ""
    fmt = axis.tickformat or ""
    if fmt.endswith("%"):
        body = f"{max(top, 1.0) * 100:.0f}%"   # ticks reach the next round number
    elif fmt == "~s":   # SI: 3 digits, a decimal and the unit at most ("$12.5M")
        body = f"{top / 1000 ** max(0, min(4, (len(f'{top:.0f}') - 1) // 3)):.0f}.5M"
    elif fmt.startswith(","):
        body = f"{top:,.0f}"
    else:
        body = f"{top:.3g}.5"
    return sign + (axis.tickprefix or "") + body + (axis.ticksuffix or "")


def _axis_labels(fig: go.Figure, letter: str) -> list[str]:
    """The labels an axis may show (its categories, or about its widest number) from the figure's traces."""
    axis = getattr(fig.layout, f"{letter}axis")
    if axis.ticktext:
        return [str(t) for t in axis.ticktext]
    values = [v for trace in fig.data if getattr(trace, letter, None) is not None
              for v in list(getattr(trace, letter)) if v is not None]
    numbers = []
    for v in values:
        if isinstance(v, str):
            return list(dict.fromkeys(str(x) for x in values))
        try:
            numbers.append(float(v))
        except (TypeError, ValueError):   # dates and the like: plotly's own short tick labels
            return ["Sep 30"]
    return [_number_label(axis, numbers)]


def fit_margins(fig: go.Figure) -> go.Figure:
    """Set left and bottom margins that hold the tick labels and the legend below the plot."""
    try:
        return _fit_margins(fig)
    except Exception:  # noqa: BLE001 - only a speed-up: the figure as built still draws (automargin)
        return fig


def _fit_margins(fig: go.Figure) -> go.Figure:
    layout = fig.layout
    y_labels, x_labels = _axis_labels(fig, "y"), _axis_labels(fig, "x")
    left = 10 + TICK_PX + CHAR_PX * max((len(line) for label in y_labels for line in _label_lines(label)), default=0)
    ticks_below = TICK_PX + LINE_PX * max((len(_label_lines(label)) for label in x_labels), default=1)
    bottom = ticks_below
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    # plotly shows a legend for more than one trace, even when only one of them has an entry
    if shown and layout.showlegend is not False and (len(fig.data) > 1 or layout.showlegend):
        rows, width = 1, 0.0
        for trace in shown:
            item = 40 + CHAR_PX * len(trace.name)
            if width and width + item > LEGEND_ROW_PX:
                rows, width = rows + 1, 0.0
            width += item
        below = abs(layout.legend.y if layout.legend.y is not None else 0)
        height, top = layout.height or 450, layout.margin.t or 0
        # the legend's anchor is `below` of the plot's height under the plot, so for a legend hanging from
        # its top, b = below * (H - t - b) + its height (+ 12 px plotly keeps); anchored at its bottom, no height
        extent = LEGEND_PX + 21 * rows if layout.legend.yanchor == "top" else 0
        bottom = max(bottom, (below * (height - top) + extent + 12) / (1 + below) + 1)
    fig.update_layout(margin={"l": round(left), "b": round(bottom)})
    return fig


def channel_label(channel) -> str:
    """'paid_search' -> 'Paid search'; unknown keys are shown as they are."""
    if channel is None or (isinstance(channel, float) and channel != channel):
        return "(none)"
    return CHANNEL_LABELS.get(str(channel), str(channel))


def count(n, word: str) -> str:
    """'1 deal', '3 deals'."""
    n = int(n)
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def sentence(text: str) -> str:
    """First letter upper case, the rest untouched (str.capitalize would lower 'SEO')."""
    return text[:1].upper() + text[1:]


def load(function, params, what: str, **kwargs):
    """ui.metric, but a failure becomes an error message and stops the page (no traceback)."""
    try:
        return ui.metric(function, params, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the page must explain, not crash
        st.error(f"Could not compute {what}: {exc}. Try another filter, or ask an analyst to check "
                 "the **Data quality** page.")
        st.stop()


def figures(kind, p, **options):
    """A page's figures (a `page_figures.Figures` class) for the view `p`, fetched with `load`. In a served
    app a second thread works them out from the page's last figure back meanwhile (`warmup.alongside`)."""
    from pages.shared import warmup

    found = kind(load, p, **options)
    warmup.alongside(found)
    return found


TITLE_WIDTH = 44  # characters per title line: phones (390 px) cut longer plotly titles, they never wrap


def wrap_title(title: str, width: int = TITLE_WIDTH) -> str:
    """Break a finding into lines of at most `width` characters with <br>, at spaces."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    """ui.figure_layout with a title that wraps on a phone and a legend that never covers the axis."""
    wrapped = wrap_title(title)
    extra = 20 * wrapped.count("<br>")
    fig = ui.figure_layout(fig, wrapped, height=height + extra)
    fig.update_layout(margin={"t": 60 + extra}, legend={"yanchor": "top", "y": -0.12}, title_font_size=15)
    return fig


def _category_ticks(fig: go.Figure, labels: Sequence, axis: str = "x") -> None:
    """Quarter labels 'FY2026 Q3' shown as 'Q3 FY26' so four to eight fit side by side on a phone;
    the values (and so a click's x) stay the labels themselves."""
    labels = list(dict.fromkeys(labels))
    short = [re.sub(r"^FY\d{2}(\d{2}) Q(\d)$", r"Q\2 FY\1", str(v)) for v in labels]
    if short != [str(v) for v in labels]:
        getattr(fig, f"update_{axis}axes")(tickmode="array", tickvals=labels, ticktext=short)


def _money_axis(fig: go.Figure, axis: str = "y") -> None:
    getattr(fig, f"update_{axis}axes")(tickprefix="$", tickformat="~s")


def short_labels(full: Sequence[str], width: int = 30) -> list[str]:
    """Axis labels of at most `width` characters, each different (plotly draws equal labels as one
    category, so two assets whose titles start alike would share one bar): a label cut at the end
    that clashes with another keeps its beginning and its end instead; labels still equal are numbered."""
    def cut(v: str) -> str:
        return v if len(v) <= width else v[:width - 2].rstrip() + "…"

    def middle(v: str) -> str:
        if len(v) <= width:
            return v
        half = (width - 1) // 2
        return v[:half].rstrip() + "…" + v[-(width - 1 - half):].lstrip()

    first = [cut(v) for v in full]
    clashes = {x for x in first if first.count(x) > 1}
    out = [middle(v) if x in clashes else x for v, x in zip(full, first)]
    counts = {x: out.count(x) for x in out}
    seen: dict[str, int] = {}
    for i, x in enumerate(out):
        if counts[x] > 1:
            seen[x] = seen.get(x, 0) + 1
            out[i] = f"{x} ({seen[x]})"
    return out


@remembered
def bar(labels: Sequence, values: Sequence, title: str, *, money: bool = True, horizontal: bool = False,
        colors: Sequence[str] | str | None = None, text: Sequence[str] | None = None,
        hover: Sequence[str] | None = None, height: int | None = None, suffix: str = "") -> go.Figure:
    """One series of bars; horizontal bars list the largest first, top down. Long labels are
    shortened on the axis (a phone has no room for them) and kept whole in the hover."""
    values = [float(v) for v in values]
    full = [str(v) for v in labels]
    if horizontal and hover is None and any(len(v) > 30 for v in full):
        hover = full
    labels = short_labels(full) if horizontal else list(labels)
    marker = {"color": colors if colors is not None else ui.PALETTE[0]}
    kwargs = {"text": list(text) if text is not None else None, "textposition": "auto",
              "hovertext": list(hover) if hover is not None else None, "marker": marker}
    fig = go.Figure()
    if horizontal:
        fig.add_bar(y=list(labels), x=values, orientation="h", **kwargs)
        fig.update_yaxes(autorange="reversed", automargin=True)
        if money:
            _money_axis(fig, "x")
        elif suffix:
            fig.update_xaxes(ticksuffix=suffix, tickformat=",.0f")
        if values and min(values) < 0:
            # room left of zero so a short negative bar's label is not cut by the axis labels
            lo, hi = min(min(values), 0.0), max(max(values), 0.0)
            span = (hi - lo) or 1.0
            fig.update_xaxes(range=[lo - 0.2 * span, hi + 0.05 * span])
    else:
        fig.add_bar(x=list(labels), y=values, **kwargs)
        if money:
            _money_axis(fig, "y")
        elif suffix:
            fig.update_yaxes(ticksuffix=suffix, tickformat=",.0f")
    fig.update_layout(showlegend=False)
    rows = len(labels)
    return _layout(fig, title, height=height or (max(300, 60 + 38 * rows) if horizontal else 360))


@remembered
def stacked_bar(frame: pd.DataFrame, x: str, y: str, group: str, title: str, *, order: Sequence[str],
                names: dict[str, str] | None = None, colors: dict[str, str] | None = None,
                money: bool = True) -> go.Figure:
    """Bars of `y` per `x`, stacked by `group` in `order`; each bar carries its group as customdata
    so a click can say which part was chosen."""
    fig = go.Figure()
    for i, g in enumerate(order):
        part = frame[frame[group] == g]
        fig.add_bar(x=part[x].tolist(), y=[float(v) for v in part[y]], name=(names or {}).get(g, str(g)),
                    marker_color=(colors or {}).get(g, ui.PALETTE[i % len(ui.PALETTE)]),
                    customdata=[g] * len(part))
    fig.update_layout(barmode="stack", clickmode="event+select", legend_traceorder="normal")
    _category_ticks(fig, frame[x])
    if money:
        _money_axis(fig)
    return _layout(fig, title)


@remembered
def grouped_bar(labels: Sequence, series: dict[str, Sequence], title: str, *, money: bool = True,
                colors: Sequence[str] | None = None, horizontal: bool = False) -> go.Figure:
    """Several series side by side per label, e.g. total vs sourced vs influenced per segment."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        color = (colors or ui.PALETTE)[i % len(colors or ui.PALETTE)]
        vals = [float(v) for v in values]
        if horizontal:
            fig.add_bar(y=list(labels), x=vals, name=name, orientation="h", marker_color=color)
        else:
            fig.add_bar(x=list(labels), y=vals, name=name, marker_color=color)
    fig.update_layout(barmode="group")
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
    if money:
        _money_axis(fig, "x" if horizontal else "y")
    height = max(320, 80 + 30 * len(labels) * max(1, len(series))) if horizontal else 360
    return _layout(fig, title, height=height)


@remembered
def trend(x: Sequence, series: dict[str, Sequence], title: str, *, percent: bool = False,
          colors: Sequence[str] | None = None, dashes: Sequence[str] | None = None) -> go.Figure:
    """Lines over periods, one per series; None values leave a gap."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_scatter(x=list(x), y=[None if v is None else float(v) for v in values], name=name,
                        mode="lines+markers",
                        line={"color": (colors or ui.PALETTE)[i % len(colors or ui.PALETTE)],
                              "dash": (dashes or ["solid"] * len(series))[i], "width": 3})
    _category_ticks(fig, x)
    if percent:
        fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    else:
        _money_axis(fig)
    return _layout(fig, title)


@remembered
def dumbbell(labels: Sequence, left: Sequence, right: Sequence, left_name: str, right_name: str, title: str,
             *, money: bool = True) -> go.Figure:
    """Two values per label joined by a line: the gap between them is the story."""
    labels = list(labels)
    left = [float(v) for v in left]
    right = [float(v) for v in right]
    fig = go.Figure()
    for label, a, b in zip(labels, left, right):
        fig.add_scatter(x=[a, b], y=[label, label], mode="lines", line={"color": "#CED4DA", "width": 4},
                        showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=left, y=labels, mode="markers", name=left_name, marker={"size": 13, "color": NEUTRAL})
    fig.add_scatter(x=right, y=labels, mode="markers", name=right_name, marker={"size": 13, "color": POSITIVE})
    fig.update_yaxes(autorange="reversed", automargin=True)
    if money:
        _money_axis(fig, "x")
    return _layout(fig, title, height=max(300, 90 + 40 * len(labels)))


@remembered
def model_spread(table: pd.DataFrame, key: str, models: Sequence[str], title: str,
                 labels: dict[str, str] | None = None) -> go.Figure:
    """Every model's credit per key on one line: a wide spread means the models disagree."""
    rows = [channel_label(k) if key == "channel" else str(k) for k in table[key]]
    fig = go.Figure()
    for label, (_, row) in zip(rows, table.iterrows()):
        values = [float(row[m]) for m in models]
        fig.add_scatter(x=[min(values), max(values)], y=[label, label], mode="lines", showlegend=False,
                        line={"color": "#CED4DA", "width": 6}, hoverinfo="skip")
    for i, model in enumerate(models):
        fig.add_scatter(x=[float(v) for v in table[model]], y=rows, mode="markers",
                        name=(labels or ui.MODEL_LABELS).get(model, model),
                        marker={"size": 11, "color": ui.PALETTE[i % len(ui.PALETTE)],
                                "symbol": "diamond" if model in ("markov", "shapley") else "circle"})
    fig.update_yaxes(autorange="reversed", automargin=True)
    _money_axis(fig, "x")
    fig = _layout(fig, title, height=max(340, 140 + 44 * len(rows)))
    return fig


@remembered
def rates_with_intervals(labels: Sequence, rates: Sequence, lows: Sequence, highs: Sequence, counts: Sequence,
                         title: str, *, colors: Sequence[str] | str | None = None) -> go.Figure:
    """Win rates as bars with their 95% interval as error bars and 'n = deals' under each bar."""
    rates = [None if pd.isna(r) else float(r) for r in rates]
    plus = [None if (r is None or pd.isna(h)) else float(h) - r for r, h in zip(rates, highs)]
    minus = [None if (r is None or pd.isna(lo)) else r - float(lo) for r, lo in zip(rates, lows)]
    ticks = [f"{label}<br><sub>n = {int(n)}</sub>" for label, n in zip(labels, counts)]
    fig = go.Figure()
    fig.add_bar(
        x=ticks, y=[r or 0 for r in rates], marker_color=colors if colors is not None else ui.PALETTE[0],
        error_y={"type": "data", "symmetric": False, "array": [p or 0 for p in plus],
                 "arrayminus": [m or 0 for m in minus], "color": "#343A40", "thickness": 1.5, "width": 6},
        text=["–" if r is None else f"{r:.0%}" for r in rates], textposition="inside", insidetextanchor="start",
        hovertext=[f"{int(n)} deals; 95% interval {ui.pct(lo)}–{ui.pct(h)}" for n, lo, h in zip(counts, lows, highs)],
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_layout(showlegend=False)
    return _layout(fig, title)


@remembered
def funnel(stages: Sequence[str], values: Sequence, title: str, *, money: bool = False) -> go.Figure:
    """Stage by stage, with the share kept from the first stage."""
    fig = go.Figure(go.Funnel(y=list(stages), x=[float(v) for v in values], textinfo="value+percent initial",
                              marker={"color": ui.PALETTE[: len(stages)]}))
    if money:
        fig.update_traces(texttemplate="$%{value:.3s}<br>%{percentInitial:.0%}")
    return _layout(fig, title)


@remembered
def source_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """New pipeline by source group per period (sourced_pipeline's frame), stacked."""
    fig = go.Figure()
    for group in ("marketing", "partner", "sales", "unknown"):
        part = trend[trend["source_group"] == group]
        fig.add_bar(x=part["period"], y=part["amount"].astype(float), name=f"{group.title()}-sourced",
                    marker_color=ui.GROUP_COLORS[group])
    fig.update_layout(barmode="stack", yaxis_tickprefix="$", yaxis_tickformat="~s")
    return ui.figure_layout(fig, title)


@remembered
def persona_win_rates(personas: pd.DataFrame, title: str) -> go.Figure:
    """Win rate per persona (buyers.by_persona's frame) with its 95% interval, 'r of n' on each bar."""
    fig = go.Figure(go.Bar(
        x=personas["win_rate"], y=personas["persona"], orientation="h", marker_color=ui.PALETTE[0],
        error_x={"type": "data", "symmetric": False, "array": personas["win_rate_high"] - personas["win_rate"],
                 "arrayminus": personas["win_rate"] - personas["win_rate_low"], "color": "#6C757D"},
        text=[f"{ui.pct(r)} of {n}" for r, n in zip(personas["win_rate"], personas["deals"])],
        textposition="inside", insidetextanchor="start",
    ))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return ui.figure_layout(fig, title, height=120 + 40 * len(personas))


@remembered
def committee_win_rates(committee: pd.DataFrame, title: str) -> go.Figure:
    """Win rate per buying-committee size bucket (buyers.by_committee_size's frame), with n."""
    fig = go.Figure(go.Bar(x=committee["committee_bucket"], y=committee["win_rate"], marker_color=ui.PALETTE[1],
                           text=[f"{ui.pct(r)} (n={n})" for r, n in zip(committee["win_rate"], committee["deals"])],
                           textposition="outside"))
    fig.update_yaxes(tickformat=".0%")
    return ui.figure_layout(fig, title)


@remembered
def people_funnel(stages: pd.DataFrame, title: str) -> go.Figure:
    """People per lead stage (funnel.lead_funnel's frame: label, people), with the share kept from the stage before."""
    fig = go.Figure(go.Funnel(y=stages["label"], x=stages["people"], textinfo="value+percent previous",
                              marker={"color": ui.PALETTE[:5]}))
    return ui.figure_layout(fig, title)


@remembered
def belief_gap(rows: pd.DataFrame, truth: float, title: str) -> go.Figure:
    """Each role's mean answer (perception.perception_gap's rows for one question) against the measured
    figure `truth` (NaN when the data cannot measure it: beliefs only, no line)."""
    known = truth == truth
    fig = go.Figure()
    for row in rows.itertuples() if known else ():
        fig.add_trace(go.Scatter(x=[truth, row.mean], y=[row.respondent_role] * 2, mode="lines",
                                 line={"color": "#ADB5BD", "width": 3}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=rows["mean"], y=rows["respondent_role"], mode="markers+text", name="Believed (mean answer)",
                             text=[f"{v:.0f}%" for v in rows["mean"]], textposition="top center",
                             marker={"size": 14, "color": ui.PALETTE[1]},
                             customdata=rows["respondents"], hovertemplate="%{y}: %{x:.0f}% (%{customdata} respondents)<extra></extra>"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    if known:
        fig.add_vline(x=truth, line={"color": ui.PALETTE[0], "width": 3, "dash": "dash"},
                      annotation_text=f"Data: {truth:.0f}%", annotation_position="top")
    return ui.figure_layout(fig, title, height=80 + 60 * len(rows))


@remembered
def touch_timeline(touches: pd.DataFrame, title: str, *, created: dt.date | None = None,
                   closed: dt.date | None = None, weight_column: str | None = None) -> go.Figure:
    """One deal's touches in time, one row per channel, milestones drawn over them.

    `touches` is attribution.timeline's frame (occurred_at, channel, campaign_id, asset_id,
    touch_type, via_account, is_first/is_lead/is_opp/is_won and per-model weights).
    """
    rows = [channel_label(c) for c in touches["channel"]]
    hover = [
        f"{pd.Timestamp(t):%b %d, %Y} · {label}<br>{tt or 'touch'}"
        + (f" · campaign {c}" if isinstance(c, str) else "") + (f" · asset {a}" if isinstance(a, str) else "")
        + (" · via account" if bool(v) else "")
        + (f"<br>{weight_column}: {float(w):.0%} of the credit" if weight_column else "")
        for t, label, tt, c, a, v, w in zip(
            touches["occurred_at"], rows, touches["touch_type"], touches["campaign_id"], touches["asset_id"],
            touches["via_account"], touches[weight_column] if weight_column else [0] * len(touches))
    ]
    fig = go.Figure()
    fig.add_scatter(x=touches["occurred_at"].tolist(), y=rows, mode="markers", name="Touch",
                    marker={"size": 10, "color": "#ADB5BD"}, hovertext=hover, hoverinfo="text")
    for flag, (name, symbol, color) in MILESTONE_STYLE.items():
        if flag not in touches.columns:
            continue
        mask = touches[flag].fillna(False).astype(bool).to_numpy()
        if mask.any():
            fig.add_scatter(x=touches.loc[mask, "occurred_at"].tolist(), y=[r for r, m in zip(rows, mask) if m],
                            mode="markers", name=name, hoverinfo="skip",
                            marker={"size": 18, "symbol": symbol, "color": color, "line": {"width": 1, "color": "white"}})
    for day, text in ((created, "Deal created"), (closed, "Closed")):
        if day is None or pd.isna(day):
            continue
        x = pd.Timestamp(day)
        fig.add_shape(type="line", x0=x, x1=x, yref="paper", y0=0, y1=1, line={"dash": "dot", "color": "#343A40"})
        fig.add_annotation(x=x, yref="paper", y=1.0, yanchor="bottom", text=text, showarrow=False,
                           font={"size": 11}, bgcolor="white")
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=sorted(set(rows)))
    fig.update_xaxes(tickformat="%b %d", nticks=6)
    fig = _layout(fig, title, height=max(340, 180 + 36 * len(set(rows))))
    fig.update_layout(legend={"y": -0.2})
    return fig


def selectable_chart(fig: go.Figure, key: str) -> list[dict]:
    """Like ui.chart, but a click on a bar reruns the page; returns the selected points."""
    try:
        event = st.plotly_chart(
            fig, width="stretch", key=key, on_select="rerun", selection_mode=("points",),
            config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": key, "scale": 2}},
        )
        return list(event.selection.points) if event and event.selection else []
    except Exception:  # noqa: BLE001 - without selection support the selectboxes still drill down
        ui.chart(fig, key=key)
        return []


def follow_selection(points: list[dict], key: str, targets: dict[str, str], order: Sequence[str]) -> None:
    """Copy a new chart click into the drill-down selectboxes (keys in `targets`) before they are drawn.

    `targets` maps "x" and "group" to selectbox keys. A click is applied once, so a later change
    of a selectbox is not overridden by the old click; the selectboxes alone work on phones.
    """
    if not points:
        return
    point = points[0]
    group = point.get("customdata")
    if isinstance(group, (list, tuple)):
        group = group[0] if group else None
    if group is None and point.get("curve_number") is not None and point["curve_number"] < len(order):
        group = order[point["curve_number"]]
    click = (point.get("x"), group)
    seen_key = f"{key}__applied"
    if st.session_state.get(seen_key) == click:
        return
    st.session_state[seen_key] = click
    if click[0] is not None and "x" in targets:
        st.session_state[targets["x"]] = click[0]
    if click[1] is not None and "group" in targets:
        st.session_state[targets["group"]] = click[1]


def empty_state(what: str, label: str, params) -> None:
    """No data for the filters: say which filter to widen."""
    narrowed = [f"Segment = {params.segment}" if params.segment else "", f"Region = {params.region}" if params.region else ""]
    narrowed = [n for n in narrowed if n]
    hint = ("set " + " and ".join(narrowed) + " back to All, or " if narrowed else "")
    st.info(f"No {what} in {label} for these filters. To see figures, {hint}widen the **Period** in the sidebar "
            "(e.g. *Last 12 months* or *Last fiscal year*).")
