"""Attribution: credit per channel, campaign or asset under every model of shared/domain.md.

Two sources of journeys:

* the database: each opportunity's touches from `int_touchpoints_by_opportunity`, within the
  deal's window (created date minus the lookback, up to the close date, or params.today while
  open). Basis "pipeline" credits opportunities CREATED in [params.start, params.end]; basis
  "revenue" credits WON opportunities CLOSED in the period. Milestones of a deal:
  first touch = earliest in the window; lead-creation touch = latest at or before the earliest
  creation of the deal's contacts (`lead_created_at`); opportunity-creation touch = latest on or
  before the created date; closed-won touch = latest on or before the close date of a won deal;
  last touch = the opportunity-creation touch for pipeline, the latest touch on or before close
  for revenue. Time decay counts days before the conversion (created date for pipeline, close
  date for revenue); touches after it count as at the conversion (age 0).
  Each deal with at least one touch hands out exactly 1 opportunity and its amount; deals
  without a touch in their window are reported apart ("no touches") so totals reconcile.
  Amounts are rounded to the cent at the end by largest remainder, so they tie to the cent.

  Markov and Shapley learn from the same deals' journeys, with won = conversion and closed
  lost = null (open deals have no outcome yet and are left out of the learning). Pipeline
  basis: the closed deals among those created in the period; revenue basis: the deals closed
  in the period, won or lost. The learned shares (removal effects / sum, Shapley value /
  total) then spread the basis's credited opportunities and amount, so every model's column
  adds up to the same totals.

* an aggregated journeys file (ChannelAttribution's format, see data_models.journeys):
  output per channel: conversions and value (and removal_effect for Markov). Paths carry
  no timestamps or milestones: the first step is the first touch, the last step stands for the
  conversion, intermediate milestones of position-based models sit evenly between (see
  attribution_rules.path_milestones) and time decay counts steps (half-life in steps).
  First/last/linear agree with ChannelAttribution's heuristic_models (linear counts every
  step, repeats included); Markov is that package's first-order model solved exactly.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from data_models import journeys as journeys_mod
from data_models.attribution_rules import (
    RULE_MODELS, parse_custom_weights, path_weights_by_length, rule_weights,
)
from data_models.journeys import Journeys
from data_models.markov import MarkovResult, markov_model
from data_models.params import ATTRIBUTION_MODELS, Params
from data_models.shapley import ShapleyResult, shapley_model

BASES = ("pipeline", "revenue")
KEY_COLUMNS = {"channel": "channel", "campaign": "campaign_id", "campaign_id": "campaign_id",
               "asset": "asset_id", "asset_id": "asset_id"}
NO_KEY = "(none)"  # a touch without a campaign / asset still carries credit; it is shown as this
DATA_DRIVEN = ("markov", "shapley")


# ================================================================== journeys files

def journey_credit(
    journeys: Journeys,
    model: str,
    half_life: float = 7.0,
    custom_weights: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Credit per channel of aggregated journeys: channel, conversions, value (+ removal_effect).

    Conversions and value add up to the journeys' totals for every model. attrs["renormalised"]
    counts the journeys (rows' conversions) whose position weights had to be renormalised.
    """
    if model == "markov":
        return markov_model(journeys).credit
    if model == "shapley":
        return shapley_model(journeys, with_table=False).credit
    if model not in RULE_MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(ATTRIBUTION_MODELS)}")
    lengths = journeys.lengths
    table, renormalised = path_weights_by_length(model, int(lengths.max()), half_life, custom_weights)
    journey = journeys.journey_of_step
    position = np.arange(len(journeys.steps)) - journeys.offsets[journey]
    step_weight = table[lengths[journey], position]
    n = len(journeys.channels)
    credit = pd.DataFrame({
        "channel": list(journeys.channels),
        "conversions": np.bincount(journeys.steps, weights=step_weight * journeys.conversions[journey], minlength=n),
        "value": np.bincount(journeys.steps, weights=step_weight * journeys.value[journey], minlength=n),
    })
    credit.attrs["renormalised"] = float(journeys.conversions[renormalised[lengths]].sum())
    return credit


