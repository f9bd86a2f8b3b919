"""What each board-deck slide says: its finding-first title, chart data, text and speaker notes.

Every figure comes from the same metric functions the dashboard pages call, with the same
Params, so a number on a slide equals the number on the page for the same filters. This
module only gathers and words the figures; data_models.deck_charts draws them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np

from data_models import attribution, content, metrics, perception, roi
from data_models.channels import CHANNEL_LABELS, MARKETING_CHANNELS
from data_models.crm_totals import crm_totals
from data_models.formatting import GROUP_COLORS, MODEL_LABELS, PALETTE, money, money_number_format, pct
from data_models.params import Params, fiscal_quarter_bounds
from data_models.periods import data_as_of, period_label

GREY = "#ADB5BD"
# models shown side by side on the comparison slide (the chosen model is added when not listed)
COMPARED_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "markov", "shapley")
TREND_QUARTERS = 4


@dataclasses.dataclass
class ChartSpec:
    kind: str                                   # column | bar | line
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    number_format: str
    caption: str = ""                           # small title above the chart (when a slide has several)
    colors: list[str] | None = None             # one per series
    point_colors: list[str] | None = None       # one per category (single-series charts)
    data_labels: bool = True
    legend: bool = True


@dataclasses.dataclass
class SlideSpec:
    id: str
    title: str
    kind: str = "chart"                         # title | chart | text
    subtitle: str = ""                          # title slide only
    charts: list[ChartSpec] = dataclasses.field(default_factory=list)
    bullets: list[str] = dataclasses.field(default_factory=list)
    caption: str = ""                           # one line under the charts: basis, model, caveat
    notes: str = ""
    highlights: list[str] = dataclasses.field(default_factory=list)  # big figure beside each bullet


class QueryMemo:
    """A read-through memo of one connection for the length of one deck build.

    Slides call several metric functions that run the very same query with the same bound
    values (the headline's sourced share and the perception gap's measured figure, the ROI
    slide's attribution loads and the revenue slide's). The database is only read while a deck
    is built, so an identical (sql, values) gives an identical answer: each is run once per
    result method (df / fetchall / fetchone) and replayed, as a copy, afterwards.
    """

    def __init__(self, con):
        self._con = con
        self._results: dict = {}

    def execute(self, sql: str, parameters=None):
        key = (sql, _freeze(parameters))
        return _Replay(self, key, sql, parameters)

    def _get(self, key, method: str, sql: str, parameters):
        if (key, method) not in self._results:
            cur = self._con.execute(sql, parameters) if parameters is not None else self._con.execute(sql)
            if method == "df":
                value = cur.df()
            else:
                value = (cur.description, cur.fetchall())
            self._results[(key, method)] = value
        return self._results[(key, method)]

    def __getattr__(self, name):
        return getattr(self._con, name)


def _freeze(values):
    if values is None:
        return None
    return tuple(tuple(v) if isinstance(v, list) else v for v in values)


class _Replay:
    """What QueryMemo.execute returns: the cursor methods metric functions use."""

    def __init__(self, memo: QueryMemo, key, sql, parameters):
        self._memo, self._key, self._sql, self._parameters = memo, key, sql, parameters
        self._rows = None

    def _fetch(self):
        if self._rows is None:
            self._rows = list(self._memo._get(self._key, "rows", self._sql, self._parameters)[1])
        return self._rows

    @property
    def description(self):
        return self._memo._get(self._key, "rows", self._sql, self._parameters)[0]

    def df(self):
        return self._memo._get(self._key, "df", self._sql, self._parameters).copy()

    def fetchall(self):
        rows, self._rows = self._fetch(), []
        return rows

    def fetchone(self):
        rows = self._fetch()
        return rows.pop(0) if rows else None


class Context:
    """The connection, filters and company of one deck, with memos so slides share queries."""

    def __init__(self, con, params: Params, company: str):
        self.con = QueryMemo(con)
        self.params = params
        self.company = company
        self._memo: dict = {}

    def memo(self, key, fn: Callable):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    @property
    def label(self) -> str:
        p = self.params
        return period_label(p.start, p.end, p.fiscal_year_start_month)

    @property
    def as_of(self) -> dt.date | None:
        return self.memo("as_of", lambda: data_as_of(self.con))

    def money(self, value) -> str:
        return money(value, self.params.currency)

    @property
    def money_format(self) -> str:
        return money_number_format(self.params.currency)

    def model_label(self, model: str | None = None) -> str:
        return MODEL_LABELS.get(model or self.params.model, model or self.params.model)

    def crm(self):
        return self.memo("crm", lambda: crm_totals(self.con, self.params).iloc[0])

    def deal_touches(self, basis: str):
        return self.memo(("touches", basis), lambda: attribution.load_deal_touches(self.con, self.params, basis))

    def credit(self, model: str, basis: str):
        return self.memo(("credit", model, basis),
                         lambda: attribution.credit_from(self.deal_touches(basis), model, "channel", self.params))


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, str(channel).replace("_", " ").capitalize())


def _f(value) -> float | None:
    """A chart value: float, None for missing (a gap in the chart, not a zero)."""
    if value is None:
        return None
    v = float(value)
    return None if math.isnan(v) else v


def _lines(rows) -> str:
    return "\n".join(rows)


def day(d: dt.date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def _basis_line(ctx: Context) -> str:
    p = ctx.params
    scope = ", ".join(x for x in (p.segment, p.region) if x) or "all segments and regions"
    as_of = f"data as of {day(ctx.as_of)}" if ctx.as_of else "no data loaded"
    return f"{ctx.label} · {scope} · {as_of}"


# ---------------------------------------------------------------- title and summary

def title_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    sub = f"Marketing's contribution · {ctx.label} ({day(p.start)} – {day(p.end)})"
    notes = _lines([
        f"Company: {ctx.company}", f"Period: {ctx.label}, {p.start.isoformat()} to {p.end.isoformat()}",
        f"Filters: segment {p.segment or 'all'}, region {p.region or 'all'}",
        f"Data as of: {ctx.as_of.isoformat() if ctx.as_of else 'no data'}",
    ])
    return SlideSpec("title", ctx.company, kind="title", subtitle=sub, caption=_basis_line(ctx), notes=notes)


def _headline_sentences(ctx: Context) -> list[tuple[str, float, dict]]:
    """(sentence, headline ratio, figures) of the overview page's three headlines."""
    try:
        from data_models import headlines
    except ImportError:
        headlines = None
    if headlines is not None and hasattr(headlines, "headlines"):
        return [(h.text, h.value, dict(h.figures)) for h in headlines.headlines(ctx.con, ctx.params)]
    # fallback if the headlines module is unavailable: the same metric calls, worded plainly
    share, amount, _ = metrics.sourced_share(ctx.con, ctx.params, "marketing")
    infl = metrics.influenced_pipeline(ctx.con, ctx.params).iloc[0]
    win = float(_assisted(ctx).loc["assisted", "win_rate"])
    return [
        (f"Marketing sourced {pct(share)} of new pipeline in {ctx.label}, {ctx.money(amount)}.", share, {}),
        (f"Marketing touched {pct(infl.influenced_share)} of new pipeline in {ctx.label}.",
         float(infl.influenced_share), {}),
        (_content_finding(ctx) + ".", win, {}),
    ]


