"""Command line: build the demo database, load exports, run attribution, export the board deck.

    python cli.py sample --db demo.duckdb [--scale 1] [--seed 42] [--as-of 2026-11-20]
    python cli.py load FILE... --db PATH [--kind KIND] [--user NAME]
    python cli.py attribute --journeys FILE --model markov --format json
    python cli.py attribute --db PATH --model w_shaped [--start ... --end ...]
    python cli.py deck --db PATH --out deck.pptx [--pdf]
    python cli.py serve [STREAMLIT OPTIONS...]

Each subcommand's work lives in the module that owns it; this file only parses arguments.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import pathlib
import sys

from data_models.params import ATTRIBUTION_MODELS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="generate demo exports and load them into a database")
    sample.add_argument("--db", required=True, help="DuckDB file to write")
    sample.add_argument("--scale", type=float, default=1.0, help="1 = ~3,000 accounts, 5,000 opportunities")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument("--as-of", type=_date, default=None, help="last day of the generated history")
    sample.add_argument("--out", default=None, help="also keep the generated export files in this folder")
    sample.add_argument("--from-files", default=None,
                        help="load these already generated export files (a folder) instead of generating")

    load = sub.add_parser("load", help="validate and load export files as one unit")
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument("--db", required=True)
    load.add_argument("--kind", default=None, help="force the export kind, e.g. crm.opportunities")
    load.add_argument("--user", default=None, help="who is loading (recorded in the load log)")

    attribute = sub.add_parser("attribute", help="credit per channel under an attribution model")
    source = attribute.add_mutually_exclusive_group(required=True)
    source.add_argument("--journeys", help="aggregated journeys CSV: path, total_conversions, total_conversion_value, total_null")
    source.add_argument("--db", help="use the touchpoints loaded in this database")
    attribute.add_argument("--model", default="linear", choices=ATTRIBUTION_MODELS)
    attribute.add_argument("--format", default="table", choices=("table", "json", "csv"))
    attribute.add_argument("--half-life", type=float, default=7.0, help="time decay half-life in days")
    attribute.add_argument("--weights", default=None, help="custom weights first,lead,opportunity,won,rest e.g. 30,20,20,20,10")
    attribute.add_argument("--by", default="channel", choices=("channel", "campaign", "asset"))
    attribute.add_argument("--start", type=_date, default=None)
    attribute.add_argument("--end", type=_date, default=None)
    attribute.add_argument("--lookback", type=int, default=90)

    deck = sub.add_parser("deck", help="export the board deck")
    deck.add_argument("--db", required=True)
    deck.add_argument("--out", required=True, help="PPTX file to write")
    deck.add_argument("--pdf", action="store_true", help="also write a PDF beside it (needs LibreOffice)")
    deck.add_argument("--period", default=None, help="e.g. 2026-Q3, 2026, or 2026-07-01:2026-09-30")
    deck.add_argument("--company", default=None)

    # every argument after `serve` goes to streamlit (e.g. --server.port 8501); main() routes it before parsing
    sub.add_parser("serve", help="start the dashboard: streamlit run app.py with the streamlit options that follow")
    return parser


def serve(options: list[str]) -> int:
    """Run the Streamlit server on app.py.

    app.py declares its pages with st.navigation and keeps their scripts under pages/. On the first
    run of a fresh process Streamlit would still treat that folder as legacy auto-discovered pages,
    so a shared deep link opened first after a restart showed "Page not found"; deciding it before
    the server starts avoids that.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    PagesManager.uses_pages_directory = False
    _preload()
    sys.argv = ["streamlit", "run", str(pathlib.Path(__file__).with_name("app.py")), *options]
    return streamlit_cli.main()


def _switched_off(variable: str) -> bool:
    """An on-by-default switch of the served app (README, "Configuration") set to off in the environment."""
    return os.environ.get(variable, "on").lower() in ("0", "off", "false", "no")


def _preload() -> None:
    """Import what every page needs, and let plotly build its trace validators once, while the server
    starts: otherwise the first visitor after a restart waits for about a second of imports. Then start
    the cache warm-up (pages/shared/warmup.py) of the dashboard's default view."""
    import plotly.graph_objects as go
    import plotly.io
    import pyarrow as pa
    import streamlit.emojis  # noqa: F401 - read when the page config's icon is checked
    import streamlit.material_icon_names  # noqa: F401 - the navigation's icons
    from streamlit import delta_generator

    import data_models.attribution  # noqa: F401
    import data_models.content  # noqa: F401
    import data_models.export  # noqa: F401
    import data_models.metrics  # noqa: F401
    import data_models.page_figures  # noqa: F401
    import data_models.roi  # noqa: F401
    import data_models.settings  # noqa: F401
    import pages.shared.auth  # noqa: F401
    import pages.shared.charts  # noqa: F401
    from pages.shared import ui

    # a chart with the parts the pages' charts use, so plotly loads their classes now
    fig = go.Figure([go.Bar(x=["a"], y=[1], marker={"color": "#000"}), go.Scatter(x=["a"], y=[1], line={"width": 1})])
    ui.figure_layout(fig, "warm-up").update_layout(annotations=[{"text": "a", "font": {"size": 9}}],
                                                  shapes=[{"type": "line", "line": {"width": 1}}])
    plotly.io.to_json(fig)
    pa.table({"a": [1]}).to_pandas()
    # Streamlit checks once per process, on the first element any page writes, whether it runs in a REPL (to
    # print a warning): a walk of the call stack reading every frame's source, ~0.2 s of the first visit. A
    # served app is never a REPL: count the check as done.
    delta_generator._use_warning_has_been_displayed = True
    # what is loaded now lives as long as the server: keep it out of every later garbage collection's scan
    gc.collect()
    gc.freeze()
    # the default view's figures, computed in the background once the server runs (and after every load)
    from pages.shared import warmup

    # a page's figures on two cores (each page's own run; not the start-up warm-up)
    warmup.enable_alongside(not _switched_off("MVD_ALONGSIDE"))
    if _switched_off("MVD_WARMUP"):
        warmup.open_database(ui.db_path())
        return   # benches measure a page's own cold run this way (benches/bench_pages.py)
    warmup.enable()
    warmup.start(ui.db_path(), wait_for_server=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "sample":
            from sample_data.generate import cli_sample
            return cli_sample(args)
        if args.command == "load":
            from connectors.load import cli_load
            return cli_load(args)
        if args.command == "attribute":
            from data_models.attribution import cli_attribute
            return cli_attribute(args)
        if args.command == "deck":
            from data_models.deck import cli_deck
            return cli_deck(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        print(f"error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