# ================================================================== database

# Which deals a basis covers. The two filters are constants chosen in code; every value is bound.
_PERIOD_FILTER = """
        (
            (? = 'pipeline' and created_date between ? and ?)
            or (? = 'revenue' and is_closed and close_date between ? and ?)
        )
        and (cast(? as varchar) is null or segment = ?)
        and (cast(? as varchar) is null or region = ?)"""
_ONE_DEAL_FILTER = """
        opportunity_id = ?"""
# the same period on the touch table, which is stored in deal creation order: DuckDB reads only the row
# groups that can hold the period's deals (the deals' own filter still decides which touches count)
_TOUCH_PERIOD_FILTERS = {
    "pipeline": "opp_created_date between ? and ?",
    "revenue": "is_closed and close_date between ? and ?",
}

_DEALS_SQL = """
with deals as (
    select * from fct_pipeline
),

final as (
    select
        opportunity_id,
        cast(round(coalesce(amount, 0) * 100) as bigint) as amount_cents,
        created_date,
        close_date,
        is_closed,
        is_won,
        case when ? = 'revenue' then is_won else true end as credited
    from deals
    where {deal_filter}
)

select * from final
"""

_TOUCHES_SQL = """
with deals as (
    select opportunity_id from fct_pipeline
    where {deal_filter}
),

touches as (
    select * from int_touchpoints_by_opportunity
    where {touch_filter}
),

final as (
    select
        touches.opportunity_id,
        touches.touchpoint_id,
        touches.occurred_at,
        touches.channel,
        touches.campaign_id,
        touches.asset_id,
        touches.touch_type,
        touches.via_account,
        touches.opp_created_date,
        touches.close_date,
        touches.is_closed,
        touches.is_won as deal_is_won,
        touches.lead_created_at,
        touches.days_before_created
    from touches
    inner join deals
        on deals.opportunity_id = touches.opportunity_id
    where touches.days_before_created <= ?
        and cast(touches.occurred_at as date)
            <= case when touches.is_closed then touches.close_date else cast(? as date) end
)

select * from final
order by opportunity_id, occurred_at, touchpoint_id
"""