def summary_slide(ctx: Context) -> SlideSpec:
    items = _headline_sentences(ctx)
    notes = []
    for i, (text, value, figures) in enumerate(items, 1):
        notes.append(f"{i}. {text} (headline figure {_note_value(value)})")
        notes += [f"   {k}: {_note_value(v)}" for k, v in figures.items() if k != "caveat"]
    return SlideSpec("summary", f"{ctx.label}: what marketing delivered", kind="text",
                     bullets=[t for t, _, _ in items], highlights=[pct(v) for _, v, _ in items],
                     caption=_basis_line(ctx), notes=_lines(notes))


def _note_value(v) -> str:
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.4f}"
    return str(v)


# ---------------------------------------------------------------- pipeline trend

def trend_quarters(params: Params, n: int = TREND_QUARTERS) -> list[tuple[dt.date, dt.date]]:
    """Fiscal quarters from the period's start (or n quarters back from its end, whichever is earlier)
    to its end; the last one ends at params.end."""
    fy = params.fiscal_year_start_month
    q_start, _ = fiscal_quarter_bounds(params.end, fy)
    for _ in range(n - 1):
        q_start, _ = fiscal_quarter_bounds(q_start - dt.timedelta(days=1), fy)
    first = min(q_start, fiscal_quarter_bounds(params.start, fy)[0])
    out = []
    day = first
    while day <= params.end:
        qs, qe = fiscal_quarter_bounds(day, fy)
        out.append((max(qs, day), min(qe, params.end)))
        day = qe + dt.timedelta(days=1)
    return out


