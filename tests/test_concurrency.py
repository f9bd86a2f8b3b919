"""Two analysts loading at once in one process, and readers during a load.

Each thread has its own cursor of one connection, as the app gives each browser session. Loads
are serialised by connectors.load's writer lock and run in one transaction each, so nothing is
lost or mixed, and a reader sees the last committed state until the commit.
Synchronisation is by events at a known point inside the load's transaction, never by sleeping.
"""
from __future__ import annotations

import threading

import pytest

from connectors import load
from data_models import db
from tests.conftest import build_tiny_db
from tests.test_pages_data import GOOD_OPPS

# Salesforce accounts: A3 new, A1 renamed.
ACCOUNTS = (
    "Id,Name,Industry,NumberOfEmployees,BillingCountry\n"
    "A3,Initech,Software,120,Germany\n"
    "A1,Northwind Traders,Software,450,United Kingdom\n"
)
# Two more opportunities, none of them in GOOD_OPPS.
MORE_OPPS = (
    "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate,LeadSource,IsWon,IsClosed\n"
    "O9,Third deal,A1,Prospecting,10.00,USD,2026-12-15,2026-08-03T10:00:00.000+0000,Web,false,false\n"
    "O10,Fourth deal,A2,Prospecting,20.00,USD,2026-12-15,2026-08-04T10:00:00.000+0000,Web,false,false\n"
)
TIMEOUT = 300   # only a bound for a hung test; nothing asserts on time


@pytest.fixture
def con(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny_db(path)
    connection = db.connect(path)
    yield connection
    connection.close()


def _together(con, jobs):
    """Run each job(cursor) in its own thread with its own cursor, started at the same moment."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(i, job):
        cur = con.cursor()
        try:
            start.wait(TIMEOUT)
            results[i] = job(cur)
        except BaseException as exc:  # reported to the test, not lost in the thread
            errors.append(exc)
        finally:
            cur.close()
    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a loading thread hung"
    assert errors == []
    return results


def _opps(con):
    return con.execute("select opportunity_id, amount::double from opportunities order by 1").fetchall()


def test_two_analysts_load_different_files_at_once(con):
    a, b = _together(con, [
        lambda cur: load.load_files(cur, [("Opportunity.csv", GOOD_OPPS.encode())], user="ana"),
        lambda cur: load.load_files(cur, [("Account.csv", ACCOUNTS.encode())], user="bo"),
    ])
    assert a.ok and b.ok, (a.summary(), b.summary())
    assert [(f.inserted, f.updated, f.unchanged) for f in a.files] == [(2, 1, 0)]
    assert [(f.inserted, f.updated, f.unchanged) for f in b.files] == [(1, 1, 0)]
    assert _opps(con) == [("O1", 1000.10), ("O2", 2000.20), ("O3", 3500.00), ("O4", 500.00), ("O5", 1200.00),
                          ("O6", 800.50)]
    assert con.execute("select account_id, name from accounts order by 1").fetchall() == [
        ("A1", "Northwind Traders"), ("A2", "Globex"), ("A3", "Initech")]
    log = con.execute("select load_id, loaded_by, file_name, result, rows_inserted, rows_updated from load_log"
                      " order by loaded_by").fetchall()
    assert sorted(r[0] for r in log) == [1, 2]
    assert [r[1:] for r in log] == [("ana", "Opportunity.csv", "accepted", 2, 1), ("bo", "Account.csv", "accepted", 1, 1)]
    # every row carries the load that wrote it
    assert dict(con.execute("select opportunity_id, load_id from opportunities where load_id > 0").fetchall()) == {
        "O3": log[0][0], "O5": log[0][0], "O6": log[0][0]}


def test_two_analysts_load_the_same_file_at_once(con):
    a, b = _together(con, [
        lambda cur: load.load_files(cur, [("Opportunity.csv", GOOD_OPPS.encode())], user="ana"),
        lambda cur: load.load_files(cur, [("Opportunity.csv", GOOD_OPPS.encode())], user="bo"),
    ])
    assert a.ok and b.ok
    # whichever came second found every row already there
    counts = sorted((f.inserted, f.updated, f.unchanged) for r in (a, b) for f in r.files)
    assert counts == [(0, 0, 3), (2, 1, 0)]
    assert _opps(con) == [("O1", 1000.10), ("O2", 2000.20), ("O3", 3500.00), ("O4", 500.00), ("O5", 1200.00),
                          ("O6", 800.50)]
    assert con.execute("select load_id, result, rows_inserted + rows_updated + rows_unchanged from load_log"
                       " order by load_id").fetchall() == [(1, "accepted", 3), (2, "accepted", 3)]
    # the second load changed nothing, so the first one can still be undone exactly
    first = next(r for r in (a, b) if r.files[0].inserted == 2).load_ids[0]
    assert load.undo_load(con, first) == f"Undid load {first} (Opportunity.csv): removed 2 new rows, restored 1 updated row in opportunities."
    assert _opps(con) == [("O1", 1000.10), ("O2", 2000.20), ("O3", 3000.30), ("O4", 500.00)]


def test_many_loads_from_four_sessions_lose_nothing(con):
    files = [("Opportunity.csv", GOOD_OPPS), ("more.csv", MORE_OPPS), ("Account.csv", ACCOUNTS),
             ("Opportunity_again.csv", GOOD_OPPS)]
    reports = _together(con, [lambda cur, f=f: load.load_files(cur, [(f[0], f[1].encode())], user=f[0])
                              for f in files])
    assert all(r.ok for r in reports)
    assert con.execute("select count(*), count(distinct load_id), min(load_id), max(load_id) from load_log"
                       ).fetchall() == [(4, 4, 1, 4)]
    assert [r[0] for r in _opps(con)] == ["O1", "O10", "O2", "O3", "O4", "O5", "O6", "O9"]
    assert con.execute("select count(*) from accounts").fetchall() == [(3,)]


def test_reader_sees_the_last_committed_state_during_a_load(con, monkeypatch):
    """The writer stops inside its transaction (rows written, figures rebuilt, not committed) while a reader looks."""
    in_transaction, reader_done = threading.Event(), threading.Event()
    real_refresh = db.refresh_models

    def refresh_then_wait(c, **kwargs):
        real_refresh(c, **kwargs)
        in_transaction.set()
        assert reader_done.wait(TIMEOUT)
    monkeypatch.setattr(db, "refresh_models", refresh_then_wait)

    seen = {}

    def writer(cur):
        return load.load_files(cur, [("Opportunity.csv", GOOD_OPPS.encode())], user="ana")

    def reader(cur):
        seen["before"] = cur.execute("select count(*), sum(amount)::double from opportunities").fetchall()
        assert in_transaction.wait(TIMEOUT)
        try:
            seen["during"] = cur.execute("select count(*), sum(amount)::double from opportunities").fetchall()
            seen["mart during"] = cur.execute("select count(*) from fct_pipeline").fetchall()
            seen["log during"] = cur.execute("select count(*) from load_log").fetchall()
        finally:
            reader_done.set()
        return None

    report, _ = _together(con, [writer, reader])
    assert report.ok
    after = con.cursor()
    assert seen["before"] == seen["during"] == [(4, 6500.60)]
    assert seen["mart during"] == [(4,)]
    assert seen["log during"] == [(0,)]
    assert after.execute("select count(*), sum(amount)::double from opportunities").fetchall() == [(6, 9000.80)]
    assert after.execute("select count(*) from fct_pipeline").fetchall() == [(6,)]
    assert after.execute("select count(*) from load_log").fetchall() == [(1,)]