@dataclasses.dataclass(frozen=True)
class DealTouches:
    """The deals of one basis and their in-window touches with milestone flags."""

    deals: pd.DataFrame     # opportunity_id, amount_cents, created_date, close_date, is_closed, is_won, credited
    touches: pd.DataFrame   # view columns (is_won as deal_is_won) + is_first, is_lead, is_opp, is_won, is_last, age
    basis: str
    # results derived from this load (journeys, Markov, Shapley per key), so that the pages' several
    # figures on one load work each out once; the frames above are never modified after loading
    _memo: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def credited_touches(self) -> "_CreditedTouches":
        """The credited deals' touches, worked out once however many models are run on them."""
        return _CreditedTouches.of(self)

    def memo(self, key, compute: Callable):
        """compute() once per key for this load (a race computes it twice, with the same result)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclasses.dataclass
class _CreditedTouches:
    """What every rule-based model needs from one DealTouches, matched on deal positions (not ids).

    Several models (compare_models, the deck, ROI) share one load; matching string ids once
    instead of once per model is what keeps the comparison fast on 100k deals.
    """

    credited: pd.DataFrame      # credited deals
    touches: pd.DataFrame       # their touches, deal column named "deal" as rule_weights wants
    amount_cents: np.ndarray    # each touch's deal amount, in cents
    touched: pd.DataFrame       # credited deals with at least one touch
    no_touch: pd.DataFrame      # credited deals without one
    _keys: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, data: "DealTouches") -> "_CreditedTouches":
        deals, touches = data.deals, data.touches
        credited_row = deals["credited"].to_numpy(dtype=bool)
        position = pd.Index(np.asarray(deals["opportunity_id"], dtype=object)).get_indexer(
            np.asarray(touches["opportunity_id"], dtype=object))
        keep = (position >= 0) & credited_row[np.maximum(position, 0)]
        deal_of_touch = position[keep]
        has_touch = np.zeros(len(deals), dtype=bool)
        has_touch[deal_of_touch] = True
        return cls(
            credited=deals[credited_row],
            touches=touches[keep].rename(columns={"opportunity_id": "deal"}),
            amount_cents=deals["amount_cents"].to_numpy(dtype=np.float64)[deal_of_touch],
            touched=deals[credited_row & has_touch],
            no_touch=deals[credited_row & ~has_touch],
        )

    def keys(self, key: str) -> tuple[np.ndarray, pd.Index]:
        """(code per touch, sorted distinct values) of a key column, a missing key shown as NO_KEY."""
        if key not in self._keys:
            self._keys[key] = pd.factorize(self.touches[key].fillna(NO_KEY).astype(str), sort=True)
        return self._keys[key]

    def weights(self, model: str, params: Params) -> tuple[np.ndarray, int]:
        """(weight per touch, renormalised deals) of a rule-based model: the same for every key."""
        cache_key = ("weights", model, params.half_life_days, params.custom_weights)
        if cache_key not in self._keys:
            weights, info = rule_weights(
                self.touches, model, half_life=params.half_life_days, custom_weights=params.custom_weights,
            )
            self._keys[cache_key] = (weights, int(info["renormalised"].sum()))
        return self._keys[cache_key]


# How the period's deal touches are loaded: directly by default; the app installs a process-wide
# cache (pages/shared/ui.py) so that every figure of one filter set shares one load.
_SHARED_LOADER: contextvars.ContextVar[Callable | None] = contextvars.ContextVar("deal_touch_loader", default=None)


@contextlib.contextmanager
def shared_loads(loader: Callable[[duckdb.DuckDBPyConnection, Params, str], DealTouches]) -> Iterator[None]:
    """Within the block, `deal_touches` gets the period's deals and touches from loader(con, params, basis).

    The loader must return what `load_deal_touches` would for the same database state, basis and
    the filters it reads (start, end, segment, region, lookback_days, today).
    """
    token = _SHARED_LOADER.set(loader)
    try:
        yield
    finally:
        _SHARED_LOADER.reset(token)


def deal_touches(con: duckdb.DuckDBPyConnection, params: Params, basis: str = "pipeline") -> DealTouches:
    """The period's deals of `basis` and their touches: `load_deal_touches`, shared when a loader is installed."""
    loader = _SHARED_LOADER.get()
    if loader is None:
        return load_deal_touches(con, params, basis)
    return loader(con, params, basis)


def load_deal_touches(
    con: duckdb.DuckDBPyConnection, params: Params, basis: str = "pipeline", opportunity_id: str | None = None,
) -> DealTouches:
    """Deals of `basis` in the period (filters bound as parameters) and their touches in window."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if opportunity_id is not None:
        deal_filter, filter_values = _ONE_DEAL_FILTER, [opportunity_id]
        touch_filter, touch_values = _ONE_DEAL_FILTER, [opportunity_id]
    else:
        deal_filter = _PERIOD_FILTER
        filter_values = [basis, params.start, params.end, basis, params.start, params.end,
                         params.segment, params.segment, params.region, params.region]
        touch_filter, touch_values = _TOUCH_PERIOD_FILTERS[basis], [params.start, params.end]
    deals = _frame(con, _DEALS_SQL.format(deal_filter=deal_filter), [basis, *filter_values])
    touches = _frame(con, _TOUCHES_SQL.format(deal_filter=deal_filter, touch_filter=touch_filter),
                     [*filter_values, *touch_values, int(params.lookback_days), params.today])
    return DealTouches(deals, mark_milestones(touches, basis), basis)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, args: list) -> pd.DataFrame:
    """The rows as `.df()` gives them (dates as datetime64[us]), through Arrow: about half the time for the
    tens of thousands of text cells of a quarter's touches."""
    table = con.sql(sql, params=args).to_arrow_table()
    frame = table.to_pandas(date_as_object=False)
    for field in table.schema:
        if pa.types.is_date(field.type):
            frame[field.name] = frame[field.name].astype("datetime64[us]")
    return frame


