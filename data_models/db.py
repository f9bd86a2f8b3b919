"""Opening the database, creating the canonical schema and building the model layers.

Models are plain SQL files under data_models/models/{staging,intermediate,marts},
one model per file, created as views named after the file. A model may read
canonical tables, seeds and models of its own or an earlier layer; the build order
inside a layer follows the references found in the SQL text.
"""
from __future__ import annotations

import pathlib
import re

import duckdb

from data_models import channels

HERE = pathlib.Path(__file__).parent
MODELS_DIR = HERE / "models"
LAYERS = ("staging", "intermediate", "marts")

CANONICAL_TABLES = (
    "accounts", "contacts", "opportunities", "opportunity_contact_roles", "campaigns",
    "campaign_members", "content_assets", "touchpoints", "web_events", "ad_spend",
    "survey_responses", "buyer_interviews",
)


def connect(path: str | pathlib.Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first write, initialise) a database file."""
    path = str(path)
    if read_only:
        return duckdb.connect(path, read_only=True)
    con = duckdb.connect(path)
    init_db(con)
    return con


def init_db(con: duckdb.DuckDBPyConnection) -> None:
    """Create canonical tables and seeds if missing, then (re)create every model view."""
    con.execute((HERE / "schema.sql").read_text())
    _seed(con)
    build_models(con)


def _seed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table if not exists lead_source_map ("
        " lead_source varchar primary key, channel varchar not null, source_group varchar not null)"
    )
    con.execute(
        "create table if not exists channel_map ("
        " channel varchar primary key, label varchar not null, source_group varchar not null,"
        " is_marketing boolean not null)"
    )
    con.execute("create table if not exists settings (key varchar primary key, value varchar)")
    if con.execute("select count(*) from lead_source_map").fetchone()[0] == 0:
        con.executemany("insert into lead_source_map values (?, ?, ?)", channels.lead_source_rows())
    if con.execute("select count(*) from channel_map").fetchone()[0] == 0:
        con.executemany("insert into channel_map values (?, ?, ?, ?)", channels.channel_rows())


def model_files() -> list[pathlib.Path]:
    """Every model file, in an order where each comes after the models it reads."""
    ordered: list[pathlib.Path] = []
    for layer in LAYERS:
        files = sorted((MODELS_DIR / layer).glob("*.sql"))
        names = {f.stem: f for f in files}
        deps = {
            f.stem: {n for n in names if n != f.stem and re.search(rf"\b{n}\b", f.read_text())}
            for f in files
        }
        done: set[str] = set()
        while len(done) < len(files):
            ready = sorted(n for n in names if n not in done and deps[n] <= done)
            if not ready:
                raise RuntimeError(f"circular references among models in {layer}: {sorted(set(names) - done)}")
            for n in ready:
                ordered.append(names[n])
                done.add(n)
    return ordered


def model_names() -> list[str]:
    return [f.stem for f in model_files()]


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    for f in model_files():
        # the view name is the file stem, which we control; never user input
        con.execute(f"create or replace view {f.stem} as\n{f.read_text()}")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CANONICAL_TABLES}
