"""What each dashboard page computes for one view: its metric calls, in one place for the page and the cache warm-up.

A page reads its figures as attributes of its `...Figures` object, in the order it shows them; each figure
is fetched on first use through `get(function, params, what, **kwargs)` (the page passes `charts.load`: the
cached `ui.metric` that turns a failure into a message naming `what`). The cache warm-up
(`pages/shared/warmup.py`) builds the same objects for the default view and calls `warm()`, which asks for
every figure the page shows when nobody has touched a widget, with exactly the arguments the page uses, so
the page then finds them cached. No streamlit here: how a figure is fetched is the caller's business.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
from typing import Callable

import pandas as pd

from data_models import attribution, buyers, content, funnel, headlines, metrics, perception, roi
from data_models.attribution_rules import CUSTOM_SLOTS
from data_models.channels import MARKETING_CHANNELS
from data_models.crm_totals import crm_totals
from data_models.formatting import MODEL_LABELS
from data_models.params import SOURCED_DEFINITIONS, Params, fiscal_quarter_bounds

Get = Callable[..., object]   # get(function, params, what, **kwargs) -> the function's result


class Figures:
    """A page's figures for one view, each fetched once, on first use (`functools.cached_property`)."""

    def __init__(self, get: Get, p: Params):
        self.get, self.p = get, p

    def names(self) -> list[str]:
        """The figures the page shows by default, in page order."""
        return [name for name, member in vars(type(self)).items() if isinstance(member, functools.cached_property)]

    def warm(self) -> None:
        """Fetch every figure the page shows by default, in page order."""
        for name in self.names():
            getattr(self, name)

    def twin(self, get: Get) -> Figures:
        """The same view's figures, fetched through `get` (e.g. in another thread); those fetched so far are shared."""
        other = copy.copy(self)
        other.get = get
        return other


# ---------------------------------------------------------------- Overview

def marketing_revenue(credit: pd.DataFrame) -> float:
    """Revenue credited to marketing channels in one `attribution.credit` frame."""
    return float(credit.loc[credit["channel"].isin(MARKETING_CHANNELS), "amount"].sum()) if len(credit) else 0.0


