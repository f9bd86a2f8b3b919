"""A load killed with SIGKILL half-way leaves the database as it was before the load."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

from data_models import db

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The child loads 130,000 page views (more than two DuckDB row groups, so DuckDB writes
# data blocks to the file before commit) and stops inside the transaction, after the rows
# are inserted: the archive step touches a marker file and waits to be killed.
CHILD = textwrap.dedent("""
    import pathlib, sys, time
    import numpy as np, pandas as pd
    from connectors import load
    from connectors.base import Parsed
    from data_models import db

    db_path, marker = sys.argv[1], pathlib.Path(sys.argv[2])
    n = 130_000
    frame = pd.DataFrame({
        "_row": np.arange(2, n + 2),
        "event_id": [f"big{i}" for i in range(n)],
        "visitor_id": [f"v{i % 997}" for i in range(n)],
        "occurred_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(n), unit="s"),
        "url": "example.com/blog/a",
    })
    parsed = Parsed("big.csv", "web.page_views", "test", frame)
    report = load.FileReport(name="big.csv", kind=parsed.kind, layout="test", rows_in_file=n,
                             parsed=parsed, source="big.csv", sha256="0" * 64)

    def stall(*args, **kwargs):
        marker.write_text("inside the transaction")
        time.sleep(120)

    load.archive_file = stall
    con = db.connect(db_path)
    load.load_parsed(con, [report], user="child", sources={"big.csv": b"x"})
""")


def test_sigkill_during_load_keeps_previous_state(tmp_path):
    path = tmp_path / "mvd.duckdb"
    con = db.connect(path)
    con.execute("insert into load_log (load_id, loaded_at, loaded_by, file_name, sha256, kind, result)"
                " values (1, timestamp '2026-01-01 09:00:00', 'setup', 'small.csv', 'abc', 'web.page_views', 'accepted')")
    con.execute("insert into web_events (event_id, visitor_id, occurred_at, url, load_id) values"
                " ('e1', 'v1', timestamp '2025-12-01 10:00:00', 'example.com/a', 1),"
                " ('e2', 'v2', timestamp '2025-12-02 11:00:00', 'example.com/b', 1)")
    before = con.execute("select * from web_events order by event_id").fetchall()
    con.close()

    marker = tmp_path / "marker"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(path), str(marker)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached the middle of its load"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    con = db.connect(path)
    assert con.execute("select * from web_events order by event_id").fetchall() == before
    assert con.execute("select load_id, result from load_log").fetchall() == [(1, "accepted")]
    assert con.execute("select count(*) from duckdb_tables() where table_name like 'load_undo_%'").fetchone() == (0,)
    # and the database still takes writes
    con.execute("insert into web_events (event_id, visitor_id, occurred_at) values ('e3', 'v3', timestamp '2026-01-02')")
    assert con.execute("select count(*) from web_events").fetchone() == (3,)
    con.close()
