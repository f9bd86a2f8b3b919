"""Shared fixtures: a tiny hand-made database whose figures are worked out in the comments."""
from __future__ import annotations

import datetime as dt

import pytest

from data_models import db

D = dt.date

# Two accounts, four opportunities. With Jan fiscal years and data as of 2026-09-15 (newest close date):
#   this quarter = 2026-07-01..2026-09-30
#   pipeline  = O1 1000.10 + O2 2000.20 + O3 3000.30 = 6000.60 (3 opportunities created in Q3)
#   revenue   = O1 1000.10 (won Aug 20) + O4 500.00 (won Jul 15) = 1500.10 (2 won deals)
#   previous quarter (Q2): pipeline = O4 500.00 (1 opportunity), revenue = 0
TINY_ACCOUNTS = [
    ("A1", "Northwind", "Software", 450, "EMEA", "Mid-Market", "fixture", 0),
    ("A2", "Globex", "Manufacturing", 5200, "North America", "Enterprise", "fixture", 0),
]
TINY_OPPORTUNITIES = [
    # id, account, name, amount, currency, stage, created, close, closed, won, first meeting, lead source
    ("O1", "A1", "Northwind expansion", 1000.10, "USD", "Closed Won", D(2026, 7, 5), D(2026, 8, 20), True, True, D(2026, 7, 12), "Web"),
    ("O2", "A2", "Globex pilot", 2000.20, "USD", "Closed Lost", D(2026, 8, 1), D(2026, 9, 15), True, False, None, "Outbound"),
    ("O3", "A2", "Globex platform", 3000.30, "USD", "Proposal", D(2026, 9, 10), D(2026, 12, 1), False, False, D(2026, 9, 20), "Partner Referral"),
    ("O4", "A1", "Northwind starter", 500.00, "USD", "Closed Won", D(2026, 4, 10), D(2026, 7, 15), True, True, None, "Webinar"),
]


def build_tiny_db(path) -> None:
    con = db.connect(path)
    con.executemany("insert into accounts values (?, ?, ?, ?, ?, ?, ?, ?)", TINY_ACCOUNTS)
    con.executemany(
        "insert into opportunities (opportunity_id, account_id, name, amount, currency, stage, created_date,"
        " close_date, is_closed, is_won, first_meeting_date, lead_source, source_system, load_id)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fixture', 0)",
        TINY_OPPORTUNITIES,
    )
    con.close()


@pytest.fixture
def tiny_db(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny_db(path)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The committed demo exports loaded through the real connectors by the README's own command, once per session."""
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).parents[1]
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    done = subprocess.run([sys.executable, "cli.py", "sample", "--db", str(path), "--from-files", "sample_data/demo"],
                          cwd=root, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Loaded 13 files." in done.stdout
    return path
