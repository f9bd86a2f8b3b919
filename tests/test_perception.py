"""Perception gap and maturity scorecard, against the measured figures of the metrics fixture
(marketing-sourced share by lead source: 1700.17 / 10701.07 = 15.888%; journey before the first
meeting: 100% - every touch of the won deals O1 and O5 came before creation)."""
from __future__ import annotations

import pytest

from data_models import perception
from tests.test_metrics_fixture import Q1, build, insert

SOURCED = 1700.17 / 10701.07 * 100


@pytest.fixture(scope="module")
def con():
    con = build()

    def ans(rid, key, role, qid, value):
        return dict(response_id=rid, respondent_key=key, respondent_role=role, question_id=qid, answer_value=value)
    insert(con, "survey_responses", [
        ans("r1", "cmo1", "CMO", "sourced_share", 40),
        ans("r2", "cmo2", "cmo", "sourced_share", 0.5),       # a fraction: read as 50%
        ans("r3", "s1", "Sales leader", "sourced_share", 20),
        ans("r4", "s2", "Sales", "sourced_share", 30),
        ans("r5", "ceo", "CEO", "journey_before_sales", 60),
        ans("r6", "cmo1", "CMO", "maturity_buyer_insight", 4),
        ans("r7", "cmo1", "CMO", "maturity_strategy_seat", 5),
        ans("r8", "s1", "Sales", "maturity_buyer_insight", 2),
        ans("r9", "s1", "Sales", "maturity_sales_partnership", 1),
    ])
    return con


def test_gap_per_role_against_the_measured_figure(con):
    df = perception.perception_gap(con, Q1).set_index(["question_id", "respondent_role"])
    cmo = df.loc[("sourced_share", "CMO")]
    # CMO answers 40 and 50 -> mean 45; measured 15.888 -> gap 29.11 points
    assert (cmo.respondents, cmo["mean"], cmo["median"]) == (2, 45.0, 45.0)
    assert cmo.measured == pytest.approx(SOURCED)
    assert cmo.gap_points == pytest.approx(45 - SOURCED)
    assert df.loc[("sourced_share", "Sales"), "mean"] == 25.0       # 20 and 30
    assert df.loc[("journey_before_sales", "CEO"), "gap_points"] == pytest.approx(60 - 100)


def test_cmo_vs_sales(con):
    df = perception.role_vs_role(con, Q1).set_index("question_id")
    assert df.loc["sourced_share", "difference_points"] == 20.0     # 45 - 25
    assert df.loc["sourced_share", "CMO_respondents"] == 2


def test_maturity_scorecard_levels(con):
    df = perception.maturity_scorecard(con, Q1).set_index("respondent_role")
    # CMO (4 + 5) / 2 = 4.5 strategic; Sales (2 + 1) / 2 = 1.5 tactical; all 12 / 4 = 3.0
    assert df["score"].to_dict() == {"CMO": 4.5, "Sales": 1.5, "All": 3.0}
    assert df.loc["CMO", "level"].startswith("Strategic")
    assert df.loc["Sales", "level"].startswith("Tactical")
    assert df.loc["All", "level"].startswith("Integrated")
