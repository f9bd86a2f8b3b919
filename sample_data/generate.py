"""Generate the demo exports (and load them into a database for `cli.py sample`).

    python -m sample_data.generate                      # rebuild sample_data/demo and sample_data/alt
    python -m sample_data.generate --out /tmp/x --scale 0.2 --seed 7 --as-of 2026-06-30

Output depends only on seed, scale, as_of (default 2026-11-20, never the clock) and the
anonymous-traffic factor: the same arguments give byte-identical files.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import pathlib
import sys
import tempfile

from sample_data import writers
from sample_data.company import DEFAULT_AS_OF, Company, simulate

HERE = pathlib.Path(__file__).parent
DEMO_DIR = HERE / "demo"
ALT_DIR = HERE / "alt"


@dataclasses.dataclass(frozen=True)
class DemoSettings:
    seed: int = 42
    scale: float = 1.0
    as_of: dt.date = DEFAULT_AS_OF
    # the committed set keeps every identified visitor's journey but only part of the
    # never-identified traffic, so web/ga4_events.parquet stays a few MB (see demo/README.md)
    anonymous_traffic: float = 0.3
    alt_scale: float = 0.02


DEMO = DemoSettings()

# the exports of a demo folder, in the order they are loaded (accounts before what refers to them);
# the Salesforce objects come as one Data Export zip whose members the loader reads in name order
EXPORT_FILES = (
    "salesforce/data_export.zip",
    "salesforce/campaign_members_report.zip",
    "content/content_assets.csv",
    "web/ga4_events.parquet",
    "ads/google_ads_campaign_report.csv",
    "ads/linkedin_campaign_performance.csv",
    "survey/perception_survey.csv",
    "interviews/buyer_interviews.csv",
)
EXPORT_SUFFIXES = (".csv", ".zip", ".xlsx", ".tsv", ".txt", ".parquet")


def generate(out_dir: str | pathlib.Path, scale: float = 1.0, seed: int = 42, as_of: dt.date | None = None,
             anonymous_traffic: float = 1.0) -> tuple[Company, list[pathlib.Path]]:
    """Simulate the company and write its exports under out_dir; returns it and the export paths."""
    company = simulate(seed=seed, scale=scale, as_of=as_of, anonymous_traffic=anonymous_traffic)
    return company, writers.write_all(company, out_dir)


def generate_demo(demo_dir: str | pathlib.Path = DEMO_DIR, alt_dir: str | pathlib.Path = ALT_DIR,
                  settings: DemoSettings = DEMO) -> Company:
    """The committed demo set and the alternative layouts, exactly as checked in."""
    company, _ = generate(demo_dir, settings.scale, settings.seed, settings.as_of, settings.anonymous_traffic)
    small = simulate(seed=settings.seed, scale=settings.alt_scale, as_of=settings.as_of)
    writers.write_alternatives(small, alt_dir)
    return company


def export_paths(folder: str | pathlib.Path) -> list[str]:
    """The export files of a folder: the known demo layout if present, else every data file in it."""
    folder = pathlib.Path(folder)
    known = [folder / f for f in EXPORT_FILES if (folder / f).is_file()]
    if known:
        return [str(p) for p in known]
    return [str(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith(".")]


def _load(db: str, paths: list[str]) -> int:
    from connectors.load import load_paths

    report = load_paths(db, paths, user="sample")
    print(report.summary())
    if not report.ok:
        for line in report.messages():
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def cli_sample(args) -> int:
    """`cli.py sample`: generate (or take --from-files), then load everything into --db."""
    if args.from_files:
        folder = pathlib.Path(args.from_files)
        if not folder.is_dir():
            print(f"error: --from-files {folder} is not a folder", file=sys.stderr)
            return 1
        paths = export_paths(folder)
        if not paths:
            print(f"error: no export files found in {folder}", file=sys.stderr)
            return 1
        print(f"loading {len(paths)} files from {folder}")
        return _load(args.db, paths)

    as_of = args.as_of or DEFAULT_AS_OF
    with tempfile.TemporaryDirectory(prefix="acme-sample-") as tmp:
        out = pathlib.Path(args.out) if args.out else pathlib.Path(tmp)
        company, files = generate(out, scale=args.scale, seed=args.seed, as_of=as_of)
        f = company.facts
        print(f"generated Acme Cloud, seed {args.seed}, scale {args.scale:g}, history "
              f"{f['history_start']} to {f['as_of']}: {f['counts']['accounts']:,} accounts, "
              f"{f['counts']['opportunities']:,} opportunities, {f['counts']['ga4_events']:,} web events"
              + (f" in {out}" if args.out else ""))
        return _load(args.db, [str(p) for p in files])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_data.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=None, help="folder to write; default: rebuild sample_data/demo and alt")
    parser.add_argument("--scale", type=float, default=DEMO.scale)
    parser.add_argument("--seed", type=int, default=DEMO.seed)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEMO.as_of)
    parser.add_argument("--anonymous-traffic", type=float, default=1.0,
                        help="multiply never-identified web visitors (the committed demo uses "
                             f"{DEMO.anonymous_traffic})")
    parser.add_argument("--alt", default=None, help="also write HubSpot/Segment layouts to this folder")
    args = parser.parse_args(argv)
    if args.out is None:
        generate_demo()
        print(f"wrote {DEMO_DIR} and {ALT_DIR}")
        return 0
    company, files = generate(args.out, args.scale, args.seed, args.as_of, args.anonymous_traffic)
    if args.alt:
        writers.write_alternatives(company, args.alt)
    print(f"wrote {len(files)} exports to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