def pipeline_by_quarter(ctx: Context) -> tuple[list[tuple[dt.date, dt.date]], list[dict]]:
    """Per trend quarter: total, marketing-sourced and marketing-influenced pipeline (amount and deals).

    One call of metrics.sourced_by_opportunity over the whole trend range: its per-opportunity
    facts are what sourced_pipeline and influenced_pipeline sum (source_group under
    params.sourced_definition; influenced = a marketing touch in the window), and they do not
    depend on the period, so each quarter's sums equal those functions run on that quarter.
    """
    p = ctx.params
    quarters = trend_quarters(p)
    trend = dataclasses.replace(p, start=quarters[0][0], end=p.end)
    facts = ctx.memo("facts", lambda: metrics.sourced_by_opportunity(ctx.con, trend))
    rows = []
    for qs, qe in quarters + [(p.start, p.end)]:
        q = facts[(facts["created_date"] >= qs) & (facts["created_date"] <= qe)]
        amounts = [a if isinstance(a, Decimal) else Decimal("0.00") for a in q["amount"]]
        marketing = (q["source_group"] == "marketing").tolist()
        influenced = (q["marketing_touches_in_window"] > 0).tolist()
        rows.append({
            "total": sum(amounts, Decimal("0.00")), "opportunities": len(q),
            "sourced": sum((a for a, m in zip(amounts, marketing) if m), Decimal("0.00")),
            "influenced": sum((a for a, i in zip(amounts, influenced) if i), Decimal("0.00")),
            "influenced_opportunities": int(sum(influenced)),
        })
    return quarters, rows


def pipeline_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    quarters, rows = pipeline_by_quarter(ctx)
    period = rows.pop()
    cats = [period_label(qs, qe, p.fiscal_year_start_month) for qs, qe in quarters]
    total = [_f(r["total"]) for r in rows]
    sourced = [_f(r["sourced"]) for r in rows]
    influenced = [_f(r["influenced"]) for r in rows]
    share = metrics.safe_ratio(period["sourced"], period["total"])
    infl_share = metrics.safe_ratio(period["influenced"], period["total"])
    amount, tot = period["sourced"], period["total"]
    title = (f"Marketing sourced {pct(share)} of new pipeline in {ctx.label} ({ctx.money(amount)}) "
             f"and influenced {pct(infl_share)}")
    chart = ChartSpec("column", cats, [("Total pipeline", total), ("Marketing-sourced", sourced),
                                       ("Marketing-influenced", influenced)],
                      ctx.money_format, colors=[GREY, GROUP_COLORS["marketing"], PALETTE[1]])
    definition = metrics.DEFINITION_LABELS.get(p.sourced_definition, p.sourced_definition)
    notes = [f"Pipeline by fiscal quarter (created date), {p.currency}:"]
    notes += [f"{c}: total {t:,.2f}; marketing-sourced {s:,.2f}; marketing-influenced {i:,.2f}"
              for c, t, s, i in zip(cats, total, sourced, influenced)]
    notes += [f"{ctx.label}: sourced share {share:.4f} ({float(amount):,.2f} of {float(tot):,.2f}); "
              f"influenced share {infl_share:.4f} ({float(period['influenced']):,.2f}, "
              f"{period['influenced_opportunities']} of {period['opportunities']} deals)",
              f"Sourced definition: {definition}", f"Influence lookback: {p.lookback_days} days"]
    caption = (f"Sourced = {definition.split(':')[0].lower()} definition · influenced = a marketing touch from "
               f"{p.lookback_days} days before creation to close · {_basis_line(ctx)}")
    return SlideSpec("pipeline", title, charts=[chart], caption=caption, notes=_lines(notes))


