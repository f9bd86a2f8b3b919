"""`python cli.py load`: exit codes, the summary on stdout, the problems on stderr, never a traceback."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import duckdb
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

OPPS = """Id,Name,AccountId,StageName,Amount,CloseDate,CreatedDate,IsWon,IsClosed,LeadSource
006A1,Northwind expansion,001A1,Closed Won,1000.10,2026-08-20,2026-07-05T10:00:00.000Z,true,true,Web
006A2,Globex pilot,001A2,Closed Lost,2000.20,2026-09-15,2026-08-01T10:00:00.000Z,false,true,Outbound
006A3,Globex platform,001A2,Proposal,3000.30,2026-12-01,2026-09-10T10:00:00.000Z,false,false,Partner Referral
"""
BAD = """Id,Name,AccountId,StageName,Amount,CloseDate,CreatedDate,IsWon,IsClosed,LeadSource
006B1,Bad one,001A1,Closed Won,-5,2026-08-20,2026-07-05T10:00:00.000Z,true,true,Web
006B2,Bad two,001A2,Closed Won,20,2026-09-15,2026-08-01T10:00:00.000Z,true,true,Outbound
006B2,Dup,001A2,Proposal,30,2026-06-01,2026-09-10T10:00:00.000Z,false,false,Web
"""


def cli(*args, user="dana"):
    env = {**os.environ, "USER": user}
    return subprocess.run([sys.executable, "cli.py", "load", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "opps.csv").write_text(OPPS)
    (tmp_path / "bad.csv").write_text(BAD)
    return tmp_path


def test_load_then_reject(files):
    db = files / "mvd.duckdb"
    ok = cli(files / "opps.csv", "--db", db)
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout == ("opps.csv: crm.opportunities (salesforce.opportunity), 3 rows: 3 new, 0 updated, "
                         "0 unchanged. Loaded as load 1.\nLoaded 1 file.\n")

    bad = cli(files / "bad.csv", files / "opps.csv", "--db", db, "--user", "eve")
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "error: bad.csv, row 3, column Id: Id appears more than once in the file (also on row 4) (006B2). "
        "Keep one row per value: remove the duplicate rows.",
        "error: bad.csv, row 4, column Id: Id appears more than once in the file (also on row 3) (006B2). "
        "Keep one row per value: remove the duplicate rows.",
        "error: bad.csv, row 2, column Amount: Amount is negative (-5). "
        "Correct the value in the source system; it cannot be below zero.",
        "Rejected: bad.csv has errors; nothing was loaded.",
    ]
    assert "Traceback" not in bad.stdout + bad.stderr

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select load_id, loaded_by, file_name, rows_inserted, rows_rejected, result"
                       " from load_log order by load_id").fetchall() == [
        (1, "dana", "opps.csv", 3, 0, "accepted"),
        (2, "eve", "bad.csv", 0, 3, "rejected"),
        (3, "eve", "opps.csv", 0, 0, "rejected"),
    ]
    assert con.execute("select opportunity_id from opportunities order by 1").fetchall() == [
        ("006A1",), ("006A2",), ("006A3",)]
    con.close()


@pytest.mark.parametrize("make, code, message", [
    (lambda d: d / "missing.csv", 2, "error: {path}: no such file"),
    (lambda d: d, 2, "error: {path}: is a folder, not a file"),
])
def test_paths_that_cannot_be_read(files, make, code, message):
    path = make(files)
    result = cli(files / "opps.csv", path, "--db", files / "mvd.duckdb")
    assert (result.returncode, result.stdout) == (code, "")
    assert result.stderr == message.format(path=path) + "\n"
    assert not (files / "mvd.duckdb").exists()


def test_unknown_kind(files):
    result = cli(files / "opps.csv", "--db", files / "mvd.duckdb", "--kind", "crm.deals")
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown kind 'crm.deals'; choose one of: crm.accounts, crm.contacts,")


def test_database_held_by_another_process(files):
    db = files / "mvd.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
                               " print('ready', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "ready\n"
        result = cli(files / "opps.csv", "--db", db)
    finally:
        holder.stdin.close()
        holder.wait()
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot open the database {db}: ")
    assert "Traceback" not in result.stderr
