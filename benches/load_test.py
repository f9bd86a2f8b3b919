"""Load test: 50 concurrent dashboard sessions while an analyst loads a file through the Upload page.

    .venv/bin/python benches/load_test.py [--sessions 50] [--rounds 2] [--think 3,10] [--ramp 10]
                                          [--db PATH] [--time-limit 600]

Starts the app (the `make run` command) on a free port on 127.0.0.1 against the demo database (built with
`cli.py sample --from-files sample_data/demo` unless --db is given), then runs, at the same time:

- N viewer sessions, each a small websocket client speaking Streamlit's own protocol (what the browser sends:
  a rerun request per page), opening every viewer page in turn, `--rounds` times. Sessions join over the first
  `--ramp` seconds and read each page for a think time drawn uniformly from `--think` (seconds, seeded), as
  people do; `--think 0` fires the next page at once (a saturation test, not a model of viewers). A page's
  time is from the request to Streamlit's "script finished"; an error is an exception element on the page, a
  compile error, a dropped connection or a page that does not finish within 120 s.
- One analyst in Debian's chromium who uploads the demo opportunities export, with every amount raised by
  $1,000.00, on the Upload page and confirms it, so the load commits through the app's own loader while the
  viewers read. (`cli.py load` cannot be used: the running app holds the database file, and DuckDB lets only
  one process open it for writing.)

Stale or half-loaded figures: every Overview view records its KPI cards (label and value). Views that finished
before the upload began give the "before" cards; views that started after the commit was confirmed must all
show one "after" set of cards, different from "before" (the upload raises new pipeline); any view showing
something else, or the old cards after the commit, is counted as an error.

The app runs in open demo mode, so every session has the same role (admin, as the analyst needs the Upload
page); the viewers' sessions open only viewer pages. Everything is bounded: the sessions, the rounds, and a
time limit after which the run stops and reports what it has. Results go to benches/results/load_test.json.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from decimal import Decimal

ROOT = pathlib.Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from pages import PAGE_TABLE, url_path  # noqa: E402
from pages.shared import auth  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

PAGE_TIMEOUT = 120.0
UPLOAD_ZIP = ROOT / "sample_data" / "demo" / "salesforce" / "data_export.zip"   # the Salesforce Data Export
UPLOAD_MEMBER = "Opportunity.csv"


RAISE = Decimal("1000.00")


def upload_file() -> dict:
    """The demo opportunities export, taken out of the Data Export zip, with every amount raised by RAISE, as
    playwright's file payload: loading it updates every opportunity, so the Overview's figures must change."""
    with zipfile.ZipFile(UPLOAD_ZIP) as z:
        rows = list(csv.reader(io.StringIO(z.read(UPLOAD_MEMBER).decode("utf-8-sig"))))
    amount = rows[0].index("Amount")
    for row in rows[1:]:
        if row[amount]:
            row[amount] = str(Decimal(row[amount]) + RAISE)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return {"name": UPLOAD_MEMBER, "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8")}


def build_demo_db(path: pathlib.Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    subprocess.run([sys.executable, "cli.py", "sample", "--db", str(path), "--from-files", "sample_data/demo"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def start_app(db: pathlib.Path, port: int, log: pathlib.Path) -> subprocess.Popen:
    env = dict(os.environ, MVD_DB=str(db), MVD_DEMO_ROLE="admin", HOME=str(log.parent))
    cmd = [sys.executable, "cli.py", "serve", "--server.port", str(port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--secrets.files", str(log.parent / "no-secrets.toml"),     # open demo mode whatever the checkout has
           # a checkout being edited must not reload modules under running sessions (as in the container: no edits)
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the app did not start:\n" + log.read_text(errors="replace"))


def _exceptions(msg) -> int:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return 0
    return int(msg.delta.new_element.WhichOneof("type") == "exception")


def _metric_card(msg) -> tuple[str, str] | None:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    return (element.metric.label, element.metric.body) if element.WhichOneof("type") == "metric" else None


async def viewer_session(base: str, pages: list[str], rounds: int, results: list, errors: list,
                         stop_at: float, think: tuple[float, float], delay: float, rng: random.Random,
                         cards_seen: list, load_done) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    await asyncio.sleep(delay)
    try:
        # no websocket-level pings, like the browser: a server busy with 50 script runs answers them late
        async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                      open_timeout=60, ping_interval=None, close_timeout=5) as ws:
            opened, done_rounds, after_load = 0, 0, False
            # `rounds` rounds, and on until this session has seen the Overview after the analyst's load ended
            while done_rounds < rounds or not after_load:
                done_rounds += 1
                for page in pages:
                    if time.monotonic() > stop_at:
                        return
                    if opened:
                        await asyncio.sleep(rng.uniform(*think))
                    opened += 1
                    back = BackMsg()
                    back.rerun_script.query_string = ""
                    back.rerun_script.page_name = page
                    started, started_at = time.perf_counter(), time.monotonic()
                    after_load = after_load or (not page and load_done())
                    await ws.send(back.SerializeToString())
                    exceptions, cards = 0, []
                    try:
                        while True:
                            raw = await asyncio.wait_for(ws.recv(), timeout=PAGE_TIMEOUT)
                            msg = ForwardMsg()
                            msg.ParseFromString(raw)
                            exceptions += _exceptions(msg)
                            card = _metric_card(msg)
                            if card and not page:
                                cards.append(card)
                            if msg.WhichOneof("type") == "script_finished":
                                status = msg.script_finished
                                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                                    continue
                                break
                    except asyncio.TimeoutError:
                        errors.append(f"{page or 'home'}: no answer within {PAGE_TIMEOUT:.0f} s")
                        return
                    elapsed = time.perf_counter() - started
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR or exceptions:
                        errors.append(f"{page or 'home'}: {exceptions} exception(s), status {status}")
                    results.append((page or "home", elapsed))
                    if not page:
                        cards_seen.append((started_at, time.monotonic(), tuple(cards)))
    except Exception as exc:  # a dropped or refused connection is an error of the run, not a crash of the bench
        errors.append(f"session: {exc.__class__.__name__}: {exc}")


def analyst_upload(base: str, report: dict, start: threading.Event, wait_s: float) -> None:
    """Upload and confirm one export on the Upload page, in a real browser, while the viewers read."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/upload", timeout=120000)
            page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=180000)
            start.wait(120)
            time.sleep(wait_s)                      # let the viewers see the figures before the load first
            report["began_at"] = time.monotonic()
            began = time.perf_counter()
            page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', upload_file())
            confirm = page.get_by_role("button", name="Confirm and load")
            confirm.wait_for(timeout=300000)
            report["validated_s"] = round(time.perf_counter() - began, 2)
            confirm.click()
            # the Upload page says "Loaded. ..." once the load committed, "Nothing was loaded. ..." otherwise
            page.wait_for_function(
                "() => /Loaded\\. |Nothing was loaded/.test(document.querySelector('[data-testid=\"stMain\"]').innerText)",
                timeout=300000)
            report["committed_s"] = round(time.perf_counter() - began, 2)
            report["committed_at"] = time.monotonic()
            text = page.inner_text('[data-testid="stMain"]')
            report["outcome"] = next(line for line in text.splitlines() if "Loaded. " in line or "Nothing was" in line)
            report["ok"] = "Loaded. " in report["outcome"]
            browser.close()
    except Exception as exc:
        report["error"] = f"{exc.__class__.__name__}: {str(exc)[:300]}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(times: list[tuple[str, float]]) -> dict:
    def stats(values):
        return {"n": len(values), "p50_s": round(statistics.median(values), 3),
                "p95_s": round(percentile(values, 0.95), 3), "max_s": round(max(values), 3)} if values else {"n": 0}
    by_page: dict[str, list[float]] = {}
    for page, seconds in times:
        by_page.setdefault(page, []).append(seconds)
    return {"all": stats([s for _, s in times]), "by_page": {p: stats(v) for p, v in by_page.items()}}


