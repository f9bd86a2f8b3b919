"""Time every metric on a large synthetic database, relative to plain scans in the same run.

    .venv/bin/python benches/bench_marts.py              # 100k opportunities, 10M touchpoints
    .venv/bin/python benches/bench_marts.py --scale 0.1  # a tenth of that, for a quick look

The data is generated with DuckDB's range() straight into the canonical tables (nothing is
read from disk), then the intermediate and mart models are materialized as tables with
data_models.db.refresh_models, as the loader does for every real database (--views skips that,
to see the cost of planning the chain of views on every query). --reuse DB times an existing
database instead (e.g. the one bench_pages builds with cli.py sample), for its last complete quarter.
Each metric is run `--repeat` times and the best time is printed, with its ratio to two
baselines: `select sum(amount) from opportunities` and a full scan of touchpoints.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from data_models import attribution, buyers, content, db, deck, funnel, headlines, metrics, roi  # noqa: E402
from data_models.params import Params  # noqa: E402
from data_models.periods import data_as_of  # noqa: E402

GENERATE = [
    # 1 account per 5 opportunities, 10 contacts per account
    """insert into accounts (account_id, name, segment, region)
       select 'A' || i, 'Account ' || i,
              case i % 3 when 0 then 'SMB' when 1 then 'Mid-Market' else 'Enterprise' end,
              case i % 4 when 0 then 'North America' when 1 then 'EMEA' when 2 then 'APAC' else 'LATAM' end
       from range(?) t(i)""",
    """insert into contacts (contact_id, account_id, record_type, persona, lead_source, created_at, mql_at, sal_at)
       select 'C' || i, 'A' || (i % ?), 'contact',
              case i % 5 when 0 then 'Marketing' when 1 then 'IT/Engineering' when 2 then 'Finance'
                         when 3 then 'Executive' else 'Operations' end,
              case i % 6 when 0 then 'Webinar' when 1 then 'Cold Call' when 2 then 'Partner'
                         when 3 then 'Organic Search' when 4 then 'Paid Search' else null end,
              timestamp '2023-01-01' + to_days(cast(i % 900 as integer)),
              case when i % 3 = 0 then timestamp '2023-01-01' + to_days(cast(i % 900 + 10 as integer)) end,
              case when i % 6 = 0 then timestamp '2023-01-01' + to_days(cast(i % 900 + 20 as integer)) end
       from range(?) t(i)""",
    """insert into opportunities (opportunity_id, account_id, amount, created_date, close_date, is_closed, is_won,
                                  first_meeting_date, lead_source, stage)
       select 'O' || i, 'A' || (i % ?), cast(1000 + (i * 7919) % 90000 + (i % 100) / 100.0 as decimal(18, 2)),
              date '2023-06-01' + cast(i % 700 as integer),
              case when i % 4 <> 0 then date '2023-06-01' + cast(i % 700 + 20 + i % 90 as integer) end,
              i % 4 <> 0, i % 4 = 1,
              case when i % 2 = 0 then date '2023-06-01' + cast(i % 700 + 7 as integer) end,
              case i % 5 when 0 then 'Webinar' when 1 then 'Cold Call' when 2 then 'Partner' else null end,
              'Stage'
       from range(?) t(i)""",
    # every 10th deal has no contact roles (account fallback); the others one to three contacts of the account
    """insert into opportunity_contact_roles (opportunity_id, contact_id, role, is_primary)
       select 'O' || i, 'C' || ((i % ?) + ? * k), 'Member', k = 0
       from range(?) t(i), range(3) r(k)
       where i % 10 <> 0 and k <= i % 3""",
    """insert into content_assets (asset_id, url, title, asset_type)
       select 'AS' || i, 'example.com/content/' || i, 'Asset ' || i,
              case i % 4 when 0 then 'blog' when 1 then 'guide' when 2 then 'case_study' else 'webinar' end
       from range(200) t(i)""",
    """insert into touchpoints (touchpoint_id, contact_id, occurred_at, channel, touch_type, asset_id)
       select 'T' || i, 'C' || (i % ?),
              timestamp '2023-01-01' + to_seconds(cast((i * 2654435761) % (900 * 86400) as bigint)),
              case i % 8 when 0 then 'paid_search' when 1 then 'paid_social' when 2 then 'webinar'
                         when 3 then 'content' when 4 then 'email' when 5 then 'event'
                         when 6 then 'sales_outbound' else 'partner' end,
              case when i % 8 = 3 then 'content_view' else 'event' end,
              case when i % 8 = 3 then 'AS' || (i % 200) end
       from range(?) t(i)""",
]


def build(con, scale: float) -> dict[str, int]:
    opps = int(100_000 * scale)
    accounts = max(1, opps // 5)
    contacts = accounts * 10
    touches = int(10_000_000 * scale)
    args = [
        [accounts],
        [accounts, contacts],
        [accounts, opps],
        [accounts, accounts, opps],
        [],
        [contacts, touches],
    ]
    for sql, a in zip(GENERATE, args):
        con.execute(sql, a)
    return {"opportunities": opps, "accounts": accounts, "contacts": contacts, "touchpoints": touches}


def best_time(fn, repeat: int) -> float:
    return best_times(fn, repeat)[0]


def best_times(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds (all threads of this process) of `repeat` runs.

    On a shared machine the CPU time is the steadier figure: it does not grow when other
    processes take the cores, while the wall-clock time does."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu


def shared_loads(*fns):
    """Run fns as a page does: every attribution-based figure of one filter set shares one load of the
    deal touches (pages/shared/ui.py installs a process-wide cache the same way). A new cache per run."""
    def run():
        cache = {}

        def loader(c, params, basis):
            key = (basis, params.start, params.end, params.segment, params.region, params.lookback_days, params.today)
            if key not in cache:
                cache[key] = attribution.load_deal_touches(c, params, basis)
            return cache[key]

        with attribution.shared_loads(loader):
            for fn in fns:
                fn()
    return run


def in_turn(*fns):
    def run():
        for fn in fns:
            fn()
    return run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 100k opportunities, 10M touchpoints")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--db", default=":memory:", help="database file (default in memory)")
    ap.add_argument("--views", action="store_true", help="keep the models as views (do not materialize)")
    ap.add_argument("--reuse", default=None, metavar="DB", help="time this existing database; generate nothing")
    args = ap.parse_args(argv)

    if args.reuse:
        con = db.connect(args.reuse)  # rebuilds the tables only if the model SQL changed
        as_of = data_as_of(con)
        start, end = deck.last_complete_quarter(as_of)
        p = Params(start=start, end=end, as_of=as_of, model="linear")
        sizes = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("opportunities", "int_touchpoints", "int_touchpoints_by_opportunity")}
        print(f"reusing {args.reuse}: {sizes}, materialized={db.is_materialized(con)}, period {start}..{end}")
    else:
        path = pathlib.Path(args.db)
        if args.db != ":memory:" and path.exists():  # a generated file is rebuilt, never appended to
            path.unlink()
            pathlib.Path(args.db + ".wal").unlink(missing_ok=True)
        con = db.connect(args.db)
        t0 = time.perf_counter()
        sizes = build(con, args.scale)
        print(f"generated {sizes} in {time.perf_counter() - t0:.1f}s")
        if not args.views:
            t0 = time.perf_counter()
            con.execute("begin transaction")
            db.refresh_models(con)
            con.execute("commit")
            rows = con.execute("select count(*) from int_touchpoints_by_opportunity").fetchone()[0]
            print(f"materialized the models in {time.perf_counter() - t0:.1f}s "
                  f"(int_touchpoints_by_opportunity: {rows:,} rows)")
        p = Params(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31), as_of=dt.date(2024, 3, 31), model="linear")

    p_first = dataclasses.replace(p, sourced_definition="first_touch")
    base_opps, base_opps_cpu = best_times(lambda: con.execute("select sum(amount) from opportunities").fetchall(), args.repeat)
    base_touch, base_touch_cpu = best_times(
        lambda: con.execute("select count(*), count(distinct contact_id), max(occurred_at) from int_touchpoints").fetchall(),
        args.repeat)
    print(f"baseline sum(amount) over opportunities: {base_opps * 1000:.1f} ms (cpu {base_opps_cpu * 1000:.1f} ms)")
    print(f"baseline full scan of int_touchpoints:   {base_touch * 1000:.1f} ms (cpu {base_touch_cpu * 1000:.1f} ms)")

    cases = {
        "pipeline by quarter": lambda: metrics.pipeline(con, p),
        "pipeline by month x segment": lambda: metrics.pipeline(con, p, by=("period", "segment"), grain="month"),
        "revenue by quarter": lambda: metrics.revenue(con, p),
        "sourced (lead source)": lambda: metrics.sourced_pipeline(con, p),
        "sourced (first touch) by month": lambda: metrics.sourced_pipeline(con, p_first, grain="month"),
        "reconciliation": lambda: metrics.reconciliation(con, p),
        "influenced": lambda: metrics.influenced_pipeline(con, p),
        "influenced by channel (linear)": lambda: metrics.influenced_by_channel(con, p, model="linear"),
        "velocity": lambda: metrics.velocity(con, p),
        "content assisted vs not": lambda: content.assisted_comparison(con, p),
        "content top assets": lambda: content.top_assets(con, p),
        "content depth": lambda: content.content_depth(con, p),
        "journey before meeting": lambda: content.journey_before_meeting(con, p),
        "lead funnel": lambda: funnel.lead_funnel(con, p),
        "funnel by source": lambda: funnel.funnel_by_source(con, p),
        "roi by channel": lambda: roi.roi_by_channel(con, p),
        "buyers by persona": lambda: buyers.by_persona(con, p),
        "headlines (3)": lambda: headlines.headlines(con, p),
        "attribution credit (w-shaped)": lambda: attribution.credit(con, p, model="w_shaped"),
        "attribution compare models": lambda: attribution.compare_models(con, p),
        "attribution markov details": lambda: attribution.markov_details(con, p),
        "roi summary": lambda: roi.roi_summary(con, p),
        "roi by campaign": lambda: roi.roi_by_campaign(con, p),
    }
    # what one page needs, first each figure loading for itself (as before issue 6), then sharing one load
    attribution_page = (
        lambda: attribution.credit(con, p, model="w_shaped"),
        lambda: attribution.compare_models(con, p, by="channel"),
        lambda: attribution.compare_models(con, p, by="campaign"),
        lambda: attribution.markov_details(con, p),
        lambda: attribution.shapley_details(con, p),
    )
    roi_page = (lambda: roi.roi_summary(con, p), lambda: roi.roi_by_channel(con, p), lambda: roi.roi_by_campaign(con, p))
    cases |= {
        "Attribution page, separate loads": in_turn(*attribution_page),
        "Attribution page, one shared load": shared_loads(*attribution_page),
        "ROI page, separate loads": in_turn(*roi_page),
        "ROI page, shared loads": shared_loads(*roi_page),
    }
    print(f"\n{'metric':34} {'best ms':>10} {'x sum(amount)':>14} {'x touch scan':>13} {'cpu ms':>10} {'cpu x scan':>11}")
    times = {}
    for name, fn in cases.items():
        t, c = best_times(fn, args.repeat)
        times[name] = t
        print(f"{name:34} {t * 1000:10.1f} {t / base_opps:14.1f} {t / base_touch:13.2f} {c * 1000:10.1f} "
              f"{c / base_touch_cpu:11.2f}", flush=True)
    slowest = sorted(times, key=times.get, reverse=True)[:3]
    print("slowest: " + "; ".join(f"{n} {times[n]:.2f} s ({times[n] / base_touch:.1f}x touch scan)" for n in slowest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
