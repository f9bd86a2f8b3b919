"""Board deck build time on the demo database, against a baseline measured in the same run.

    python benches/bench_deck.py [--db data/demo.duckdb] [--repeat 3] [--pdf]

Baseline: the metric queries behind every slide alone (data_models.deck_slides builders,
no python-pptx). Full: build_deck, i.e. the same queries plus drawing the native charts and
saving the PPTX. Prints seconds (best of --repeat) and the ratio; target: full deck <= 5 s.
Without the demo database it falls back to the small test fixture and says so.
"""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data_models import db, deck, deck_slides  # noqa: E402
from data_models.params import Params  # noqa: E402
from data_models.periods import data_as_of  # noqa: E402

TARGET_S = 5.0


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "demo.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also time the LibreOffice PDF conversion")
    args = parser.parse_args(argv)

    path = pathlib.Path(args.db)
    tmp = None
    if not path.exists():
        from tests.test_deck_fixture import build_deck_db

        tmp = tempfile.TemporaryDirectory()
        path = pathlib.Path(tmp.name) / "fixture.duckdb"
        build_deck_db(path)
        print(f"bench_deck: {args.db} not found; using the small test fixture instead (run `make demo`)")
    con = db.connect(path, read_only=True)
    as_of = data_as_of(con) or dt.date.today()
    start, end = deck.last_complete_quarter(as_of)
    params = Params(start=start, end=end, as_of=as_of)

    def queries_only():
        ctx = deck_slides.Context(con, params, "Bench")
        return [deck_slides.BUILDERS[s](ctx) for s in deck.SLIDE_IDS]

    def full_deck():
        return deck.build_deck(con, params, company="Bench")

    full_deck()  # warm DuckDB's catalog and python imports once, for both measurements alike
    baseline, _ = best_of(args.repeat, queries_only)
    full, pptx = best_of(args.repeat, full_deck)
    opps = con.execute("select count(*) from opportunities").fetchone()[0]
    print(f"bench_deck: {path.name}, {opps:,} opportunities, period {start}..{end}, model {params.model}")
    print(f"  metric queries alone (baseline): {baseline:6.2f} s")
    print(f"  full deck build ({len(deck.SLIDE_IDS)} slides):    {full:6.2f} s  "
          f"ratio {full / baseline:.2f}x  {len(pptx) / 1024:,.0f} KB  target <= {TARGET_S:.0f} s: "
          f"{'ok' if full <= TARGET_S else 'OVER'}")
    if args.pdf:
        try:
            pdf_s, _ = best_of(1, lambda: deck.to_pdf(pptx))
            print(f"  PDF conversion (LibreOffice):     {pdf_s:6.2f} s")
        except deck.DeckError as exc:
            print(f"  PDF conversion skipped: {exc}")
    con.close()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
