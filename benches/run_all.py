"""Run every benchmark, each in its own process, and collect what they print.

    .venv/bin/python benches/run_all.py            # full size (make bench)
    .venv/bin/python benches/run_all.py --quick    # small sizes, a few minutes
    .venv/bin/python benches/run_all.py --only pages,marts

Each benches/bench_*.py runs as a subprocess with the arguments below (a bench found on disk
but not listed runs without arguments). Their output goes to benches/results/latest.md with a
summary table; a bench that fails or times out is listed as such with its exit code and the end
of its output, and run_all exits non-zero. Figures are each bench's own ratios against the
baseline it measures in the same run; see benches/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import re
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benches.common import RESULTS, machine  # noqa: E402

# name -> (full-size arguments, --quick arguments)
ARGS: dict[str, tuple[list[str], list[str]]] = {
    "attribution": (["--journeys", "1000000"], ["--journeys", "100000", "--markov-sample", "5000",
                                                 "--shapley-sample", "500"]),
    "load": (["--rows", "1000000"], ["--rows", "100000"]),
    "marts": (["--scale", "1", "--db", str(RESULTS / "marts_s1.duckdb")], ["--scale", "0.05"]),
    "deck": (["--repeat", "3"], ["--repeat", "1"]),
    "pages": (["--scale", "20", "--warm", "3"], ["--scale", "0.2", "--warm", "2"]),
}
ORDER = ["attribution", "load", "marts", "deck", "pages"]
# lines worth repeating in the summary: targets, ratios, baselines, failures
KEY_LINE = re.compile(r"ratio|target|baseline|slowest|materialized|x base|\bOVER\b|\bMISSED\b|FAILED|TIMED OUT")


def discover() -> list[str]:
    found = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "benches").glob("bench_*.py"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def run_one(name: str, quick: bool, timeout: float) -> dict:
    full, small = ARGS.get(name, ([], []))
    cmd = [sys.executable, str(ROOT / "benches" / f"bench_{name}.py"), *(small if quick else full)]
    print(f"\n=== bench_{name}: {' '.join(cmd[1:])}", flush=True)
    t0 = time.perf_counter()
    lines: list[str] = []
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)

    def pump():  # stream, so a long bench shows progress
        for line in proc.stdout:
            print(f"  {line}", end="", flush=True)
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout)
        status = "ok" if code == 0 else f"FAILED (exit {code})"
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child, by its handle
        proc.wait()
        code, status = -1, f"TIMED OUT after {timeout:.0f} s"
    reader.join(5)
    return {"name": name, "cmd": cmd, "status": status, "code": code, "seconds": time.perf_counter() - t0,
            "output": lines}


def key_lines(output: list[str], failed: bool) -> list[str]:
    if failed:
        return output[-6:]
    return [line.strip() for line in output if KEY_LINE.search(line)][:20]


def report(results: list[dict], quick: bool, before: str, after: str) -> str:
    out = [f"# Benchmarks ({'quick' if quick else 'full size'}), {dt.datetime.now():%Y-%m-%d %H:%M}", "",
           f"- machine at start: {before}", f"- machine at end: {after}", "",
           "| bench | status | wall time | key figures |", "|---|---|---|---|"]
    for r in results:
        figures = "<br>".join(line.replace("|", "/") for line in key_lines(r["output"], r["code"] != 0))
        out.append(f"| bench_{r['name']} | {r['status']} | {r['seconds']:.0f} s | {figures} |")
    for r in results:
        out += ["", f"## bench_{r['name']} ({r['status']}, {r['seconds']:.0f} s)", "",
                f"`{' '.join(pathlib.Path(c).name if i < 2 else c for i, c in enumerate(r['cmd']))}`", "", "```",
                *r["output"], "```"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (minutes, not the issue's scale)")
    ap.add_argument("--only", default=None, help="comma-separated bench names, e.g. pages,marts")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per bench before it is stopped")
    ap.add_argument("--out", default=str(RESULTS / "latest.md"))
    args = ap.parse_args(argv)

    names = discover()
    if args.only:
        wanted = args.only.split(",")
        unknown = [n for n in wanted if n not in names]
        if unknown:
            print(f"unknown bench: {', '.join(unknown)}; have {', '.join(names)}")
            return 2
        names = [n for n in names if n in wanted]
    RESULTS.mkdir(parents=True, exist_ok=True)
    before = machine()
    print(f"run_all: {len(names)} benches ({'quick' if args.quick else 'full size'}); {before}")
    results = [run_one(n, args.quick, args.timeout) for n in names]
    after = machine()
    text = report(results, args.quick, before, after)
    out = pathlib.Path(args.out)
    out.write_text(text)

    print(f"\n{'bench':20} {'status':28} {'wall':>8}")
    for r in results:
        print(f"bench_{r['name']:14} {r['status']:28} {r['seconds']:7.0f}s")
        for line in key_lines(r["output"], r["code"] != 0):
            print(f"    {line}")
    print(f"machine at end: {after}\nfull output: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0 if all(r["code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