class OverviewFigures(Figures):
    @functools.cached_property
    def lines(self):
        return self.get(headlines.headlines, self.p, "the headlines")

    @functools.cached_property
    def now(self):
        return self.get(crm_totals, self.p, "the CRM totals").iloc[0]

    @functools.cached_property
    def before(self):
        return self.get(crm_totals, self.p.previous(), "the previous period's CRM totals").iloc[0]

    @functools.cached_property
    def revenue_now(self) -> float:
        return marketing_revenue(self.get(attribution.credit, self.p, "attributed revenue", basis="revenue"))

    @functools.cached_property
    def revenue_before(self) -> float:
        return marketing_revenue(self.get(attribution.credit, self.p.previous(), "last period's attributed revenue",
                                          basis="revenue"))

    @functools.cached_property
    def trend_params(self) -> Params:
        """Eight quarters ending with the selected period."""
        p = self.p
        first_month = (p.end.year * 12 + p.end.month - 1) - 23
        return dataclasses.replace(p, start=p.start.replace(year=first_month // 12, month=first_month % 12 + 1, day=1))

    @functools.cached_property
    def trend(self):
        return self.get(metrics.sourced_pipeline, self.trend_params, "pipeline by source", grain="quarter")


# ---------------------------------------------------------------- Pipeline

PIPELINE_DEFAULT_GROUP = "marketing"   # the drill-down opens on the latest quarter's marketing-sourced deals


class PipelineFigures(Figures):
    @functools.cached_property
    def other_definition(self) -> str:
        return next(d for d in SOURCED_DEFINITIONS if d != self.p.sourced_definition)

    @functools.cached_property
    def whole_quarters(self) -> bool:
        """Whether the period is the trend's last whole quarters (This quarter, Last quarter, a fiscal year):
        then its totals are the sum of those quarters' rows, and not worked out again from every touch."""
        return fiscal_quarter_bounds(self.p.start, self.p.fiscal_year_start_month)[0] == self.p.start

    @functools.cached_property
    def sourced(self):
        """(share, marketing-sourced amount, total) under the chosen definition."""
        if self.whole_quarters:
            return metrics.sourced_share_of(self.by_quarter, self.p.start)
        return self.get(metrics.sourced_share, self.p, "sourced pipeline")

    @functools.cached_property
    def other_sourced(self):
        if self.whole_quarters:
            return metrics.sourced_share_of(self.other_by_quarter, self.p.start)
        return self.get(metrics.sourced_share, dataclasses.replace(self.p, sourced_definition=self.other_definition),
                        "sourced pipeline (other definition)")

    @functools.cached_property
    def influenced(self):
        if self.whole_quarters:
            return metrics.influenced_of(self.influenced_by_quarter, self.p.start, self.p).iloc[0]
        return self.get(metrics.influenced_pipeline, self.p, "influenced pipeline").iloc[0]

    @functools.cached_property
    def trend_params(self) -> Params:
        """The last four fiscal quarters up to the end of the period, or the whole period when longer."""
        p = self.p
        quarter_index = p.end.year * 12 + p.end.month - 1 - 9
        first_quarter = fiscal_quarter_bounds(dt.date(quarter_index // 12, quarter_index % 12 + 1, 1),
                                              p.fiscal_year_start_month)[0]
        return dataclasses.replace(p, start=min(first_quarter, fiscal_quarter_bounds(p.start, p.fiscal_year_start_month)[0]))

    @functools.cached_property
    def by_quarter(self):
        return self.get(metrics.sourced_pipeline, self.trend_params, "sourced pipeline by quarter", grain="quarter")

    @functools.cached_property
    def other_by_quarter(self):
        return self.get(metrics.sourced_pipeline,
                        dataclasses.replace(self.trend_params, sourced_definition=self.other_definition),
                        "sourced pipeline by quarter", grain="quarter")

    @functools.cached_property
    def quarters(self) -> list[str]:
        return list(dict.fromkeys(self.by_quarter["period"]))

    @functools.cached_property
    def quarter_starts(self) -> dict:
        return dict(zip(self.by_quarter["period"], self.by_quarter["period_start"]))

    @functools.cached_property
    def influenced_by_quarter(self):
        return self.get(metrics.influenced_by, self.trend_params, "influenced pipeline by quarter", by="quarter")

    @functools.cached_property
    def by_channel(self):
        return self.get(metrics.influenced_by_channel, self.p, "influenced pipeline by channel")

    @functools.cached_property
    def lead_channels(self):
        return self.get(metrics.pipeline, self.p, "pipeline by lead source channel", by=("channel", "source_group"))

    @functools.cached_property
    def segments(self):
        return self.get(metrics.pipeline, self.p, "pipeline by segment", by="segment")

    @functools.cached_property
    def segment_sourced(self) -> list:
        """Marketing-sourced amount of each segment of `segments`, in its order."""
        return [self.get(metrics.sourced_share, dataclasses.replace(self.p, segment=s), "sourced pipeline by segment")[1]
                for s in self.segments["segment"]]

    @functools.cached_property
    def influenced_by_segment(self):
        return self.get(metrics.influenced_by, self.p, "influenced pipeline by segment", by="segment")

    @functools.cached_property
    def reconciliation(self):
        return self.get(metrics.reconciliation, self.p, "the reconciliation")

    def quarter_params(self, quarter: str) -> Params:
        q_start, q_end = fiscal_quarter_bounds(self.quarter_starts[quarter], self.p.fiscal_year_start_month)
        return dataclasses.replace(self.p, start=max(q_start, self.trend_params.start), end=min(q_end, self.p.end))

    def deals(self, quarter: str, group: str) -> pd.DataFrame:
        """The deals of one quarter's bar (source group), largest first, as the drill-down lists them."""
        deals = self.get(metrics.sourced_by_opportunity, self.quarter_params(quarter), "the deals of the quarter")
        deals = deals[deals["source_group"] == group]
        order = deals.assign(_amount=deals["amount"].astype(float)).sort_values(
            ["_amount", "opportunity_id"], ascending=[False, True], na_position="last", kind="stable")
        return order.drop(columns="_amount").reset_index(drop=True)

    def journey(self, deal_id: str):
        return self.get(attribution.timeline, self.p, "the deal's timeline", opportunity_id=deal_id)

    def warm(self) -> None:
        super().warm()
        if int(self.influenced.total_opportunities) and self.quarters:
            deals = self.deals(self.quarters[-1], PIPELINE_DEFAULT_GROUP)
            if len(deals):
                self.journey(deals["opportunity_id"].iloc[0])


# ---------------------------------------------------------------- Attribution

ATTRIBUTION_BASES = ("pipeline", "revenue")   # the page's radio; the first is its default
DEFAULT_CUSTOM_WEIGHTS = {"first": 30, "lead": 20, "opp": 20, "won": 20, "rest": 10}


class AttributionFigures(Figures):
    """`model`, `basis` and `weights` are the page's own pickers (the sidebar's model, pipeline, the default weights)."""

    def __init__(self, get: Get, p: Params, model: str | None = None, basis: str = ATTRIBUTION_BASES[0],
                 weights: tuple[int, ...] | None = None):
        super().__init__(get, p)
        self.model = model or p.model
        self.basis = basis
        self.weights = tuple(DEFAULT_CUSTOM_WEIGHTS[s] for s in CUSTOM_SLOTS) if weights is None else tuple(weights)
        self.weights_ok = sum(self.weights) == 100
        # the custom model needs weights that add up to 100; until then the page shows W-shaped
        self.used_model = "w_shaped" if self.model == "custom" and not self.weights_ok else self.model
        self.pp = dataclasses.replace(
            p, model=self.used_model,
            custom_weights=tuple(float(w) for w in self.weights) if self.weights_ok else None)

    @functools.cached_property
    def credit(self):
        return self.get(attribution.credit, self.pp, f"{MODEL_LABELS.get(self.used_model, self.used_model)} credit",
                        model=self.used_model, by="channel",
                        basis=self.basis)

    @functools.cached_property
    def compare(self):
        return self.get(attribution.compare_models, self.pp, "the model comparison", by="channel", basis=self.basis)

    @functools.cached_property
    def by_campaign(self):
        return self.get(attribution.compare_models, self.pp, "the model comparison by campaign", by="campaign",
                        basis=self.basis)

    @functools.cached_property
    def campaign_names(self):
        """Every CRM campaign's name (compare_models has ids only)."""
        return self.get(roi.campaign_names, self.pp, "campaign names")

    @functools.cached_property
    def markov(self):
        return self.get(attribution.markov_details, self.pp, "the Markov chain", by="channel", basis=self.basis)

    @functools.cached_property
    def shapley(self):
        return self.get(attribution.shapley_details, self.pp, "the Shapley values", by="channel", basis=self.basis)


# ---------------------------------------------------------------- Content

class ContentFigures(Figures):
    @functools.cached_property
    def groups(self):
        return self.get(content.assisted_comparison, self.p, "the assisted vs unassisted comparison").set_index("group")

    @functools.cached_property
    def headline(self):
        return self.get(headlines.content_headline, self.p, "the content headline")

    @functools.cached_property
    def journey(self):
        return self.get(content.journey_before_meeting, self.p, "the journey before the first meeting").iloc[0]

    @functools.cached_property
    def assets(self):
        return self.get(content.assets, self.p, "the assets")   # one query; the page ranks it twice

    @functools.cached_property
    def depth(self):
        return self.get(content.content_depth, self.p, "content depth")


# ---------------------------------------------------------------- ROI

def default_margin(p: Params) -> int:
    """The ROI page's gross margin input, in whole percent, before anyone changes it: the workspace's."""
    return round(p.gross_margin * 100)


class RoiFigures(Figures):
    """`margin` is the page's gross margin input in whole percent (`default_margin` by default)."""

    def __init__(self, get: Get, p: Params, margin: int | None = None):
        super().__init__(get, p)
        self.margin = default_margin(p) if margin is None else margin
        self.pp = dataclasses.replace(p, gross_margin=self.margin / 100)

    @functools.cached_property
    def summary(self):
        return self.get(roi.roi_summary, self.pp, "the ROI summary").iloc[0]

    @functools.cached_property
    def by_channel(self):
        return self.get(roi.roi_by_channel, self.pp, "ROI by channel")

    @functools.cached_property
    def by_campaign(self):
        return self.get(roi.roi_by_campaign, self.pp, "ROI by campaign")


# ---------------------------------------------------------------- Perception gap

class PerceptionFigures(Figures):
    @functools.cached_property
    def gap(self):
        return self.get(perception.perception_gap, self.p, "the perception gap")

    @functools.cached_property
    def measured(self):
        return self.get(perception.measured_figures, self.p, "the measured figures")

    @functools.cached_property
    def versus(self):
        return self.get(perception.role_vs_role, self.p, "CMO vs sales")

    @functools.cached_property
    def card(self):
        return self.get(perception.maturity_scorecard, self.p, "the maturity scorecard")


# ---------------------------------------------------------------- Buyers

class BuyersFigures(Figures):
    @functools.cached_property
    def personas(self):
        return self.get(buyers.by_persona, self.p, "win rates by persona")

    @functools.cached_property
    def committee(self):
        return self.get(buyers.by_committee_size, self.p, "win rates by committee size")

    @functools.cached_property
    def lead_funnel(self):
        return self.get(funnel.lead_funnel, self.p, "the lead funnel")

    @functools.cached_property
    def acceptance(self):
        return self.get(funnel.mql_acceptance, self.p, "MQL acceptance")

    @functools.cached_property
    def by_source(self):
        return self.get(funnel.funnel_by_source, self.p, "the funnel by source")

    @functools.cached_property
    def notes_all(self):
        return self.get(buyers.interview_notes, self.p, "the interview notes")

    def notes(self, persona: str | None, insight_area: str | None):
        return self.get(buyers.interview_notes, self.p, "the interview notes", persona=persona,
                        insight_area=insight_area)

    def interviews(self):
        return self.get(buyers.interviews, self.p, "the interviews")

    def warm(self) -> None:
        super().warm()
        if not self.notes_all.empty:   # the page lists notes for "All" personas and areas
            self.notes(None, None)
            self.interviews()


# every dashboard page's figures, in navigation order (the warm-up's order)
DASHBOARD = {
    "pages/dashboard/overview.py": OverviewFigures,
    "pages/dashboard/pipeline.py": PipelineFigures,
    "pages/dashboard/attribution.py": AttributionFigures,
    "pages/dashboard/content.py": ContentFigures,
    "pages/dashboard/roi.py": RoiFigures,
    "pages/dashboard/perception.py": PerceptionFigures,
    "pages/dashboard/buyers.py": BuyersFigures,
}