# ---------------------------------------------------------------- revenue

def revenue_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    credit = ctx.credit(p.model, "revenue")
    crm = ctx.crm()
    rows = [(str(r.channel), float(r.amount)) for r in credit.itertuples()]
    rows.sort(key=lambda r: (-r[1], r[0]))
    marketing = sum(a for c, a in rows if c in MARKETING_CHANNELS)
    revenue = float(crm.revenue)
    share = metrics.safe_ratio(marketing, revenue)
    title = (f"Marketing channels earned {ctx.money(marketing)} of the {ctx.money(revenue)} "
             f"revenue won in {ctx.label} ({pct(share)})")
    cats = [channel_label(c) for c, _ in rows]
    chart = ChartSpec("bar", cats, [("Attributed revenue", [a for _, a in rows])], ctx.money_format,
                      point_colors=[GROUP_COLORS["marketing"] if c in MARKETING_CHANNELS else GREY for c, _ in rows],
                      legend=False)
    info = attribution.reconciliation_of(credit)
    notes = [f"Revenue won in {ctx.label} by channel, {ctx.model_label()} attribution, {p.currency}:"]
    notes += [f"{channel_label(c)}: {a:,.2f}" + ("" if c in MARKETING_CHANNELS else " (not marketing)") for c, a in rows]
    notes += [f"Marketing channels total: {marketing:,.2f} of CRM revenue {revenue:,.2f} ({int(crm.won_deals)} won deals)",
              f"Won deals without a touch in the window: {info['no_touch_deals']}, {info['no_touch_amount']:,.2f}"]
    caption = f"Green = marketing channels · {ctx.model_label()} attribution · {_basis_line(ctx)}"
    return SlideSpec("revenue", title, charts=[chart] if rows else [], caption=caption, notes=_lines(notes),
                     bullets=[] if rows else ["No won deal in the period had a touch to credit."])


# ---------------------------------------------------------------- attribution comparison

def compared_models(params: Params) -> list[str]:
    models = list(COMPARED_MODELS)
    if params.model not in models:
        models.insert(3, params.model)
    return models


def attribution_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    models = compared_models(p)
    credits = {m: ctx.credit(m, "pipeline").set_index("channel")["amount"].astype(float) for m in models}
    channels = sorted(set().union(*(c.index for c in credits.values())),
                      key=lambda c: (-credits[p.model].get(c, 0.0), c))
    series = [(MODEL_LABELS.get(m, m).split(" (")[0], [credits[m].get(c, 0.0) for c in channels]) for m in models]
    if channels:
        tops = {m: max(channels, key=lambda c: (credits[m].get(c, 0.0), c)) for m in models}
        top = tops[p.model]
        k = sum(1 for m in models if tops[m] == top)
        under = "every model" if k == len(models) else f"{k} of {len(models)} models"
        title = f"{channel_label(top)} earns the most pipeline credit under {under}"
    else:
        title = "No pipeline with touches to attribute in the period"
    chart = ChartSpec("column", [channel_label(c) for c in channels], series, ctx.money_format,
                      colors=[PALETTE[i % len(PALETTE)] for i in range(len(models))], data_labels=False)
    notes = [f"Pipeline created in {ctx.label} credited per channel under each model, {p.currency}:"]
    for m, (name, values) in zip(models, series):
        notes.append(f"{name}: " + "; ".join(f"{channel_label(c)} {v:,.2f}" for c, v in zip(channels, values)))
    info = attribution.reconciliation_of(ctx.credit(p.model, "pipeline"))
    notes.append(f"Every model hands out the same total: {info['amount_with_touches']:,.2f} "
                 f"({info['deals_with_touches']} deals with touches)")
    caption = (f"Selected model: {ctx.model_label()} · every model splits the same "
               f"{ctx.money(info['amount_with_touches'])} · {_basis_line(ctx)}")
    return SlideSpec("attribution", title, charts=[chart] if channels else [], caption=caption, notes=_lines(notes))


