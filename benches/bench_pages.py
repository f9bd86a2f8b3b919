"""Render time of every page on a large generated company, cold and warm, in headless chromium.

    .venv/bin/python benches/bench_pages.py [--scale 20] [--warm 3] [--pages overview,pipeline]

The database is made by `cli.py sample --db ... --scale S` (generated exports loaded through the
real connectors, models materialized by the loader) and cached as benches/results/pages_s{S}.duckdb,
so a second run skips the build (--rebuild forces it).

For each page in pages.PAGE_TABLE:
  cold: a fresh `streamlit run` server, first visit of the page (nothing cached, modules not imported);
  warm: later visits of the same URL with the same filters on that server (best of --warm), once the
        server is idle (its start-up cache warm-up done); each is a full page load (the browser fetches
        and starts Streamlit's front end again);
  in-app: from the baseline page, a click on the page's link in the sidebar, as a viewer moves
        between pages (no page load: the front end asks the server for the new page over its
        websocket); best of --warm, on the warm server.
Render time = from navigation start until the script run has finished, the main area shows content,
every Plotly chart has drawn and nothing is loading (the browser's own clock). The baseline is the
trivial Templates page, measured the same way in the same run; each page is printed as a ratio of it.
Targets (issue 6): warm <= 1 s, cold <= 3 s per page (cold: the cold server, returning browser column).

  cold server, returning browser: then the server is stopped and a fresh one started on the same port
        with its start-up cache warm-up off (MVD_WARMUP=off), so none of the page's figures is cached, and
        the same browser (its HTTP cache holds Streamlit's and Plotly's JavaScript from the visits above)
        opens the page once the server is idle: a returning viewer after a restart or a data change who
        arrives before any figure is ready. This is the page's own cold path (its queries and figures on an
        empty cache) without the fixed cost of a browser that has never seen the app; issue 6's cold target
        (scale: 100k opportunities) is judged on it.

With --after-warmup, one more fresh server per page is left until its start-up cache warm-up of the
default view is done (the process idle), and a fresh browser's first visit is timed: "first-ever visit",
what a viewer whose browser has never loaded the app gets once the server has been up a few seconds
(it downloads and compiles ~10 MB of JavaScript: Streamlit's front end's fixed cost, reported apart).

Server CPU: the CPU seconds (all threads) the app's server process spent during each visit, read
from /proc: the cold figure includes the fresh process's first imports and whatever part of its
start-up cache warm-up (every dashboard page's default view) runs during the visit; the warm one
(median of the warm visits) is what one more viewer costs the server, which bounds how many
concurrent sessions one process serves (they share its GIL). Unlike wall-clock seconds it barely moves with the load
other processes put on the machine.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benches.common import RESULTS, machine  # noqa: E402
from pages import PAGE_TABLE, url_path  # noqa: E402

BASELINE_PAGE = "pages/analyst/templates.py"
WARM_TARGET_S, COLD_TARGET_S = 1.0, 3.0

# Set the first time the page is "done": script not running, content in the main area, no
# skeleton or spinner, every Plotly chart drawn. Reset whenever that stops being true, so a rerun
# that starts later moves the mark. Times are ms since navigation start (performance.now()).
IDLE_PROBE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const shown = document.querySelector(
        '[data-testid="stMain"] :is([data-testid="stHeading"], [data-testid="stAlert"], [data-testid="stException"], h1)');
    const busy = document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const drawn = charts.every(c => c.querySelector('.main-svg'));
    const done = state === 'notRunning' && shown && !busy && drawn;
    const now = performance.now();
    if (!done) { window.__benchDoneAt = null; return false; }
    if (window.__benchDoneAt == null) window.__benchDoneAt = now;
    return now - window.__benchDoneAt > %d;
}"""


def build_db(path: pathlib.Path, scale: float, seed: int) -> float:
    """Generate and load a company of this scale into path (atomically: a partial build is never cached)."""
    tmp = path.with_suffix(".building.duckdb")
    for f in (tmp, pathlib.Path(str(tmp) + ".wal")):
        f.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "sample", "--db", str(tmp), "--scale", str(scale),
                           "--seed", str(seed)], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"cli.py sample failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    print(f"  {first}")
    shutil.move(str(tmp), str(path))
    if pathlib.Path(str(tmp) + ".wal").exists():
        shutil.move(str(tmp) + ".wal", str(path) + ".wal")
    return elapsed