async def run_viewers(base: str, args, stop_at: float, started: threading.Event, load_done):
    pages = [url_path(script) if i else "" for i, (_, script, _, _) in enumerate(auth.visible_pages(PAGE_TABLE, "viewer"))]
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    cards: list = []
    rng = random.Random(20261125)
    started.set()
    await asyncio.gather(*(
        viewer_session(base, pages, args.rounds, results, errors, stop_at, args.think,
                       rng.uniform(0, args.ramp), random.Random(rng.random()), cards, load_done)
        for _ in range(args.sessions)))
    return pages, results, errors, cards


def check_figures(cards: list, analyst: dict) -> dict:
    """Overview KPI cards before the upload, after the commit, and in between: see the module docstring."""
    if "began_at" not in analyst or "committed_at" not in analyst:
        return {"checked": False, "why": "the analyst's upload did not run to its end"}
    before = {c for _, finished, c in cards if finished < analyst["began_at"]}
    after = {c for started, _, c in cards if started > analyst["committed_at"]}
    report = {"checked": True, "views": len(cards), "before_sets": len(before), "after_sets": len(after),
              "before": [list(x) for x in sorted(before)][:1], "after": [list(x) for x in sorted(after)][:1]}
    problems = []
    if len(before) != 1:
        problems.append(f"{len(before)} different sets of Overview figures before the upload (expected 1)")
    if len(after) != 1:
        problems.append(f"{len(after)} different sets of Overview figures after the commit (expected 1)")
    if before and after and before == after:
        problems.append("the Overview figures did not change after the commit (stale cache?)")
    allowed = before | after
    odd = [c for _, _, c in cards if c not in allowed]
    if odd:
        problems.append(f"{len(odd)} Overview view(s) showed figures that are neither before nor after the load")
    report["problems"] = problems
    return report