def mark_milestones(touches: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Milestone flags and age (days before the conversion) for in-window touches.

    `touches` has the view's columns and is sorted by opportunity_id, occurred_at, touchpoint_id.
    """
    t = touches.reset_index(drop=True).copy()
    n = len(t)
    # each deal's touches are one run of rows (sorted by deal): a deal's flags come from its run
    codes, uniques = pd.factorize(t["opportunity_id"])
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if n else np.zeros(0, dtype=np.int64)
    if len(starts) != len(uniques):
        raise ValueError("touches must be sorted by opportunity_id")
    rows = np.arange(n)
    occurred = pd.to_datetime(t["occurred_at"])
    touch_day = occurred.dt.normalize()
    created = pd.to_datetime(t["opp_created_date"])
    closed = pd.to_datetime(t["close_date"])
    lead_at = pd.to_datetime(t["lead_created_at"])
    won = t["deal_is_won"].fillna(False).to_numpy(dtype=bool)

    def latest(condition: np.ndarray) -> np.ndarray:
        """Per deal, its last row where `condition` holds."""
        flag = np.zeros(n, dtype=bool)
        if n:
            last = np.maximum.reduceat(np.where(condition, rows, -1), starts)
            flag[last[last >= 0]] = True
        return flag

    first = np.zeros(n, dtype=bool)
    first[starts] = True
    t["is_first"] = first
    t["is_lead"] = latest((occurred <= lead_at).fillna(False).to_numpy(dtype=bool))
    t["is_opp"] = latest((touch_day <= created).fillna(False).to_numpy(dtype=bool))
    t["is_won"] = latest(won & (touch_day <= closed).fillna(False).to_numpy(dtype=bool))
    if basis == "pipeline":
        t["is_last"] = t["is_opp"]
        conversion_day = created
    else:
        t["is_last"] = latest((touch_day <= closed).fillna(False).to_numpy(dtype=bool))
        conversion_day = closed
    t["age"] = ((conversion_day - touch_day).dt.days).astype("float64").clip(lower=0).fillna(0.0)
    return t


def key_column(by: str) -> str:
    """The touch column credit is summed by (whitelisted)."""
    try:
        return KEY_COLUMNS[by]
    except KeyError:
        raise ValueError(f"by must be channel, campaign or asset, got {by!r}") from None


def credit(
    con: duckdb.DuckDBPyConnection,
    params: Params,
    model: str | None = None,
    by: str = "channel",
    basis: str = "pipeline",
) -> pd.DataFrame:
    """Attributed opportunities and amount per channel / campaign / asset under one model.

    Columns: the key column, opportunities (sum of weights), amount (sum of weight x amount),
    plus removal_effect for Markov. Totals equal the number and amount of the basis's deals
    with at least one touch in window (shared/domain.md, "Influenced pipeline" and
    "Attribution models"); attrs hold the reconciliation (see `reconciliation_of`).
    """
    data = deal_touches(con, params, basis)
    return credit_from(data, model or params.model, by, params)


def credit_from(data: DealTouches, model: str, by: str, params: Params) -> pd.DataFrame:
    """`credit` on already loaded deals and touches (so several models share one load)."""
    key = key_column(by)
    view = data.credited_touches
    credited, touched = view.credited, view.touched
    total_cents = int(touched["amount_cents"].sum())
    extra: dict[str, np.ndarray] = {}
    if model in DATA_DRIVEN:
        shares, extra_cols, note = _data_driven_shares(data, model, key)
        keys = shares.index.astype(str)
        opp_credit = len(touched) * shares["opportunities"].to_numpy()
        cents = total_cents * shares["amount"].to_numpy()
        frame = pd.DataFrame({key: keys, "opportunities": opp_credit, "amount_cents": cents})
        for name, values in extra_cols.items():
            frame[name] = values
        renormalised = 0
    else:
        if model not in RULE_MODELS:
            raise ValueError(f"unknown model {model!r}; choose one of {', '.join(ATTRIBUTION_MODELS)}")
        weights, renormalised = view.weights(model, params)
        codes, names = view.keys(key)
        sums = (
            pd.DataFrame({"code": codes, "opportunities": weights, "amount_cents": weights * view.amount_cents})
            .groupby("code", sort=True)[["opportunities", "amount_cents"]].sum()
        )
        frame = pd.DataFrame({key: np.asarray(names, dtype=object)[sums.index.to_numpy(dtype=np.int64)],
                              "opportunities": sums["opportunities"].to_numpy(),
                              "amount_cents": sums["amount_cents"].to_numpy()})
        note = ""
    frame["amount"] = allocate_cents(frame["amount_cents"].to_numpy(), total_cents) / 100.0 if len(frame) else []
    frame = frame.drop(columns="amount_cents")
    columns = [key, "opportunities", "amount"] + [c for c in frame.columns if c not in (key, "opportunities", "amount")]
    frame = frame[columns].sort_values(["amount", "opportunities", key], ascending=[False, False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    no_touch = view.no_touch
    frame.attrs.update({
        "model": model, "basis": data.basis, "by": by,
        "deals": int(len(credited)), "amount_total": int(credited["amount_cents"].sum()) / 100.0,
        "deals_with_touches": int(len(touched)), "amount_with_touches": total_cents / 100.0,
        "no_touch_deals": int(len(no_touch)), "no_touch_amount": int(no_touch["amount_cents"].sum()) / 100.0,
        "renormalised_deals": renormalised, "note": note,
    })
    return frame


def _member(column: pd.Series, values) -> np.ndarray:
    """column.isin(values), without pandas' slow per-value path for arrow strings."""
    index = pd.Index(pd.unique(np.asarray(values, dtype=object)))
    return index.get_indexer(np.asarray(column, dtype=object)) >= 0


def reconciliation_of(frame: pd.DataFrame) -> dict:
    """The totals behind a credit frame: deals and amount in scope, with touches, without."""
    keys = ("deals", "amount_total", "deals_with_touches", "amount_with_touches",
            "no_touch_deals", "no_touch_amount", "renormalised_deals", "note")
    return {k: frame.attrs.get(k) for k in keys}


def allocate_cents(exact_cents: np.ndarray, total_cents: int) -> np.ndarray:
    """Round each share to whole cents so they add up exactly to `total_cents` (largest remainder)."""
    exact = np.asarray(exact_cents, dtype=np.float64)
    if len(exact) == 0:
        return exact
    floor = np.floor(exact + 1e-6)  # 1e-6 cent absorbs float noise such as 99.99999999
    leftover = int(total_cents - floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    result = floor.copy()
    if leftover > 0:
        result[order[:leftover]] += 1
    elif leftover < 0:
        result[order[::-1][:-leftover]] -= 1
    return result


# ------------------------------------------------------------- data-driven from the DB

def deal_journeys(data: DealTouches, key: str = "channel") -> Journeys:
    """Closed deals' journeys (keys of their in-window touches in order): won = conversion worth
    the amount, lost = null. Open deals have no outcome and are left out."""
    return data.memo(("journeys", key), lambda: _deal_journeys(data, key))


def _markov(data: DealTouches, key: str) -> MarkovResult:
    return data.memo(("markov", key), lambda: markov_model(deal_journeys(data, key)))


def _shapley(data: DealTouches, key: str, with_table: bool) -> ShapleyResult:
    if ("shapley", key, True) in data._memo:
        return data._memo[("shapley", key, True)]
    return data.memo(("shapley", key, with_table), lambda: shapley_model(deal_journeys(data, key), with_table=with_table))


def _deal_journeys(data: DealTouches, key: str) -> Journeys:
    closed = data.deals[data.deals["is_closed"].fillna(False).astype(bool)]
    touches = data.touches[_member(data.touches["opportunity_id"], closed["opportunity_id"])]
    if touches.empty:
        return journeys_mod.from_arrays((), np.zeros(1, dtype=np.int64), np.zeros(0), np.zeros(0))
    keys = touches[key].fillna(NO_KEY).astype(str)
    codes, channels = pd.factorize(keys, sort=True)
    deal_codes, deal_ids = pd.factorize(touches["opportunity_id"], sort=False)
    offsets = np.zeros(len(deal_ids) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(deal_codes, minlength=len(deal_ids)))
    info = closed.set_index("opportunity_id").loc[deal_ids]
    won = info["is_won"].fillna(False).to_numpy(dtype=bool)
    return journeys_mod.from_arrays(
        [str(c) for c in channels], offsets, codes,
        conversions=won.astype(np.float64),
        value=np.where(won, info["amount_cents"].to_numpy(dtype=np.float64) / 100.0, 0.0),
        nulls=(~won).astype(np.float64),
    )


def _data_driven_shares(data: DealTouches, model: str, key: str) -> tuple[pd.DataFrame, dict, str]:
    """Shares of opportunities and amount per key learned from closed deals, plus extra columns."""
    journeys = deal_journeys(data, key)
    credited_keys = data.credited_touches.keys(key)[1]  # the credited deals' distinct keys
    all_keys = sorted(set(credited_keys) | set(journeys.channels))
    shares = pd.DataFrame(index=pd.Index(all_keys, name=key), data={"opportunities": 0.0, "amount": 0.0})
    extra: dict[str, np.ndarray] = {}
    note = ""
    if journeys.total_conversions <= 0 or len(journeys) == 0:
        note = "no won deals with touches to learn from: data-driven credit is zero"
        if model == "markov":
            extra["removal_effect"] = np.zeros(len(all_keys))
        return shares, extra, note
    if model == "markov":
        result = _markov(data, key).credit.set_index("channel")
        total = result["conversions"].sum()
        shares.loc[result.index, "opportunities"] = result["conversions"] / total
        shares.loc[result.index, "amount"] = result["conversions"] / total  # value likewise (domain)
        extra["removal_effect"] = result["removal_effect"].reindex(all_keys).fillna(0.0).to_numpy()
    else:
        result = _shapley(data, key, with_table=False).credit.set_index("channel")
        shares.loc[result.index, "opportunities"] = result["conversions"] / result["conversions"].sum()
        value_total = result["value"].sum()
        share_value = result["value"] / value_total if value_total > 0 else result["conversions"] / result["conversions"].sum()
        shares.loc[result.index, "amount"] = share_value
    return shares, extra, note


def markov_details(con, params: Params, by: str = "channel", basis: str = "pipeline") -> MarkovResult:
    """The Markov chain learned from the basis's closed deals: removal effects, transitions, P(conversion)."""
    return _markov(deal_touches(con, params, basis), key_column(by))


def shapley_details(con, params: Params, by: str = "channel", basis: str = "pipeline") -> ShapleyResult:
    """The Shapley game learned from the basis's closed deals: values, coalition table, formula."""
    return _shapley(deal_touches(con, params, basis), key_column(by), with_table=True)


# ------------------------------------------------------------- side by side, per deal

def models_for(params: Params) -> list[str]:
    """Every model, custom only when the user entered weights."""
    return [m for m in ATTRIBUTION_MODELS if m != "custom" or params.custom_weights is not None]


def compare_models(
    con: duckdb.DuckDBPyConnection,
    params: Params,
    by: str = "channel",
    basis: str = "pipeline",
    measure: str = "amount",
) -> pd.DataFrame:
    """One row per key, one column per model with its credited `measure` (amount or opportunities).

    Every column adds up to the same total (the basis's deals with touches), so the columns
    compare like for like.
    """
    if measure not in ("amount", "opportunities"):
        raise ValueError("measure must be amount or opportunities")
    key = key_column(by)
    data = deal_touches(con, params, basis)
    columns = {}
    for model in models_for(params):
        frame = credit_from(data, model, by, params)
        columns[model] = frame.set_index(key)[measure]
    table = pd.DataFrame(columns).fillna(0.0)
    table.index.name = key
    return table.sort_index().reset_index()


def timeline(
    con: duckdb.DuckDBPyConnection, params: Params, opportunity_id: str, basis: str = "pipeline",
) -> pd.DataFrame:
    """One deal's touches in order, with milestone flags and each rule-based model's weight."""
    data = load_deal_touches(con, params, basis, opportunity_id=opportunity_id)
    touches = data.touches
    out = touches[[
        "touchpoint_id", "occurred_at", "channel", "campaign_id", "asset_id", "touch_type", "via_account",
        "is_first", "is_lead", "is_opp", "is_won", "is_last", "age",
    ]].rename(columns={"age": "days_before_conversion"}).reset_index(drop=True)
    if touches.empty:
        return out
    for model in models_for(params):
        if model in DATA_DRIVEN:
            continue
        weights, _ = rule_weights(
            touches.rename(columns={"opportunity_id": "deal"}), model,
            half_life=params.half_life_days, custom_weights=params.custom_weights,
        )
        out[model] = weights
    return out


# ================================================================== command line

def cli_attribute(args) -> int:
    """`cli.py attribute`: print credit per channel (journeys file) or per key (database)."""
    custom = parse_custom_weights(args.weights) if args.weights else None
    if args.model == "custom" and custom is None:
        raise ValueError("--model custom needs --weights first,lead,opportunity,won,rest e.g. 30,20,20,20,10")
    if args.journeys:
        if args.by != "channel":
            raise ValueError("--by applies to --db; a journeys file has channels only")
        journeys = journeys_mod.read_journeys(args.journeys)
        frame = journey_credit(journeys, args.model, half_life=args.half_life, custom_weights=custom)
        frame = frame.sort_values(["conversions", "channel"], ascending=[False, True], kind="stable")
        _print(frame.reset_index(drop=True), args.format, footer=[])
        return 0
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        start, end = args.start, args.end
        if start is None or end is None:
            first, last = con.execute("select min(created_date), max(greatest(created_date, close_date)) from fct_pipeline").fetchone()
            if first is None:
                raise ValueError(f"{args.db}: no opportunities loaded")
            from data_models.periods import data_as_of
            start = start or first
            end = end or data_as_of(con) or last
        params = Params(start=start, end=end, lookback_days=args.lookback, model=args.model,
                        half_life_days=args.half_life, custom_weights=custom)
        frame = credit(con, params, args.model, by=args.by)
    finally:
        con.close()
    key = key_column(args.by)
    out = frame.rename(columns={key: args.by})
    info = reconciliation_of(frame)
    footer = [
        f"{info['deals_with_touches']} opportunities with touches, {info['amount_with_touches']:,.2f} "
        f"(created {start} to {end}, lookback {args.lookback} days)",
        f"no touches: {info['no_touch_deals']} opportunities, {info['no_touch_amount']:,.2f}",
    ]
    if info["renormalised_deals"]:
        footer.append(f"weights renormalised for {info['renormalised_deals']} deals (a milestone touch was missing)")
    if info["note"]:
        footer.append(info["note"])
    _print(out, args.format, footer)
    return 0


def _print(frame: pd.DataFrame, fmt: str, footer: list[str]) -> None:
    if fmt == "json":
        records = [
            {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")
        ]
        print(json.dumps(records, indent=2))
    elif fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print(frame.to_string(index=False, float_format=lambda x: f"{x:,.4f}"))
        for line in footer:
            print(line)
