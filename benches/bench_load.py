"""Validated load vs a raw DuckDB read of the same page-view export.

    python benches/bench_load.py [--rows 1000000] [--keep DIR]

Writes a Segment-style pages.csv (deterministic: same rows for the same --rows), then times
  (a) raw:       DuckDB read_csv of the file into a plain table (no checks, no keys),
  (b) validated: our load of the same bytes into a fresh database, as `cli.py load` and the
                 Upload page run it (load.load_files): sha256, parse (connectors.parse; a file
                 this large is read by DuckDB into a staging database and its page views are
                 typed in SQL, see connectors/staging.py and web_sql.py; the staging database
                 is attached to the target's own DuckDB instance), Great Expectations suite
                 web.page_views, then the one-transaction insert into web_events (one native
                 insert ... select), load log, archive of the raw file and model refresh.
Prints both, the ratio b / a, and where the time of (b) goes (a second load, phase by phase).
Target: ratio <= 2.
"""
from __future__ import annotations

import argparse
import hashlib
import pathlib
import sys
import tempfile
import time

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_segment_pages(path: pathlib.Path, rows: int, seed: int = 7) -> None:
    """A Segment 'pages' warehouse export: one row per page view, ISO timestamps in UTC."""
    rng = np.random.default_rng(seed)
    visitors = rng.integers(0, max(rows // 20, 1), rows)
    start = np.datetime64("2026-01-01T00:00:00", "ms")
    stamps = start + np.sort(rng.integers(0, 180 * 86_400_000, rows)).astype("timedelta64[ms]")
    pages = np.array([f"https://www.example.com/{p}" for p in
                      ("", "pricing", "blog/roi-of-content", "blog/buyer-journey", "guides/b2b-attribution",
                       "case-studies/northwind", "compare/us-vs-them", "webinars/q3-pipeline", "product", "about")],
                     dtype=object)
    page = rng.integers(0, len(pages), rows)
    referrers = np.array(["", "https://www.google.com/", "https://www.linkedin.com/", "https://www.example.com/blog"],
                         dtype=object)
    ref = rng.integers(0, len(referrers), rows)
    campaign = rng.random(rows) < 0.15
    users = np.where(rng.random(rows) < 0.1, pd.Series(visitors).map(lambda v: f"003{v:012d}").to_numpy(), "")
    frame = pd.DataFrame({
        "id": [f"msg-{i:010d}" for i in range(rows)],
        "anonymous_id": pd.Series(visitors).map(lambda v: f"anon-{v:08d}").to_numpy(),
        "user_id": users,
        "timestamp": np.datetime_as_string(stamps, unit="ms").astype(object) + "Z",
        "context_page_url": pages[page],
        "context_page_referrer": referrers[ref],
        "context_campaign_source": np.where(campaign, "linkedin", ""),
        "context_campaign_medium": np.where(campaign, "paid_social", ""),
        "context_campaign_name": np.where(campaign, "2026-Q1 Pipeline Webinar", ""),
    })
    frame.to_csv(path, index=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", default=None, help="work in this folder instead of a temporary one")
    args = ap.parse_args(argv)

    import duckdb

    from connectors import load, staging, suites
    from connectors.parse import parse_file
    from data_models import db

    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        csv_path = work / "pages.csv"
        t = time.perf_counter()
        write_segment_pages(csv_path, args.rows)
        print(f"generated {args.rows:,} page views, {csv_path.stat().st_size / 1e6:.1f} MB "
              f"in {time.perf_counter() - t:.1f} s")

        # GX's import and context are a once-per-process cost, kept out of both timings but reported
        t = time.perf_counter()
        suites._gx()
        gx_start = time.perf_counter() - t

        for f in work.glob("*.duckdb*"):
            f.unlink()
        raw_con = duckdb.connect(str(work / "raw.duckdb"))
        t, c = time.perf_counter(), time.process_time()
        raw_con.execute("create table pages as select * from read_csv(?)", [str(csv_path)])
        raw_con.execute("checkpoint")
        raw, raw_cpu = time.perf_counter() - t, time.process_time() - c
        raw_rows = raw_con.execute("select count(*) from pages").fetchall()[0][0]
        raw_con.close()

        # (b) the load as the CLI and the Upload page run it: read the file, then load.load_files
        con = db.connect(work / "ours.duckdb")
        t, c = time.perf_counter(), time.process_time()
        data = csv_path.read_bytes()
        report = load.load_files(con, [(csv_path.name, data)], user="bench")
        con.execute("checkpoint")
        ours, ours_cpu = time.perf_counter() - t, time.process_time() - c
        loaded = con.execute("select count(*) from web_events").fetchall()[0][0]
        con.close()
        del data

        # where the time goes: the same load again into a fresh database, one phase after the other
        # (load_files overlaps hashing with parsing and archiving with writing, so these add up to more)
        con = db.connect(work / "phases.duckdb")
        phases: dict[str, tuple[float, float]] = {}   # name -> (wall, process cpu) seconds
        t, c = time.perf_counter(), time.process_time()
        data = csv_path.read_bytes()
        with staging.in_instance(con):      # as load_files stages it: inside the target's DuckDB instance
            parsed_list = parse_file(csv_path.name, data)
        phases["parse"] = (time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        sha = hashlib.sha256(data).hexdigest()
        phases["sha256 of the file"] = (time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        reports = [load._check(p, csv_path.name, sha) for p in parsed_list]
        phases["validate (GX suite)"] = (time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        load.load_parsed(con, reports, user="bench", sources={csv_path.name: data})
        con.execute("checkpoint")
        phases["write (upsert, log, archive, models, commit)"] = (time.perf_counter() - t, time.process_time() - c)
        # the write phase rebuilds the materialized models inside its transaction; time that part alone
        con.execute("begin transaction")
        t = time.perf_counter()
        db.refresh_models(con)
        refresh = time.perf_counter() - t
        con.execute("rollback")
        con.close()

        print(f"GX import + context (once per process, not counted): {gx_start:.1f} s")
        print("                                        wall      cpu (all threads of this process)")
        print(f"(a) raw DuckDB read_csv into a table: {raw:6.2f} s  {raw_cpu:6.2f} s  ({raw_rows:,} rows)")
        print(f"(b) validated load (load.load_files): {ours:6.2f} s  {ours_cpu:6.2f} s  "
              f"({loaded:,} rows; ok={report.ok})")
        print("    the same load phase by phase (no overlap):")
        for name, (secs, cpu) in phases.items():
            print(f"      {name:<52} {secs:6.2f} s  {cpu:6.2f} s")
        print(f"        of which rebuilding the materialized models (data_models.db.refresh_models): ~{refresh:.2f} s")
        print(f"ratio (b) / (a): {ours / raw:.2f}x wall, {ours_cpu / raw_cpu:.2f}x cpu  (target <= 2x)")
        if not report.ok:
            print("\n".join(report.messages()[:10]))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
