"""Opening the database, creating the canonical schema and building the model layers.

Models are plain SQL files under data_models/models/{staging,intermediate,marts},
one model per file, created as views named after the file. A model may read
canonical tables, seeds and models of its own or an earlier layer; the build order
inside a layer follows the references found in the SQL text.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import pathlib
import re

import duckdb

from data_models import channels

HERE = pathlib.Path(__file__).parent
MODELS_DIR = HERE / "models"
LAYERS = ("staging", "intermediate", "marts")
MATERIALIZED_LAYERS = ("intermediate", "marts")

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
    _drop_web_events_index(con)
    _seed(con)
    build_models(con)


def _drop_web_events_index(con: duckdb.DuckDBPyConnection) -> None:
    """Databases made before web_events lost its primary key: rebuild the table without it (DuckDB
    cannot drop a constraint), rows and column order unchanged, in one transaction."""
    if not con.execute("select count(*) from duckdb_constraints() where table_name = 'web_events'"
                       " and schema_name = 'main' and constraint_type = 'PRIMARY KEY'"
                       " and database_name = current_database()").fetchone()[0]:
        return
    columns = con.execute("select column_name, data_type from information_schema.columns where table_name ="
                          " 'web_events' and table_schema = 'main' and table_catalog = current_database()"
                          " order by ordinal_position").fetchall()
    required = {"event_id", "visitor_id", "occurred_at"}
    body = ", ".join(f"{c} {t}{' not null' if c in required else ''}" for c, t in columns)
    con.execute("begin transaction")
    try:
        con.execute(f"create table _web_events_rebuilt ({body})")
        con.execute("insert into _web_events_rebuilt select * from web_events")
        con.execute("drop table web_events")
        con.execute("alter table _web_events_rebuilt rename to web_events")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


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


@dataclasses.dataclass(frozen=True)
class Model:
    path: pathlib.Path
    sql: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def materialized(self) -> bool:
        return self.path.parent.name in MATERIALIZED_LAYERS

    def reads(self, name: str) -> bool:
        """Whether the SQL mentions the relation `name` (a whole word: stg_web_events is not web_events)."""
        return re.search(rf"\b{re.escape(name)}\b", self.sql) is not None


def models() -> tuple[Model, ...]:
    """Every model, in an order where each comes after the models it reads. The files are read again
    only when one of them changed (loads ask for this on every write)."""
    stats = [(f, f.stat()) for f in sorted(MODELS_DIR.glob("*/*.sql"))]
    return _ordered_models(tuple((str(f), st.st_mtime_ns, st.st_size) for f, st in stats))


@functools.lru_cache(maxsize=2)
def _ordered_models(stamp: tuple[tuple[str, int, int], ...]) -> tuple[Model, ...]:
    ordered: list[Model] = []
    paths = [pathlib.Path(path) for path, _, _ in stamp]
    for layer in LAYERS:
        layer_models = {p.stem: Model(p, p.read_text()) for p in paths if p.parent.name == layer}
        deps = {name: {n for n in layer_models if n != name and m.reads(n)} for name, m in layer_models.items()}
        done: set[str] = set()
        while len(done) < len(layer_models):
            ready = sorted(n for n in layer_models if n not in done and deps[n] <= done)
            if not ready:
                raise RuntimeError(f"circular references among models in {layer}: {sorted(set(layer_models) - done)}")
            for n in ready:
                ordered.append(layer_models[n])
                done.add(n)
    return tuple(ordered)


def model_files() -> list[pathlib.Path]:
    return [m.path for m in models()]


def model_names() -> list[str]:
    return [m.name for m in models()]


def models_signature() -> str:
    """A hash of every model's SQL: when it changes, materialized models are rebuilt."""
    digest = hashlib.sha256()
    for m in models():
        digest.update(m.path.name.encode() + b"\0" + m.sql.encode() + b"\0")
    return digest.hexdigest()


def models_reading(tables) -> set[str]:
    """The models that read any of `tables`, directly or through other models."""
    found: set[str] = set()
    for m in models():     # in build order: a model comes after every model it reads
        if any(m.reads(t) for t in tables) or any(m.reads(n) for n in found):
            found.add(m.name)
    return found


def _setting(con, key: str) -> str | None:
    row = con.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_setting(con, key: str, value: str) -> None:
    con.execute("insert or replace into settings values (?, ?)", [key, value])


def is_materialized(con: duckdb.DuckDBPyConnection) -> bool:
    return _setting(con, "models") == "tables"


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    """Create the model views; in a materialized database, rebuild the tables only when the SQL changed."""
    if is_materialized(con):
        if _setting(con, "models_signature") != models_signature() or not _all_models_exist(con):
            refresh_models(con)
        return
    relations = _relations(con)
    for m in models():
        # the view name is the file stem, which we control; never user input
        if m.name in relations:
            con.execute(f"drop {relations[m.name]} {m.name}")
        con.execute(f"create view {m.name} as\n{m.sql}")


def refresh_models(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None) -> None:
    """Materialize intermediate and mart models as tables (staging stays views) from the current data.

    Called by the loader inside its transaction, so readers never see figures from a half-loaded state.
    A database whose figures are read by pages stays fast because the chain of views is planned once per load,
    not once per query.

    `changed` names the tables a load wrote: then only the models that read them (directly or through
    other models) are rebuilt, the others already hold these figures. None, a change of the models' SQL
    or a missing model rebuilds every one.
    """
    relations = _relations(con)
    signature = models_signature()
    # a staging view is its SQL alone (DuckDB binds it when read): kept while the models' SQL is unchanged
    current = is_materialized(con) and _setting(con, "models_signature") == signature
    stale = models_reading(changed) if changed is not None and current else None
    for m in models():
        kind = relations.get(m.name)
        if kind == "view" and not m.materialized and current:
            continue
        if kind == "table" and stale is not None and m.name not in stale:
            continue
        if kind:
            con.execute(f"drop {kind} {m.name}")
        con.execute(f"create {'table' if m.materialized else 'view'} {m.name} as\n{m.sql}")
    _set_setting(con, "models", "tables")
    _set_setting(con, "models_signature", signature)


def _relations(con) -> dict[str, str]:
    """The views and tables of the connection's database: name -> 'view' or 'table'."""
    return dict(con.execute(
        "select view_name, 'view' from duckdb_views() where not internal and database_name = current_database()"
        " union all select table_name, 'table' from duckdb_tables() where database_name = current_database()"
    ).fetchall())


def _all_models_exist(con) -> bool:
    have = _relations(con)
    return all(name in have for name in model_names())


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CANONICAL_TABLES}
