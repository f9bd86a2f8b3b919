"""Load test: 50 concurrent dashboard sessions while an analyst loads a file through the Upload page.

    .venv/bin/python benches/load_test.py [--sessions 50] [--rounds 2] [--db PATH] [--time-limit 600]

Starts the app (the `make run` command) on a free port on 127.0.0.1 against the demo database (built with
`cli.py sample --from-files sample_data/demo` unless --db is given), then runs, at the same time:

- N viewer sessions, each a small websocket client speaking Streamlit's own protocol (what the browser sends:
  a rerun request per page), opening every viewer page in turn, `--rounds` times. A page's time is from the
  request to Streamlit's "script finished"; an error is an exception element on the page, a compile error, a
  dropped connection or a page that does not finish within 120 s.
- One analyst in Debian's chromium who uploads the demo opportunities export on the Upload page and confirms
  it, so the load commits through the app's own loader while the viewers read. (`cli.py load` cannot be used:
  the running app holds the database file, and DuckDB lets only one process open it for writing.)

The app runs in open demo mode, so every session has the same role (admin, as the analyst needs the Upload
page); the viewers' sessions open only viewer pages. Everything is bounded: the sessions, the rounds, and a
time limit after which the run stops and reports what it has. Results go to benches/results/load_test.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import pathlib
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile

ROOT = pathlib.Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from pages import PAGE_TABLE, url_path  # noqa: E402
from pages.shared import auth  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

PAGE_TIMEOUT = 120.0
UPLOAD_ZIP = ROOT / "sample_data" / "demo" / "salesforce" / "data_export.zip"   # the Salesforce Data Export
UPLOAD_MEMBER = "Opportunity.csv"


def upload_file() -> dict:
    """The demo opportunities export, taken out of the Data Export zip, as playwright's file payload."""
    with zipfile.ZipFile(UPLOAD_ZIP) as z:
        return {"name": UPLOAD_MEMBER, "mimeType": "text/csv", "buffer": z.read(UPLOAD_MEMBER)}


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


async def viewer_session(base: str, pages: list[str], rounds: int, results: list, errors: list,
                         stop_at: float) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    try:
        # no websocket-level pings, like the browser: a server busy with 50 script runs answers them late
        async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                      open_timeout=60, ping_interval=None, close_timeout=5) as ws:
            for _ in range(rounds):
                for page in pages:
                    if time.monotonic() > stop_at:
                        return
                    back = BackMsg()
                    back.rerun_script.query_string = ""
                    back.rerun_script.page_name = page
                    started = time.perf_counter()
                    await ws.send(back.SerializeToString())
                    exceptions = 0
                    try:
                        while True:
                            raw = await asyncio.wait_for(ws.recv(), timeout=PAGE_TIMEOUT)
                            msg = ForwardMsg()
                            msg.ParseFromString(raw)
                            exceptions += _exceptions(msg)
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
    except Exception as exc:  # a dropped or refused connection is an error of the run, not a crash of the bench
        errors.append(f"session: {exc.__class__.__name__}: {exc}")


def analyst_upload(base: str, report: dict, start: threading.Event) -> None:
    """Upload and confirm one export on the Upload page, in a real browser, while the viewers read."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/upload", timeout=120000)
            page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=180000)
            start.wait(120)
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


async def run_viewers(base: str, sessions: int, rounds: int, stop_at: float, started: threading.Event):
    pages = [url_path(script) if i else "" for i, (_, script, _, _) in enumerate(auth.visible_pages(PAGE_TABLE, "viewer"))]
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    started.set()
    await asyncio.gather(*(viewer_session(base, pages, rounds, results, errors, stop_at) for _ in range(sessions)))
    return pages, results, errors


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="times each session opens every viewer page")
    parser.add_argument("--db", default=None, help="an existing database to copy (default: build the demo one)")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds after which sessions stop")
    parser.add_argument("--no-analyst", action="store_true", help="skip the analyst's upload")
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
            worker = threading.Thread(target=analyst_upload, args=(base, analyst, started), daemon=True)
            worker.start()
        began = time.perf_counter()
        stop_at = time.monotonic() + args.time_limit
        pages, times, errors = asyncio.run(run_viewers(base, args.sessions, args.rounds, stop_at, started))
        wall = time.perf_counter() - began
        if worker:
            worker.join(timeout=max(0.0, stop_at - time.monotonic()) + 60)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    report = {
        "sessions": args.sessions, "rounds": args.rounds, "pages": [p or "home" for p in pages],
        "page_views": len(times), "expected_page_views": args.sessions * args.rounds * len(pages),
        "errors": len(errors), "error_samples": sorted(set(errors))[:10], "wall_s": round(wall, 1),
        "page_time": summarise(times), "analyst_upload": analyst or "skipped", "cpus": os.cpu_count(),
    }
    (out_dir / "load_test.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0 if not errors and report["page_views"] == report["expected_page_views"] else 1


if __name__ == "__main__":
    sys.exit(main())
