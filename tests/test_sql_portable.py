"""Every model and every metric SQL text transpiles from DuckDB to Spark SQL without errors."""
from __future__ import annotations

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from data_models import buyers, content, db, funnel, metrics, model_tests, perception, roi

MODEL_FILES = db.model_files()
METRIC_SQL = [
    (f"{mod.__name__}[{i}]", sql)
    for mod in (metrics, content, roi, funnel, perception, buyers, model_tests)
    for i, sql in enumerate(mod.all_sql())
]


def to_spark(sql: str) -> list[str]:
    return sqlglot.transpile(sql, read="duckdb", write="spark",
                             error_level=ErrorLevel.RAISE, unsupported_level=ErrorLevel.RAISE)


@pytest.mark.parametrize("path", MODEL_FILES, ids=[p.stem for p in MODEL_FILES])
def test_model_transpiles_to_spark(path):
    out = to_spark(path.read_text())
    assert len(out) == 1 and out[0].upper().endswith("SELECT * FROM FINAL")


@pytest.mark.parametrize("name,sql", METRIC_SQL, ids=[n for n, _ in METRIC_SQL])
def test_metric_sql_transpiles_to_spark(name, sql):
    out = to_spark(sql)
    assert len(out) == 1 and "SELECT" in out[0].upper()


def test_every_model_file_has_a_grain_comment_and_ends_in_final():
    for path in MODEL_FILES:
        text = path.read_text().strip()
        assert text.splitlines()[0].startswith("-- one row per"), path.name
        assert text.endswith("select * from final"), path.name


def test_there_is_one_staging_model_per_canonical_table():
    stems = {p.stem for p in MODEL_FILES if p.parent.name == "staging"}
    assert len(stems) == len(db.CANONICAL_TABLES) == 12