# ---------------------------------------------------------------- content-assisted deals

def _assisted(ctx: Context):
    return ctx.memo("assisted", lambda: content.assisted_comparison(ctx.con, ctx.params).set_index("group"))


def _content_finding(ctx: Context) -> str:
    df = _assisted(ctx)
    a, u = df.loc["assisted"], df.loc["unassisted"]
    wa, wu = float(a.win_rate), float(u.win_rate)
    if int(a.deals) == 0:
        return f"No deal closed in {ctx.label} had content read before the first meeting"
    if not math.isnan(wu) and wu > 0 and wa > wu:
        return f"Content-assisted deals win {wa / wu:.1f}× as often ({pct(wa)} vs {pct(wu)})"
    return f"Content-assisted deals won {pct(wa)} of the time vs {pct(wu)} without content"


def content_slide(ctx: Context) -> SlideSpec:
    df = _assisted(ctx)
    a, u = df.loc["assisted"], df.loc["unassisted"]
    cats = [f"Assisted (n={int(a.deals)})", f"Unassisted (n={int(u.deals)})"]
    colors = [GROUP_COLORS["marketing"], GREY]
    charts = [
        ChartSpec("column", cats, [("Win rate", [_f(a.win_rate), _f(u.win_rate)])], "0%",
                  caption="Win rate", point_colors=colors, legend=False),
        ChartSpec("column", cats, [("Sales cycle (days)", [_f(a.avg_cycle_days), _f(u.avg_cycle_days)])], "0",
                  caption="Sales cycle of won deals (days)", point_colors=colors, legend=False),
        ChartSpec("column", cats, [("Average won deal", [_f(a.avg_won_amount), _f(u.avg_won_amount)])],
                  ctx.money_format, caption="Average won deal", point_colors=colors, legend=False),
    ]
    notes = [f"Deals closed in {ctx.label}; assisted = a contact on the deal read content before the first sales meeting."]
    for name, r in (("Assisted", a), ("Unassisted", u)):
        notes.append(
            f"{name}: {int(r.deals)} closed, {int(r.won)} won, win rate {float(r.win_rate):.4f} "
            f"(95% CI {float(r.win_rate_low):.4f}–{float(r.win_rate_high):.4f}), "
            f"average cycle {float(r.avg_cycle_days):.1f} days, average won deal {float(r.avg_won_amount):,.2f}, "
            f"velocity {float(r.velocity_per_day):,.2f} per day")
    notes.append(content.CAVEAT)
    caption = (f"Win rate 95% CI: assisted {pct(a.win_rate_low)}–{pct(a.win_rate_high)}, unassisted "
               f"{pct(u.win_rate_low)}–{pct(u.win_rate_high)} · correlation, not causation · {_basis_line(ctx)}")
    return SlideSpec("content", _content_finding(ctx), charts=charts, caption=caption, notes=_lines(notes))


# ---------------------------------------------------------------- ROI