def _think(text: str) -> tuple[float, float]:
    parts = [float(x) for x in text.split(",")]
    low, high = (parts[0], parts[0]) if len(parts) == 1 else parts[:2]
    if not 0 <= low <= high <= 120:
        raise argparse.ArgumentTypeError("think time must be MIN,MAX seconds with 0 <= MIN <= MAX <= 120")
    return low, high


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="times each session opens every viewer page")
    parser.add_argument("--db", default=None, help="an existing database to copy (default: build the demo one)")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds after which sessions stop")
    parser.add_argument("--no-analyst", action="store_true", help="skip the analyst's upload")
    parser.add_argument("--think", type=_think, default=(3.0, 10.0),
                        help="seconds a viewer reads a page before the next one: MIN,MAX (uniform) or 0")
    parser.add_argument("--ramp", type=float, default=10.0, help="sessions join over this many seconds")
    parser.add_argument("--analyst-wait", type=float, default=20.0,
                        help="seconds the analyst waits after the viewers start before uploading")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200:
        parser.error("--sessions must be between 1 and 200")

    out_dir = ROOT / "benches" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "load_test.duckdb"
    if args.db:
        import shutil
        shutil.copyfile(args.db, db)
    else:
        print("building the demo database ...", flush=True)
        build_demo_db(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_app(db, port, out_dir / "load_test_app.log")
    try:
        analyst: dict = {}
        started = threading.Event()
        worker = None
        if not args.no_analyst:
            worker = threading.Thread(target=analyst_upload, args=(base, analyst, started, args.analyst_wait),
                                      daemon=True)
            worker.start()
        began = time.perf_counter()
        stop_at = time.monotonic() + args.time_limit
        def load_done() -> bool:     # the analyst's upload ended (committed, refused or failed), or there is none
            return worker is None or not worker.is_alive()
        pages, times, errors, cards = asyncio.run(run_viewers(base, args, stop_at, started, load_done))
        wall = time.perf_counter() - began
        if worker:
            worker.join(timeout=max(0.0, stop_at - time.monotonic()) + 60)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    figures = check_figures(cards, analyst) if worker else {"checked": False, "why": "--no-analyst"}
    errors += figures.get("problems", [])
    for key in ("began_at", "committed_at"):
        analyst.pop(key, None)
    report = {
        "sessions": args.sessions, "rounds": args.rounds, "think_s": list(args.think), "ramp_s": args.ramp, "pages": [p or "home" for p in pages],
        "page_views": len(times), "expected_page_views_at_least": args.sessions * args.rounds * len(pages),
        "errors": len(errors), "error_samples": sorted(set(errors))[:10], "wall_s": round(wall, 1),
        "page_time": summarise(times), "analyst_upload": analyst or "skipped", "figures": figures,
        "cpus": os.cpu_count(),
    }
    (out_dir / "load_test.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0 if not errors and report["page_views"] >= report["expected_page_views_at_least"] else 1


if __name__ == "__main__":
    sys.exit(main())
