"""Lead funnel on hand-made people (lead created in Q1 2025).

P1 Webinar   created 01-01  MQL 01-11 (10 d)  SAL 01-21 (10 d)  opp 02-10 (20 d)  won 03-12 (30 d)
P2 Webinar   created 01-05  MQL 01-25 (20 d)  SAL 02-04 (10 d)
P3 Cold Call created 01-10  MQL 01-14 (4 d)
P4 Cold Call created 02-01
L6 Email     lead created 01-03, MQL 01-13 (10 d), converted into C6 (created 02-01, SAL 02-05: 23 d after MQL)
"""
from __future__ import annotations

import datetime as dt
import math

import pytest

from data_models import db, funnel
from data_models.params import Params
from tests.test_metrics_fixture import TS, insert

D = dt.date
P = Params(start=D(2025, 1, 1), end=D(2025, 3, 31))


@pytest.fixture(scope="module")
def con():
    con = db.connect(":memory:")
    insert(con, "accounts", [dict(account_id="A1", segment="SMB", region="EMEA")])
    insert(con, "contacts", [
        dict(contact_id="P1", account_id="A1", lead_source="Webinar", created_at=TS(2025, 1, 1),
             mql_at=TS(2025, 1, 11), sal_at=TS(2025, 1, 21)),
        dict(contact_id="P2", account_id="A1", lead_source="Webinar", created_at=TS(2025, 1, 5),
             mql_at=TS(2025, 1, 25), sal_at=TS(2025, 2, 4)),
        dict(contact_id="P3", account_id="A1", lead_source="Cold Call", created_at=TS(2025, 1, 10), mql_at=TS(2025, 1, 14)),
        dict(contact_id="P4", account_id="A1", lead_source="Cold Call", created_at=TS(2025, 2, 1)),
        dict(contact_id="L6", record_type="lead", lead_source="Email", created_at=TS(2025, 1, 3),
             mql_at=TS(2025, 1, 13), converted_contact_id="C6"),
        dict(contact_id="C6", account_id="A1", lead_source=None, created_at=TS(2025, 2, 1), sal_at=TS(2025, 2, 5)),
    ])
    insert(con, "opportunities", [dict(opportunity_id="O1", account_id="A1", amount="100.00", created_date=D(2025, 2, 10),
                                       close_date=D(2025, 3, 12), is_closed=True, is_won=True)])
    insert(con, "opportunity_contact_roles", [dict(opportunity_id="O1", contact_id="P1", is_primary=True)])
    return con


def test_funnel_counts_conversion_and_median_days(con):
    df = funnel.lead_funnel(con, P).set_index("stage")
    # 5 people (L6 and C6 are one); MQL: P1 P2 P3 L6; SAL: P1 P2 C6; opportunity and won: P1
    assert df["people"].tolist() == [5, 4, 3, 1, 1]
    assert df["conversion_from_previous"].tolist()[1:] == pytest.approx([4 / 5, 3 / 4, 1 / 3, 1.0])
    # medians: lead->MQL [10, 20, 4, 10] -> 10; MQL->SAL [10, 10, 23] -> 10; SAL->opp [20]; opp->won [30]
    assert df["median_days_from_previous"].tolist()[1:] == [10.0, 10.0, 20.0, 30.0]
    assert math.isnan(df.loc["lead", "median_days_from_previous"])


def test_share_of_mqls_sales_accepts_by_source(con):
    assert funnel.mql_acceptance(con, P) == 0.75            # 3 of 4 MQLs accepted
    df = funnel.funnel_by_source(con, P).set_index("lead_source_channel")
    # webinar P1 P2 both accepted; cold call: P3 MQL not accepted, P4 no MQL; email (the lead's source): L6/C6
    assert df.loc["webinar", ["leads", "mqls", "sals"]].tolist() == [2, 2, 2]
    assert df.loc["sales_outbound", ["leads", "mqls", "sals"]].tolist() == [2, 1, 0]
    assert df.loc["email", ["leads", "mqls", "sals"]].tolist() == [1, 1, 1]
    assert df["mql_acceptance"].to_dict() == {"webinar": 1.0, "sales_outbound": 0.0, "email": 1.0}