def roi_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    all_channels = roi.roi_by_channel(ctx.con, p)
    spend, revenue, _, overall = roi.marketing_totals(all_channels, p)
    # .loc with a boolean array: a plain list would select columns, and an empty one would drop them all
    spent = np.array([float(s) > 0 for s in all_channels["spend"]], dtype=bool)
    df = all_channels.loc[spent]
    df = df.sort_values("roi", ascending=False, kind="stable")
    unspent = all_channels.loc[np.array([float(s) == 0 and float(r) != 0 for s, r in
                                         zip(all_channels["spend"], all_channels["attributed_revenue"])], dtype=bool)]
    cats = [channel_label(c) for c in df["channel"]]
    if len(df):
        best = df.iloc[0]
        title = (f"Marketing returned {pct(overall)} on {ctx.money(spend)} of spend; "
                 f"{channel_label(best.channel)} did best ({pct(best.roi)})")
    else:
        title = f"No marketing spend recorded in {ctx.label}"
    charts = [
        ChartSpec("bar", cats, [("ROI", [_f(v) for v in df["roi"]])], "0%", caption="ROI by channel",
                  point_colors=[GROUP_COLORS["marketing"] if v >= 0 else PALETTE[5] for v in df["roi"]], legend=False),
        ChartSpec("bar", cats, [("Spend", [_f(v) for v in df["spend"]]),
                                ("Attributed revenue", [_f(v) for v in df["attributed_revenue"]])],
                  ctx.money_format, caption="Spend vs attributed revenue", colors=[PALETTE[2], PALETTE[0]],
                  data_labels=False),
    ]
    notes = [f"ROI = (attributed revenue × {p.gross_margin:.0%} gross margin − spend) ÷ spend, {ctx.model_label()} "
             f"attribution, {ctx.label}, {p.currency}:"]
    for r in df.itertuples():
        notes.append(f"{channel_label(r.channel)}: spend {float(r.spend):,.2f}, attributed revenue "
                     f"{float(r.attributed_revenue):,.2f}, ROI {float(r.roi):.4f}, attributed pipeline "
                     f"{float(r.attributed_pipeline):,.2f}, pipeline per dollar {float(r.pipeline_per_dollar):.2f}")
    notes += [f"{channel_label(r.channel)}: no spend, attributed revenue {float(r.attributed_revenue):,.2f}"
              for r in unspent.itertuples()]
    notes.append(f"All channels (as the ROI page sums them): spend {spend:,.2f}, attributed revenue {revenue:,.2f}, "
                 f"ROI {overall:.4f}" if overall == overall else
                 f"All channels: spend {spend:,.2f}, attributed revenue {revenue:,.2f}, ROI n/a (no spend)")
    losing = int((df["roi"] < 0).sum())
    paying = f"{losing} of {len(df)} channels with spend did not pay back · " if losing else ""
    caption = f"{paying}Gross margin {p.gross_margin:.0%} · {ctx.model_label()} attribution · {_basis_line(ctx)}"
    return SlideSpec("roi", title, charts=charts if len(df) else [], caption=caption, notes=_lines(notes),
                     bullets=[] if len(df) else ["Load ad spend or campaign costs to see ROI by channel."])


# ---------------------------------------------------------------- perception gap

def perception_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    gap = perception.perception_gap(ctx.con, p)
    gap = gap[gap["unit"] == "percent"]
    if not len(gap):
        return SlideSpec("perception", "No perception survey answers loaded yet", kind="text",
                         bullets=["Ask the CEO, CMO, sales leaders and the board the same questions on the "
                                  "Perception page, then rebuild the deck to put their beliefs beside the data."],
                         caption=_basis_line(ctx), notes="No survey answers with a measured figure.")
    charts, notes, findings = [], [], []
    for qid, q in perception.QUESTIONS.items():
        rows = gap[gap["question_id"] == qid]
        if q.unit != "percent" or not len(rows):
            continue
        measured = _f(rows["measured"].iloc[0])
        cats = [f"{r.respondent_role} (n={int(r.respondents)})" for r in rows.itertuples()]
        believed = [float(r.mean) / 100 for r in rows.itertuples()]
        series = [("Believed (mean answer)", believed),
                  ("Measured in the data", [measured / 100 if measured is not None else None] * len(cats))]
        charts.append(ChartSpec("column", cats, series, "0%", caption=q.text, colors=[PALETTE[1], PALETTE[0]]))
        notes.append(f"{q.text} Measured: {measured:.2f}%" if measured is not None else f"{q.text} Measured: n/a")
        notes += [f"  {r.respondent_role}: mean {float(r.mean):.2f}% from {int(r.respondents)} respondents, "
                  f"gap {float(r.gap_points):+.2f} points" for r in rows.itertuples() if r.gap_points is not None]
        if measured is not None:
            worst = max(rows.itertuples(), key=lambda r: (abs(float(r.gap_points)), r.respondent_role))
            findings.append((abs(float(worst.gap_points)), worst, q, measured))
    if findings:
        _, worst, q, measured = max(findings, key=lambda f: f[0])
        what = "marketing's share of pipeline" if q.measured == "sourced_share" else \
            "the journey before a first sales call"
        title = f"{worst.respondent_role} puts {what} at {float(worst.mean):.0f}%; the data says {measured:.0f}%"
    else:
        title = "Beliefs about marketing, by role"
    caption = f"Survey answers (anonymous) next to the same figure measured from the data · {_basis_line(ctx)}"
    return SlideSpec("perception", title, charts=charts, caption=caption, notes=_lines(notes))