def prepare(path: pathlib.Path) -> dict[str, int]:
    """Open once for writing so any model rebuild (changed SQL) happens here, not in the first page visit."""
    from data_models import db

    t0 = time.perf_counter()
    con = db.connect(path)
    materialized = db.is_materialized(con)
    if not materialized:
        con.execute("begin transaction")
        db.refresh_models(con)
        con.execute("commit")
    con.execute("checkpoint")
    sizes = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in (
        "accounts", "contacts", "opportunities", "web_events", "campaign_members", "touchpoints",
        "int_touchpoints", "int_touchpoints_by_opportunity")}
    con.close()
    took = time.perf_counter() - t0
    if took > 2 or not materialized:
        print(f"  opened and (re)materialized the models in {took:.1f} s")
    return sizes


def page_url(base: str, script: str) -> str:
    """The page's address: the default (first) page is served at the root; its own path shows "Page not found"."""
    return f"{base}/" if script == PAGE_TABLE[0][1] else f"{base}/{url_path(script)}"


def browser_cpu() -> float:
    """CPU seconds so far of every chromium process this bench started (the browser, its renderer, GPU and
    utility processes): the browser's side of a visit, which like the server's CPU moves far less with the
    machine's load than wall-clock seconds do. Processes that ended are not counted (none end mid-visit)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        names[int(entry.name)] = name
        children.setdefault(int(rest[1]), []).append(int(entry.name))
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if "chrom" in names.get(pid, ""):
            try:
                total += cpu_seconds(pid)
            except OSError:
                pass
    return total


def render(page, url: str, settle_ms: int, timeout_ms: int) -> float:
    """Seconds from navigation start to done (see IDLE_PROBE), for one visit of url."""
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(IDLE_PROBE % settle_ms, timeout=timeout_ms, polling=20)
    return page.evaluate("() => window.__benchDoneAt") / 1000


def render_in_app(page, base: str, script: str, settle_ms: int, timeout_ms: int) -> float:
    """Seconds from a click on script's sidebar link (on the baseline page) until done, on the browser's clock."""
    page.goto(f"{base}/{url_path(BASELINE_PAGE)}", wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(IDLE_PROBE % settle_ms, timeout=timeout_ms, polling=20)
    before = page.inner_text('[data-testid="stMain"] h1')
    # by its label: the default page's link ends in "/", not in its path
    title = next(t for _, s, t, _ in PAGE_TABLE if s == script)
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    started = page.evaluate("() => { window.__benchDoneAt = null; return performance.now(); }")
    link.click()
    # done as for a page load, and the main area's title is no longer the baseline page's
    page.wait_for_function(
        "(before) => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
        " return h && h.innerText !== before && (" + IDLE_PROBE % settle_ms + ")(); }",
        arg=before, timeout=timeout_ms, polling=20)
    return (page.evaluate("() => window.__benchDoneAt") - started) / 1000


def server_pid(base: str) -> int | None:
    """The pid of the `cli.py serve` process listening on base's port (tests/browser.py does not expose it)."""
    port = base.rsplit(":", 1)[1].encode()
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and b"--server.port" in args and args[args.index(b"--server.port") + 1:][:1] == [port]:
            return int(entry.name)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process so far (all its threads), from /proc/<pid>/stat."""
    if pid is None:
        return float("nan")
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_server_idle(pid: int | None, quiet_s: float = 1.0, timeout_s: float = 120.0) -> float:
    """Seconds until the server process has used under 5% of a core for `quiet_s` (its start-up cache
    warm-up is done), polled every quarter second."""
    t0 = time.monotonic()
    window: list[tuple[float, float]] = []
    while time.monotonic() - t0 < timeout_s:
        window.append((time.monotonic(), cpu_seconds(pid)))
        while window and window[-1][0] - window[0][0] > quiet_s:
            window.pop(0)
        if len(window) > 1 and window[-1][0] - window[0][0] >= quiet_s * 0.75 \
                and (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0]) < 0.05:
            return time.monotonic() - t0
        time.sleep(0.25)
    return time.monotonic() - t0


def measure_after_warmup(script: str, db_path: pathlib.Path, settle_ms: int, timeout_ms: int) -> tuple[float, float, float]:
    """(render s, server cpu s, seconds waited): a fresh server left to finish its cache warm-up, then a
    fresh browser's first visit of the page: what the first viewer after a restart gets."""
    from tests.browser import browser_page, streamlit_server

    with streamlit_server(db_path, timeout=120) as base:
        pid = server_pid(base)
        waited = wait_until_server_idle(pid)
        with browser_page() as page:
            before = cpu_seconds(pid)
            took = render(page, page_url(base, script), settle_ms, timeout_ms)
            return took, cpu_seconds(pid) - before, waited


