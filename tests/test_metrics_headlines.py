"""The three overview headlines on the metrics fixture. The previous period of Q1 2025 is the
89 days before it (2024-10-03 .. 2024-12-31): only O5 (500.00, Webinar, touched by T2) was created then."""
from __future__ import annotations

import math
from decimal import Decimal

from data_models import headlines
from tests.test_metrics_fixture import Q1, build


def test_three_headlines_with_figures():
    con = build()
    sourced, influenced, content = headlines.headlines(con, Q1)
    # 1700.17 / 10701.07 = 15.9% now; 500.00 / 500.00 = 100% before
    assert sourced.text == "Marketing sourced 16% of new pipeline this quarter, $1,700, down from 100%."
    assert sourced.figures["marketing_amount"] == Decimal("1700.17")
    assert sourced.figures["total_pipeline"] == Decimal("10701.07")
    assert sourced.change_points == (1700.17 / 10701.07 - 1) * 100
    # 8000.80 / 10701.07 = 74.8%
    assert influenced.text == ("Marketing touched 75% of new pipeline this quarter ($8,001, 3 of 6 deals), "
                               "down from 100%.")
    assert influenced.figures["via_account_opportunities"] == 1
    # closed in Q1: O3 assisted (lost); O1, O5 unassisted (won); nothing closed the period before
    assert content.text == ("Deals whose buyers read content before the first sales meeting won 0% of the time "
                            "this quarter, vs 100% without (1 and 2 closed deals).")
    assert (content.figures["assisted_deals"], content.figures["unassisted_won"]) == (1, 2)
    assert math.isnan(content.previous)
    assert list(headlines.headlines_frame(con, Q1)["key"]) == ["sourced", "influenced", "content"]


def test_money_format():
    assert headlines.money(Decimal("4100000")) == "$4.1M"
    assert headlines.money(850_000, "EUR") == "€850K"
    assert headlines.money(1234.4) == "$1,234"
