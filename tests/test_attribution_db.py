"""Attribution from the database: windows, milestones, credit, reconciliation, compare, timeline.

The fixture (dates 2026 unless said otherwise, lookback 90 days):

  contacts: C1 (A1, created Jan 10), C2 (A1, created Feb 1), C3 (A2, created Jan 15)
  O1 A1 1000.00 created Mar 1, won Apr 15, roles C1 + C2   -> lead_created_at = Jan 10
  O2 A2  600.00 created Mar 10, lost May 1, role C3        -> lead_created_at = Jan 15
  O3 A2  300.00 created Mar 20, open, no roles: account fallback to C3
  O4 A3  100.00 created Mar 15, won Mar 30, no contacts at all -> no touches

  touches: T0 C1 2025-10-01 content    (before O1's lookback start Dec 1: out)
           T1 C1 Jan 5  paid_search    T2 C1 Jan 20 webinar   T3 C2 Feb 20 content
           T4 C1 Mar 1 10:00 email     T5 C2 Apr 1 event      T6 C1 May 1 paid_social (after close: out)
           T7 C3 Feb 1 paid_search     T8 C3 Mar 15 webinar

  O1 window: T1..T5. first T1, lead T1 (latest <= Jan 10), opp T4 (on Mar 1), won T5, last pipeline T4.
  O2 window: T7, T8. first T7, lead missing (nothing <= Jan 15), opp T7 (T8 is after Mar 10).
  O3 window: T7, T8. first T7, lead missing, opp T8 (Mar 15 <= Mar 20).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data_models import attribution, db
from data_models.params import Params

D = dt.date
TS = dt.datetime
MARCH = Params(start=D(2026, 3, 1), end=D(2026, 3, 31), as_of=D(2026, 6, 30))
Q2 = Params(start=D(2026, 4, 1), end=D(2026, 6, 30))


def fill_attribution_db(c) -> None:
    """Insert the fixture described in the module docstring into canonical tables."""
    c.executemany("insert into accounts (account_id, name, region, segment) values (?, ?, ?, ?)", [
        ("A1", "Northwind", "EMEA", "Mid-Market"),
        ("A2", "Globex", "North America", "Enterprise"),
        ("A3", "Initech", "EMEA", "SMB"),
    ])
    c.executemany("insert into contacts (contact_id, account_id, record_type, created_at) values (?, ?, 'contact', ?)", [
        ("C1", "A1", TS(2026, 1, 10)), ("C2", "A1", TS(2026, 2, 1)), ("C3", "A2", TS(2026, 1, 15)),
    ])
    c.executemany(
        "insert into opportunities (opportunity_id, account_id, amount, created_date, close_date, is_closed, is_won)"
        " values (?, ?, ?, ?, ?, ?, ?)", [
            ("O1", "A1", 1000.00, D(2026, 3, 1), D(2026, 4, 15), True, True),
            ("O2", "A2", 600.00, D(2026, 3, 10), D(2026, 5, 1), True, False),
            ("O3", "A2", 300.00, D(2026, 3, 20), D(2026, 9, 30), False, False),
            ("O4", "A3", 100.00, D(2026, 3, 15), D(2026, 3, 30), True, True),
        ])
    c.executemany("insert into opportunity_contact_roles (opportunity_id, contact_id, is_primary) values (?, ?, ?)", [
        ("O1", "C1", True), ("O1", "C2", False), ("O2", "C3", True),
    ])
    c.executemany(
        "insert into touchpoints (touchpoint_id, contact_id, account_id, occurred_at, channel, campaign_id, asset_id)"
        " values (?, ?, ?, ?, ?, ?, ?)", [
            ("T0", "C1", "A1", TS(2025, 10, 1), "content", None, "blog-1"),
            ("T1", "C1", "A1", TS(2026, 1, 5), "paid_search", "CMP-S", None),
            ("T2", "C1", "A1", TS(2026, 1, 20), "webinar", "CMP-W", None),
            ("T3", "C2", "A1", TS(2026, 2, 20), "content", None, "guide-1"),
            ("T4", "C1", "A1", TS(2026, 3, 1, 10), "email", "CMP-E", None),
            ("T5", "C2", "A1", TS(2026, 4, 1), "event", "CMP-V", None),
            ("T6", "C1", "A1", TS(2026, 5, 1), "paid_social", "CMP-L", None),
            ("T7", "C3", "A2", TS(2026, 2, 1), "paid_search", "CMP-S", None),
            ("T8", "C3", "A2", TS(2026, 3, 15), "webinar", "CMP-W", None),
        ])


@pytest.fixture(scope="module")
def con():
    c = db.connect(":memory:")
    fill_attribution_db(c)
    yield c
    c.close()


def as_dict(frame, key="channel", column="opportunities"):
    """Non-zero credit per key (touched keys that earn nothing under a model are listed with 0)."""
    nonzero = frame[frame[column] != 0]
    return dict(zip(nonzero[key], nonzero[column]))


def test_window_and_milestones(con):
    data = attribution.load_deal_touches(con, MARCH, "pipeline")
    t = data.touches.set_index(["opportunity_id", "touchpoint_id"])
    assert list(t.loc["O1"].index) == ["T1", "T2", "T3", "T4", "T5"]   # T0 before lookback, T6 after close
    assert list(t.loc["O3"].index) == ["T7", "T8"]                     # account fallback
    flags = ["is_first", "is_lead", "is_opp", "is_won", "is_last"]
    got = {(o, tp): tuple(t.loc[(o, tp), flags]) for o, tp in t.index if t.loc[(o, tp), flags].any()}
    assert got == {
        ("O1", "T1"): (True, True, False, False, False),
        ("O1", "T4"): (False, False, True, False, True),
        ("O1", "T5"): (False, False, False, True, False),
        ("O2", "T7"): (True, False, True, False, True),
        ("O3", "T7"): (True, False, False, False, False),
        ("O3", "T8"): (False, False, True, False, True),
    }


def test_w_shaped_pipeline_credit_and_reconciliation(con):
    frame = attribution.credit(con, MARCH, "w_shaped", basis="pipeline")
    # O1: T1 first+lead 0.3+0.3, T4 opp 0.3, rest T2 T3 T5 0.1/3 each
    # O2: lead missing -> present 0.7: T7 (first+opp) 0.6/0.7 = 6/7, T8 rest 1/7
    # O3: lead missing, no rest -> present 0.6: T7 0.5, T8 0.5
    opps = as_dict(frame)
    assert opps["paid_search"] == pytest.approx(0.6 + 6 / 7 + 0.5)
    assert opps["email"] == pytest.approx(0.3)
    assert opps["webinar"] == pytest.approx(1 / 30 + 1 / 7 + 0.5)
    assert opps["content"] == pytest.approx(1 / 30)
    assert opps["event"] == pytest.approx(1 / 30)
    assert sum(opps.values()) == pytest.approx(3.0)
    # cents: paid_search 126428.57, email 30000, webinar 26904.76, content/event 3333.33 each;
    # floors add to 189998 of 190000, the two largest remainders (webinar .76, paid_search .57) get a cent
    assert as_dict(frame, column="amount") == {
        "paid_search": 1264.29, "email": 300.00, "webinar": 269.05, "content": 33.33, "event": 33.33,
    }
    assert round(frame["amount"].sum(), 2) == 1900.00
    assert attribution.reconciliation_of(frame) == {
        "deals": 4, "amount_total": 2000.0, "deals_with_touches": 3, "amount_with_touches": 1900.0,
        "no_touch_deals": 1, "no_touch_amount": 100.0, "renormalised_deals": 2, "note": "",
    }


def test_last_touch_depends_on_basis(con):
    pipeline = attribution.credit(con, MARCH, "last_touch", basis="pipeline")
    # last before creation: O1 T4 email, O2 T7 paid_search, O3 T8 webinar
    assert as_dict(pipeline, column="amount") == {"email": 1000.0, "paid_search": 600.0, "webinar": 300.0}
    revenue = attribution.credit(con, Q2, "last_touch", basis="revenue")
    # revenue Q2 = O1 only (won Apr 15); O2 lost is not credited; last touch before close = T5 event
    assert as_dict(revenue, column="amount") == {"event": 1000.0}
    assert attribution.reconciliation_of(revenue)["deals"] == 1


def test_filters_by_segment_and_region(con):
    enterprise = attribution.credit(con, dataclasses.replace(MARCH, segment="Enterprise"), "first_touch")
    # Enterprise = A2: O2 and O3, both first touched by T7 paid_search
    assert as_dict(enterprise, column="amount") == {"paid_search": 900.0}
    emea = attribution.credit(con, dataclasses.replace(MARCH, region="EMEA"), "first_touch")
    # EMEA = A1 and A3: O1 first T1 paid_search; O4 has no touches
    assert as_dict(emea, column="amount") == {"paid_search": 1000.0}
    assert attribution.reconciliation_of(emea)["no_touch_deals"] == 1


def test_credit_by_campaign_and_asset(con):
    by_campaign = attribution.credit(con, MARCH, "linear", by="campaign")
    # O1 1/5 per touch: CMP-S, CMP-W, (none: T3 content), CMP-E, CMP-V; O2 and O3 1/2 to CMP-S and CMP-W each
    assert as_dict(by_campaign, key="campaign_id") == pytest.approx(
        {"CMP-S": 1.2, "CMP-W": 1.2, "(none)": 0.2, "CMP-E": 0.2, "CMP-V": 0.2})
    by_asset = attribution.credit(con, MARCH, "linear", by="asset")
    # only T3 has an asset (guide-1): 1/5 of O1; the rest of the credit sits on (none)
    assert as_dict(by_asset, key="asset_id", column="amount") == {"(none)": 1700.0, "guide-1": 200.0}


def test_markov_and_shapley_from_deals(con):
    # learning journeys (closed March-created deals with touches):
    #   O1 won: paid_search > webinar > content > email > event ; O2 lost: paid_search > webinar
    # chain: start->ps 1, ps->web 1, web->content 1/2, web->null 1/2, content->email->event->conv 1
    # P(conv) = 1/2 and removing any of the five channels makes it 0: every removal effect is 1,
    # so each channel gets 1/5 of the 3 credited deals and of 1900.00
    frame = attribution.credit(con, MARCH, "markov")
    assert as_dict(frame) == pytest.approx({c: 0.6 for c in ("paid_search", "webinar", "content", "email", "event")})
    assert set(frame["amount"]) == {380.0}
    assert set(frame["removal_effect"]) == {1.0}
    details = attribution.markov_details(con, MARCH)
    assert details.conversion_probability == pytest.approx(0.5)
    # Shapley: the only won journey has five channels: w = 1 shared 1/5 each
    shapley = attribution.credit(con, MARCH, "shapley")
    assert set(shapley["amount"]) == {380.0}
    coalitions = attribution.shapley_details(con, MARCH).coalitions
    assert len(coalitions) == 2 ** 5 - 1
    assert coalitions.iloc[-1]["conversions"] == 1.0 and coalitions.iloc[-2]["conversions"] == 0.0


def test_compare_models_columns_add_up_to_the_same_total(con):
    table = attribution.compare_models(con, MARCH, measure="amount")
    models = [c for c in table.columns if c != "channel"]
    assert "custom" not in models and {"markov", "shapley", "w_shaped"} <= set(models)
    for model in models:
        assert round(table[model].sum(), 2) == 1900.00, model
    with_custom = attribution.compare_models(con, dataclasses.replace(MARCH, custom_weights=(30, 20, 20, 20, 10)))
    assert "custom" in with_custom.columns


def test_timeline_of_one_deal(con):
    frame = attribution.timeline(con, MARCH, "O1")
    assert list(frame["touchpoint_id"]) == ["T1", "T2", "T3", "T4", "T5"]
    assert list(frame["w_shaped"]) == pytest.approx([0.6, 1 / 30, 1 / 30, 0.3, 1 / 30])
    # full path: T1 first+lead 0.45, T4 opp 0.225, T5 won 0.225, rest T2 T3 0.05 each
    assert list(frame["full_path"]) == pytest.approx([0.45, 0.05, 0.05, 0.225, 0.225])
    # days before creation (Mar 1): Jan 5 -> 55, Jan 20 -> 40, Feb 20 -> 9, Mar 1 -> 0, Apr 1 -> after: 0
    assert list(frame["days_before_conversion"]) == [55, 40, 9, 0, 0]
    for model in attribution.models_for(MARCH):
        if model not in attribution.DATA_DRIVEN:
            assert frame[model].sum() == pytest.approx(1.0)


def test_shared_loads_give_the_same_figures_from_one_load(con):
    """The app shares one load of a period's deal touches between every figure (pages/shared/ui.py):
    each figure must equal its own separate load, and the load happens once per filters and basis."""
    def figures() -> dict:
        return {
            "credit": attribution.credit(con, MARCH, "w_shaped"),
            "campaign": attribution.credit(con, MARCH, "linear", by="campaign", basis="revenue"),
            "compare": attribution.compare_models(con, MARCH),
            "markov": attribution.credit(con, MARCH, "markov"),
            "shapley": attribution.shapley_details(con, MARCH).coalitions,
            "details": attribution.markov_details(con, MARCH).credit,
        }

    separate = figures()
    loads = []

    def loader(c, params, basis):
        loads.append(basis)
        key = (basis, params.start, params.end, params.segment, params.region, params.lookback_days, params.today)
        if key not in cache:
            cache[key] = attribution.load_deal_touches(c, params, basis)
        return cache[key]

    cache: dict = {}
    with attribution.shared_loads(loader):
        shared = figures()
        # a model asked again on the same load (shapley's credit after its coalition table) is unchanged
        again = attribution.credit(con, MARCH, "shapley")
    for name, frame in separate.items():
        assert frame.equals(shared[name]), name
        assert frame.attrs == shared[name].attrs, name
    assert again.equals(attribution.credit(con, MARCH, "shapley"))
    assert len(cache) == 2 and loads.count("pipeline") == 6  # every call asked; two loads were made
    # outside the block, loads are direct again
    assert attribution._SHARED_LOADER.get() is None


def test_milestones_need_each_deals_touches_together(con):
    """mark_milestones reads a deal's flags from its run of rows: touches of one deal split by another deal's
    are refused, not flagged twice."""
    touches = attribution.load_deal_touches(con, MARCH, "pipeline").touches
    o1 = touches[touches["opportunity_id"] == "O1"]
    split = pd.concat([o1.iloc[:2], touches[touches["opportunity_id"] == "O2"], o1.iloc[2:]])
    with pytest.raises(ValueError, match="sorted by opportunity_id"):
        attribution.mark_milestones(split, "pipeline")
    assert attribution.mark_milestones(touches.iloc[:0], "pipeline").empty