# ---------------------------------------------------------------- data notes

def notes_slide(ctx: Context) -> SlideSpec:
    p = ctx.params
    rec = metrics.reconciliation(ctx.con, p).set_index("line")
    crm = ctx.crm()
    rev = attribution.reconciliation_of(ctx.credit(p.model, "revenue"))

    def line(name):
        r = rec.loc[name]
        return int(r.opportunities), r.amount

    crm_n, crm_amt = line("CRM total pipeline")
    att_n, att_amt = line("Attributed pipeline")
    diff_n, diff_amt = line("Difference")
    none_n, none_amt = line("Reason: no touches at all")
    out_n, out_amt = line("Reason: touches only outside the lookback window")
    definition = metrics.DEFINITION_LABELS.get(p.sourced_definition, p.sourced_definition)
    bullets = [
        f"Sourced pipeline: {definition}. Every deal is marketing-, sales-, partner-sourced or unknown; "
        "the four add up to total pipeline.",
        f"Influence lookback: a touch counts from {p.lookback_days} days before the deal was created until it closed "
        f"(or {day(p.today)} while open).",
        f"Attribution model: {ctx.model_label()}; revenue slides credit deals won in {ctx.label} by close date.",
        f"Pipeline reconciles to the CRM: {ctx.money(crm_amt)} created ({crm_n} deals) = {ctx.money(att_amt)} attributed "
        f"({att_n}) + {ctx.money(diff_amt)} not attributed ({diff_n}): {ctx.money(none_amt)} with no touches "
        f"({none_n}), {ctx.money(out_amt)} touched only outside the window ({out_n}).",
        f"Revenue reconciles to the CRM: {ctx.money(crm.revenue)} won ({int(crm.won_deals)} deals) = "
        f"{ctx.money(rev['amount_with_touches'])} attributed ({rev['deals_with_touches']}) + "
        f"{ctx.money(rev['no_touch_amount'])} from won deals with no touch in the window ({rev['no_touch_deals']}).",
        f"Data freshness: CRM data as of {day(ctx.as_of)}." if ctx.as_of else "Data freshness: no CRM data loaded.",
        "Content-assisted results are correlation, not causation; counts and 95% intervals are in the notes.",
    ]
    notes = [f"{name}: {int(r.opportunities)} deals, {float(r.amount):,.2f} — {r.note}" for name, r in rec.iterrows()]
    notes += [f"CRM revenue: {int(crm.won_deals)} won deals, {float(crm.revenue):,.2f}",
              f"Attributed revenue (deals with touches): {rev['deals_with_touches']} deals, {rev['amount_with_touches']:,.2f}",
              f"Won deals without touches: {rev['no_touch_deals']} deals, {rev['no_touch_amount']:,.2f}",
              f"Data as of: {ctx.as_of.isoformat() if ctx.as_of else 'n/a'}"]
    return SlideSpec("notes", "Data notes: definitions, reconciliation with the CRM, freshness", kind="text",
                     bullets=bullets, caption=_basis_line(ctx), notes=_lines(notes))


BUILDERS: dict[str, Callable[[Context], SlideSpec]] = {
    "title": title_slide,
    "summary": summary_slide,
    "pipeline": pipeline_slide,
    "revenue": revenue_slide,
    "attribution": attribution_slide,
    "content": content_slide,
    "roi": roi_slide,
    "perception": perception_slide,
    "notes": notes_slide,
}
