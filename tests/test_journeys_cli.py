"""Journey files (ChannelAttribution's format) and `cli.py attribute`, outputs parsed and compared.

The journeys file used throughout (semicolon-delimited, like the library's example data):

    path;total_conversions;total_conversion_value;total_null
    a > b > a;3;30;1
    b;1;5,5;0          <- decimal comma, 5.5
    a>b >a;1;10;0      <- same path as row 1 with other spacing: adds up to conv 4, value 40, null 1
    c > b;0;0;2

Markov, worked by hand (walkers = conversions + nulls):
    start: a 5, b 1, c 2 -> 5/8, 1/8, 2/8;  a: b 5, conv 4, null 1 -> 1/2, 2/5, 1/10
    b: a 5, conv 1, null 2 -> 5/8, 1/8, 1/4;  c: b 2 -> 1
    xa = xb/2 + 2/5, xb = 5/8 xa + 1/8 -> xa = 37/55, xb = xc = 6/11;  P = 5/8
    without a: xb = xc = 1/8, P = 3/64 -> RE 37/40;  without b: xa = 2/5, P = 1/4 -> RE 3/5
    without c: P = 43/88 -> RE 12/55;  sum RE = 767/440
    credit of 5 conversions: a 5*407/767, b 5*264/767, c 5*96/767; value 45.5 likewise
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import cli
from data_models import attribution, db
from data_models import journeys as J
from data_models.params import ATTRIBUTION_MODELS
from tests.test_attribution_db import fill_attribution_db

FILE_TEXT = "path;total_conversions;total_conversion_value;total_null\na > b > a;3;30;1\nb;1;5,5;0\na>b >a;1;10;0\nc > b;0;0;2\n"


@pytest.fixture
def journeys_file(tmp_path):
    path = tmp_path / "journeys.csv"
    path.write_text(FILE_TEXT)
    return path


def run(capsys, *argv):
    code = cli.main(["attribute", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def by_channel(records):
    return {r["channel"]: r for r in records}


def test_reading_a_semicolon_file_merges_identical_paths(journeys_file):
    journeys = J.read_journeys(journeys_file)
    frame = journeys.to_frame().set_index("path")
    assert frame.to_dict("index") == {
        "a > b > a": {"total_conversions": 4.0, "total_conversion_value": 40.0, "total_null": 1.0},
        "b": {"total_conversions": 1.0, "total_conversion_value": 5.5, "total_null": 0.0},
        "c > b": {"total_conversions": 0.0, "total_conversion_value": 0.0, "total_null": 2.0},
    }


def test_comma_file_with_missing_optional_columns(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Path,Total_Conversions\nemail >webinar,2\nemail,1\n")
    frame = J.read_journeys(path).to_frame()
    assert frame["path"].tolist() == ["email", "email > webinar"]
    assert frame["total_conversions"].tolist() == [1.0, 2.0]
    assert frame["total_conversion_value"].tolist() == [0.0, 0.0]
    assert frame["total_null"].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("text, message", [
    ("route;total_conversions\nx;1\n", "bad.csv: line 1: no 'path' column (found: route, total_conversions)"),
    ("path;total_null\nx;1\n", "bad.csv: line 1: no 'total_conversions' column"),
    ("path;total_conversions;total_null\na;1;0\nb;2;abc\n", "bad.csv: line 3, column total_null: 'abc' is not a non-negative number"),
    ("path,total_conversions\na,-1\n", "bad.csv: line 2, column total_conversions: '-1' is not a non-negative number"),
    ("path,total_conversions\na,1\n > ,1\n", "bad.csv: line 3, column path: the path is empty"),
    ("", "bad.csv: the file is empty"),
])
def test_bad_files_name_file_line_and_column(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(J.JourneyFileError) as info:
        J.read_journeys(path)
    assert message in str(info.value)


def test_cli_reports_a_bad_file_without_traceback(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("path;total_conversions\na;x\n")
    code, out, err = run(capsys, "--journeys", path, "--model", "linear", "--format", "json")
    assert code == 1 and out == ""
    assert err.strip() == "error: JourneyFileError: bad.csv: line 2, column total_conversions: 'x' is not a non-negative number"


def test_cli_markov_json(journeys_file, capsys):
    code, out, _ = run(capsys, "--journeys", journeys_file, "--model", "markov", "--format", "json")
    assert code == 0
    got = by_channel(json.loads(out))
    assert set(got) == {"a", "b", "c"}
    expected = {"a": (407, 37 / 40), "b": (264, 3 / 5), "c": (96, 12 / 55)}
    for channel, (share, removal_effect) in expected.items():
        assert got[channel]["conversions"] == pytest.approx(5 * share / 767, rel=1e-12)
        assert got[channel]["value"] == pytest.approx(45.5 * share / 767, rel=1e-12)
        assert got[channel]["removal_effect"] == pytest.approx(removal_effect, rel=1e-12)


@pytest.mark.parametrize("model, conversions, value", [
    # after merging: a > b > a converts 4 (value 40), b converts 1 (5.5), c > b never converts
    ("first_touch", {"a": 4, "b": 1, "c": 0}, {"a": 40, "b": 5.5, "c": 0}),
    ("last_touch", {"a": 4, "b": 1, "c": 0}, {"a": 40, "b": 5.5, "c": 0}),
    # linear counts every step (as ChannelAttribution does): a 2/3 of 4, b 1/3 of 4 + 1
    ("linear", {"a": 8 / 3, "b": 7 / 3, "c": 0}, {"a": 80 / 3, "b": 40 / 3 + 5.5, "c": 0}),
    # Shapley: w({a,b}) = 4 shared by two, w({b}) = 1
    ("shapley", {"a": 2, "b": 3, "c": 0}, {"a": 20, "b": 25.5, "c": 0}),
    # J on a > b > a: first 0.2, middle 0.2, last 0.6 -> a 0.8 of 4, b 0.2 of 4 + 1
    ("j_shaped", {"a": 3.2, "b": 1.8, "c": 0}, {"a": 32, "b": 13.5, "c": 0}),
])
def test_cli_heuristics_json(journeys_file, capsys, model, conversions, value):
    code, out, _ = run(capsys, "--journeys", journeys_file, "--model", model, "--format", "json")
    assert code == 0
    got = by_channel(json.loads(out))
    assert {c: r["conversions"] for c, r in got.items()} == pytest.approx(conversions, rel=1e-12)
    assert {c: r["value"] for c, r in got.items()} == pytest.approx(value, rel=1e-12)


def test_position_models_on_paths(tmp_path, capsys):
    path = tmp_path / "long.csv"
    path.write_text("path,total_conversions\nq > r > s > t > u,1\n")
    # W on 5 steps: first q 0.3, lead on the middle step s 0.3, opp on the last step u 0.3, r and t 0.05
    _, out, _ = run(capsys, "--journeys", path, "--model", "w_shaped", "--format", "json")
    assert {r["channel"]: r["conversions"] for r in json.loads(out)} == pytest.approx(
        {"q": 0.3, "r": 0.05, "s": 0.3, "t": 0.05, "u": 0.3})
    # time decay counts steps: half-life 1 -> 1/16, 1/8, 1/4, 1/2, 1 over 31/16
    _, out, _ = run(capsys, "--journeys", path, "--model", "time_decay", "--half-life", 1, "--format", "json")
    assert [r["conversions"] for r in sorted(json.loads(out), key=lambda r: r["channel"])] == pytest.approx(
        [1 / 31, 2 / 31, 4 / 31, 8 / 31, 16 / 31])
    # custom 30,20,20,20,10 on 5 steps: first q, lead floor(4/3 + 1/2) = r, opp floor(8/3 + 1/2) = t, won u, rest s
    _, out, _ = run(capsys, "--journeys", path, "--model", "custom", "--weights", "30,20,20,20,10", "--format", "json")
    assert {r["channel"]: r["conversions"] for r in json.loads(out)} == pytest.approx(
        {"q": 0.3, "r": 0.2, "s": 0.1, "t": 0.2, "u": 0.2})


def test_cli_csv_and_table(journeys_file, capsys):
    _, out, _ = run(capsys, "--journeys", journeys_file, "--model", "first_touch", "--format", "csv")
    assert out.splitlines() == ["channel,conversions,value", "a,4.0,40.0", "b,1.0,5.5", "c,0.0,0.0"]
    _, out, _ = run(capsys, "--journeys", journeys_file, "--model", "first_touch")
    assert out.splitlines()[0].split() == ["channel", "conversions", "value"]
    assert out.splitlines()[1].split() == ["a", "4.0000", "40.0000"]


def test_cli_argument_errors(journeys_file, capsys):
    code, _, err = run(capsys, "--journeys", journeys_file, "--model", "custom")
    assert code == 1 and "--model custom needs --weights" in err
    code, _, err = run(capsys, "--journeys", journeys_file, "--by", "campaign")
    assert code == 1 and "--by applies to --db" in err


def test_cli_from_database(tmp_path, capsys):
    path = tmp_path / "attr.duckdb"
    con = db.connect(path)
    fill_attribution_db(con)
    con.close()
    code, out, _ = run(capsys, "--db", path, "--model", "w_shaped", "--start", "2026-03-01", "--end", "2026-03-31",
                       "--format", "json")
    assert code == 0
    got = {r["channel"]: r["amount"] for r in json.loads(out)}
    # same deals as tests/test_attribution_db.py::test_w_shaped_pipeline_credit_and_reconciliation
    assert got == {"paid_search": 1264.29, "email": 300.0, "webinar": 269.05, "content": 33.33, "event": 33.33}
    code, out, _ = run(capsys, "--db", path, "--model", "first_touch", "--start", "2026-03-01", "--end", "2026-03-31")
    assert "no touches: 1 opportunities, 100.00" in out


@pytest.mark.parametrize("model", [m for m in ATTRIBUTION_MODELS])
def test_every_model_hands_out_exactly_the_totals(model):
    rng = np.random.default_rng(13)
    n = 3000
    lengths = rng.integers(1, 9, n)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    conversions = rng.integers(0, 4, n).astype(float)
    journeys = J.from_arrays([f"ch{i}" for i in range(8)], offsets, rng.integers(0, 8, lengths.sum()),
                             conversions, value=conversions * 12.5, nulls=rng.integers(0, 3, n))
    frame = attribution.journey_credit(journeys, model, half_life=2.0, custom_weights=(30, 20, 20, 20, 10))
    assert frame["conversions"].sum() == pytest.approx(conversions.sum(), rel=1e-12)
    assert frame["value"].sum() == pytest.approx(conversions.sum() * 12.5, rel=1e-12)
    assert (frame["conversions"] >= 0).all()