def measure_page(script: str, db_path: pathlib.Path, warm: int, settle_ms: int, timeout_ms: int,
                 after_warmup: bool = False) -> dict:
    from tests.browser import browser_page, free_port, page_errors, streamlit_server

    result = {"script": script, "cold": None, "warm": None, "cold_cpu": None, "warm_cpu": None, "in_app": None,
              "returning": None, "returning_cpu": None, "warmed_cold": None, "warmed_cold_cpu": None, "errors": []}
    port = free_port()   # both servers on one port: the browser's cache is per origin
    with browser_page() as page:
        with streamlit_server(db_path, timeout=120, port=port) as base:
            url = page_url(base, script)
            pid = server_pid(base)
            try:
                before = cpu_seconds(pid)
                result["cold"] = render(page, url, settle_ms, timeout_ms)
                result["cold_cpu"] = cpu_seconds(pid) - before
                result["errors"] = [e.splitlines()[0] for e in page_errors(page)]
                # the server's start-up cache warm-up may still run: warm visits measure one more viewer alone
                wait_until_server_idle(pid)
                times, cpus, browser = [], [], []
                for _ in range(warm):
                    before, browser_before = cpu_seconds(pid), browser_cpu()
                    times.append(render(page, url, settle_ms, timeout_ms))
                    cpus.append(cpu_seconds(pid) - before)
                    # less the settle time's idle polling, which is the same for every page
                    browser.append(browser_cpu() - browser_before)
                result["warm"] = min(times)
                result["warm_cpu"] = sorted(cpus)[len(cpus) // 2]
                result["warm_browser_cpu"] = sorted(browser)[len(browser) // 2]
                if script != BASELINE_PAGE:
                    result["in_app"] = min(render_in_app(page, base, script, settle_ms, timeout_ms) for _ in range(warm))
            except Exception as exc:  # a page that never settles is reported, not hidden
                result["errors"].append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        # a restart with nothing cached, visited by the browser that has the app's JavaScript in its cache
        try:
            with streamlit_server(db_path, timeout=120, port=port, env={"MVD_WARMUP": "off"}) as base:
                pid = server_pid(base)
                wait_until_server_idle(pid)
                before = cpu_seconds(pid)
                result["returning"] = render(page, page_url(base, script), settle_ms, timeout_ms)
                result["returning_cpu"] = cpu_seconds(pid) - before
        except Exception as exc:  # noqa: BLE001
            result["errors"].append(f"cold server: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    if after_warmup:
        try:
            result["warmed_cold"], result["warmed_cold_cpu"], result["waited"] = measure_after_warmup(
                script, db_path, settle_ms, timeout_ms)
        except Exception as exc:  # noqa: BLE001
            result["errors"].append(f"after warm-up: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=20.0,
                    help="cli.py sample scale; 1 = 5,000 opportunities, so 20 = 100k opportunities")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--db", default=None, help="use this database instead of the cached generated one")
    ap.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    ap.add_argument("--warm", type=int, default=3, help="warm visits per page (best is reported)")
    ap.add_argument("--pages", default=None, help="comma-separated url paths, e.g. overview,pipeline (default all)")
    ap.add_argument("--settle-ms", type=int, default=700, help="how long 'done' must hold before a visit counts")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per visit before it is reported as failed")
    ap.add_argument("--after-warmup", action="store_true",
                    help="also time a fresh browser's first visit on a fresh server left to finish its start-up "
                         "cache warm-up (one more server start per page)")
    args = ap.parse_args(argv)

    os.environ.setdefault("MVD_DEMO_ROLE", "admin")  # every page visible in open demo mode
    print(f"bench_pages: machine at start: {machine()}")
    if args.db:
        db_path = pathlib.Path(args.db)
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        db_path = RESULTS / f"pages_s{args.scale:g}.duckdb"
        if args.rebuild or not db_path.exists():
            print(f"  building {db_path.name} with cli.py sample --scale {args.scale:g} ...")
            took = build_db(db_path, args.scale, args.seed)
            print(f"  generated and loaded in {took:.0f} s")
        else:
            print(f"  reusing {db_path.relative_to(ROOT)} (--rebuild to regenerate)")
    sizes = prepare(db_path)
    print("  sizes: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))

    wanted = set(args.pages.split(",")) if args.pages else None
    scripts = [s for _, s, _, _ in PAGE_TABLE if wanted is None or url_path(s) in wanted or s == BASELINE_PAGE]
    scripts.sort(key=lambda s: s != BASELINE_PAGE)  # baseline first
    titles = {s: t for _, s, t, _ in PAGE_TABLE}
    timeout_ms = int(args.timeout * 1000)
    results = []
    for script in scripts:
        r = measure_page(script, db_path, args.warm, args.settle_ms, timeout_ms, args.after_warmup)
        results.append(r)
        shown = (f"cold {r['cold']:.2f} s (server cpu {r['cold_cpu']:.2f} s), warm {r['warm']:.2f} s "
                 f"(server cpu {r['warm_cpu']:.2f} s)" if r["cold"] is not None and r["warm"] is not None else "FAILED")
        if r["returning"] is not None:
            shown += (f", cold server + returning browser {r['returning']:.2f} s "
                      f"(server cpu {r['returning_cpu']:.2f} s)")
        if r["warmed_cold"] is not None:
            shown += (f", first-ever visit after the warm-up {r['warmed_cold']:.2f} s (server cpu {r['warmed_cold_cpu']:.2f} s,"
                      f" server idle {r['waited']:.1f} s after start)")
        print(f"  measured {titles[script]}: {shown}", flush=True)

    base = results[0]
    if base["cold"] is None or base["warm"] is None:
        print(f"baseline page {BASELINE_PAGE} did not render: {base['errors']}")
        return 1
    print(f"\nbaseline ({titles[BASELINE_PAGE]}): cold {base['cold']:.2f} s, warm {base['warm']:.2f} s")
    print("columns: cold = fresh server + fresh browser at once; warm = full page load, warm server and browser;\n"
          "in-app = sidebar click; cold srv = fresh server, nothing cached (no warm-up), returning browser (HTTP\n"
          "cache warm): the cold target; first-ever = fresh browser, server after its warm-up; cpu = server CPU s;\n"
          "browser = chromium's CPU s per warm page load (median; includes the 0.7 s settle's polling)")
    print(f"{'page':22} {'cold s':>7} {'x base':>7} {'warm s':>7} {'x base':>7} {'in-app s':>8} {'cpu cold':>8} "
          f"{'cpu warm':>8} {'browser':>7} {'cold srv s':>10} {'x base':>7} {'cpu':>5} {'first-ever s':>12} {'cpu':>5}"
          f"  targets (cold srv<={COLD_TARGET_S:g}s, warm<={WARM_TARGET_S:g}s)")
    failed = 0
    for r in results:
        title = titles[r["script"]]
        if r["cold"] is None or r["warm"] is None:
            failed += 1
            print(f"{title:22} FAILED: {'; '.join(r['errors'])}")
            continue
        verdict = []
        if r["returning"] is None or r["returning"] > COLD_TARGET_S:
            verdict.append("cold OVER")
        if r["warm"] > WARM_TARGET_S:
            verdict.append("warm OVER")
        note = ", ".join(verdict) or "ok"
        if r["errors"]:
            note += f"; page shows an error: {r['errors'][0][:80]}"
        in_app = f"{r['in_app']:8.2f}" if r["in_app"] is not None else f"{'-':>8}"
        returning = (f"{r['returning']:10.2f} {r['returning'] / base['returning']:6.1f}x {r['returning_cpu']:5.2f}"
                     if r["returning"] is not None and base["returning"] else f"{'-':>10} {'-':>7} {'-':>5}")
        warmed = (f"{r['warmed_cold']:12.2f} {r['warmed_cold_cpu']:5.2f}" if r["warmed_cold"] is not None
                  else f"{'-':>12} {'-':>5}")
        print(f"{title:22} {r['cold']:7.2f} {r['cold'] / base['cold']:6.1f}x {r['warm']:7.2f} "
              f"{r['warm'] / base['warm']:6.1f}x {in_app} {r['cold_cpu']:8.2f} {r['warm_cpu']:8.2f} "
              f"{r.get('warm_browser_cpu', float('nan')):7.2f} {returning} "
              f"{warmed}  {note}")
    print(f"bench_pages: machine at end: {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
