"""Peak memory of one large upload, stage by stage (issue 7: large files).

    python benches/bench_upload_memory.py [--rows 300000]

Writes a Salesforce Opportunity export of --rows rows, then measures with tracemalloc (Python
objects and numpy/pandas buffers; pyarrow's and DuckDB's own allocators are not traced, so the
pyarrow pool's peak and the process's peak RSS growth are printed too):
  read     connectors.files.read_table (the in-memory reader: text cells of every column, for reference)
  stage    connectors.files.stage_text_table (what a large file gets: DuckDB reads it into staging)
  parse    connectors.parse.parse_file (read + canonical rows; large files are staged and built in batches)
  dry run  load_files(dry_run=True)   (what the Upload page's preview does)
  load     load_files()               (what "Confirm and load" does)
Each peak is also given in "copies" of the two frames the in-memory path holds: the text-cell
frame of the file and the canonical frame, measured with pandas' deep memory_usage.
"""
from __future__ import annotations

import argparse
import gc
import pathlib
import resource
import sys
import tempfile
import time
import tracemalloc

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def salesforce_opportunities(rows: int, seed: int = 11) -> bytes:
    rng = np.random.default_rng(seed)
    created = np.datetime64("2026-01-01") + rng.integers(0, 270, rows).astype("timedelta64[D]")
    close = created + rng.integers(10, 200, rows).astype("timedelta64[D]")
    stages = np.array(["Prospecting", "Qualification", "Proposal", "Closed Won", "Closed Lost"], dtype=object)
    stage = stages[rng.integers(0, len(stages), rows)]
    frame = pd.DataFrame({
        "Id": [f"006{i:012d}" for i in range(rows)],
        "Name": [f"Deal {i}" for i in range(rows)],
        "AccountId": [f"001{i % 5000:012d}" for i in range(rows)],
        "StageName": stage,
        "Amount": np.round(rng.uniform(500, 90_000, rows), 2),
        "CurrencyIsoCode": "USD",
        "CloseDate": np.datetime_as_string(close, unit="D"),
        "CreatedDate": np.char.add(np.datetime_as_string(created, unit="D").astype(str), "T09:00:00.000+0000"),
        "LeadSource": rng.choice(["Web", "Webinar", "Outbound", "Partner Referral", "Event"], rows),
        "IsWon": np.where(stage == "Closed Won", "true", "false"),
        "IsClosed": np.where(np.isin(stage, ["Closed Won", "Closed Lost"]), "true", "false"),
    })
    return frame.to_csv(index=False).encode()


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


class RssPeak:
    """The highest resident set size seen while the block runs (sampled every 20 ms), minus the start."""

    def __enter__(self):
        import threading

        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        self.growth = self.peak - self.start


def measure(label: str, fn):
    import pyarrow as pa

    gc.collect()
    pool = pa.default_memory_pool()
    tracemalloc.start()
    tracemalloc.reset_peak()
    t = time.perf_counter()
    with RssPeak() as rss:
        result = fn()
    seconds = time.perf_counter() - t
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<10} peak {peak / MB:8.1f} MB traced ({current / MB:6.1f} MB held after),"
          f" RSS +{rss.growth / MB:7.1f} MB at peak, {seconds:6.1f} s; pyarrow pool max so far"
          f" {pool.max_memory() / MB:7.1f} MB")
    return result, (peak, rss.growth)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=300_000)
    args = ap.parse_args(argv)

    from connectors import files, staging, suites
    from connectors.load import load_files
    from connectors.parse import parse_file
    from data_models import db

    data = salesforce_opportunities(args.rows)
    name = "Opportunity.csv"
    print(f"{args.rows:,} opportunities, {len(data) / MB:.1f} MB of CSV")
    suites._gx()  # GX's one-off import and context, kept out of the peaks

    print(f"(tracemalloc misses pyarrow-backed pandas strings and DuckDB; RSS growth is the better figure)")
    table, read_peak = measure("read", lambda: files.read_table(name, data))
    text_copy = table.frame.memory_usage(deep=True).sum()
    del table
    staged, stage_peak = measure("stage", lambda: files.stage_text_table(name, data))
    print("           " + (f"staged in DuckDB: {staged.row_count:,} rows" if staged else "not staged (small file)"))
    del staged
    parsed, parse_peak = measure("parse", lambda: parse_file(name, data))
    print(f"           staged: {parsed[0].staged is not None}; batches of {staging.BATCH_ROWS:,} rows")
    canonical_copy = parsed[0].frame.memory_usage(deep=True).sum()   # builds the whole frame, after measuring
    del parsed
    print(f"one copy: text cells {text_copy / MB:.1f} MB, canonical frame {canonical_copy / MB:.1f} MB, "
          f"raw bytes {len(data) / MB:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(pathlib.Path(tmp) / "bench.duckdb")
        preview, dry_peak = measure("dry run", lambda: load_files(con, [(name, data)], user="bench", dry_run=True))
        assert preview.ok, preview.summary()
        held = sum(f.parsed.frame.memory_usage(deep=True).sum() for f in preview.files
                   if f.parsed is not None and f.parsed.staged is None)
        print(f"           the preview report keeps {held / MB:.1f} MB of pandas frames"
              f" (staged rows stay in their staging database)")
        del preview
        report, load_peak = measure("load", lambda: load_files(con, [(name, data)], user="bench"))
        assert report.ok, report.summary()
        print(report.summary())
        con.close()

    unit = text_copy + canonical_copy
    print("peaks in copies of (text cells + canonical frame); traced = Python and pandas/numpy heap,"
          " RSS = the whole process (pyarrow pool, DuckDB staging and database included)")
    for label, (traced, rss) in (("read", read_peak), ("stage", stage_peak), ("parse", parse_peak),
                                 ("dry run", dry_peak), ("load", load_peak)):
        print(f"{label:<10} traced {traced / unit:.2f} x, RSS growth {rss / unit:.2f} x,"
              f" larger of the two {max(traced, rss) / unit:.1f} x ({max(traced, rss) / len(data):.1f} x the CSV)")
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
