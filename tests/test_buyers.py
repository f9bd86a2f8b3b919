"""Buyer insight on the metrics fixture: deals closed in Q1 2025 are O1 (won, C1 persona Marketing,
38 days), O5 (won, C1, 45 days) and O3 (lost, no contact roles, read AS1 via its account)."""
from __future__ import annotations

import datetime as dt

import pytest

from data_models import buyers
from tests.test_metrics_fixture import Q1, build, insert


@pytest.fixture(scope="module")
def con():
    con = build()
    insert(con, "buyer_interviews", [
        dict(interview_id="I1", interview_date=dt.date(2025, 2, 1), persona="Marketing", outcome="won",
             insight_area="priority_initiative", note="Board asked for pipeline proof"),
        dict(interview_id="I2", interview_date=dt.date(2025, 3, 1), persona="Marketing", outcome="lost",
             insight_area="priority_initiative", note="Budget moved"),
        dict(interview_id="I3", interview_date=dt.date(2024, 11, 1), persona="IT", outcome="no_decision",
             insight_area="perceived_barriers", note="Security review"),
    ])
    return con


def test_by_persona(con):
    df = buyers.by_persona(con, Q1).set_index("persona")
    assert df.loc["Marketing", ["deals", "won"]].tolist() == [2, 2]
    assert df.loc["Marketing", "avg_cycle_days_won"] == 41.5           # (38 + 45) / 2
    assert df.loc["(no contact roles)", ["deals", "won"]].tolist() == [1, 0]
    assert df.loc["(no contact roles)", "avg_assets_consumed"] == 1.0


def test_by_committee_size(con):
    df = buyers.by_committee_size(con, Q1).set_index("committee_bucket")
    assert df["deals"].tolist() == [1, 2, 0, 0, 0]                      # O3 | O1, O5
    assert df.loc["1", "win_rate"] == 1.0


def test_interviews_per_persona_and_area(con):
    df = buyers.interviews(con, Q1)
    assert df[["persona", "insight_area", "interviews", "won", "lost", "no_decision"]].values.tolist() == [
        ["IT", "perceived_barriers", 1, 0, 0, 1], ["Marketing", "priority_initiative", 2, 1, 1, 0]]
    assert buyers.interviews(con, Q1, in_period=True)["interviews"].tolist() == [2]
    notes = buyers.interview_notes(con, Q1, persona="Marketing")
    assert notes["interview_id"].tolist() == ["I2", "I1"]               # newest first
