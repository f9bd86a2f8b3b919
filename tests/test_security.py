"""Security properties of the hosted dashboard that need no browser.

Exports never run formulas, uploads are size-limited, survey answers stay anonymous, secrets stay out of git
and the image. (Sign-in, roles and read-only viewers: test_auth.py; secrets kept out of logs: test_auth_browser.py.)
"""
from __future__ import annotations

import csv
import hashlib
import io
import pathlib
import tomllib

import pandas as pd
import pytest
from openpyxl import load_workbook

from data_models.export import escape_cell, safe_csv, safe_xlsx
from connectors.forms import respondent_key

ROOT = pathlib.Path(__file__).parents[1]
DANGEROUS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x.test","click")',
             "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_escaped(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Marketing", "a=b", " =not first", "", 12, -5, -1.5, None])
def test_other_values_are_left_alone(value):
    assert escape_cell(value) == value


def test_csv_export_escapes_cells_and_headers_but_not_numbers():
    frame = pd.DataFrame({"=evil header": DANGEROUS, "amount": range(-4, len(DANGEROUS) - 4)})
    # read as a spreadsheet would: a bare CR or LF inside an unquoted cell would start a new row
    rows = list(csv.reader(io.StringIO(safe_csv(frame).decode("utf-8"), newline="")))
    assert rows[0] == ["'=evil header", "amount"]
    assert len(rows) == len(DANGEROUS) + 1
    assert [r[0] for r in rows[1:]] == ["'" + t for t in DANGEROUS]
    assert [int(r[1]) for r in rows[1:]] == list(range(-4, len(DANGEROUS) - 4))   # negative numbers stay numbers


@pytest.mark.parametrize("text", ["a\r=1+2", "a\n=1+2", "a\r\n@SUM(A1)"])
def test_csv_line_breaks_inside_a_cell_cannot_start_a_formula_cell(text):
    rows = list(csv.reader(io.StringIO(safe_csv(pd.DataFrame({"c": [text]})).decode("utf-8"), newline="")))
    assert rows == [["c"], [text]]


def test_csv_export_escapes_pandas_string_columns():
    frame = pd.DataFrame({"name": pd.array(["=1+2", "ok"], dtype="string")})
    assert safe_csv(frame).decode().splitlines() == ["name", "'=1+2", "ok"]


def test_xlsx_export_has_no_formula_cells():
    frame = pd.DataFrame({"=evil header": DANGEROUS, "n": range(len(DANGEROUS)),
                          "when": pd.to_datetime(["2026-09-01"] * len(DANGEROUS)).tz_localize("UTC")})
    sheet = load_workbook(io.BytesIO(safe_xlsx(frame, "Pipeline"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in sheet["A"]] == ["=evil header", *DANGEROUS]   # shown exactly as typed, as text
    assert all(c.data_type == "s" and c.quotePrefix for c in sheet["A"])
    assert [c.value for c in sheet["B"]][1:] == list(range(len(DANGEROUS)))
    assert sheet.title == "Pipeline"


def test_upload_size_is_limited():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 200   # megabytes per file, enforced by Streamlit's server


# ---------- survey answers stay anonymous ----------

def test_respondent_key_is_a_salted_hmac():
    key = respondent_key("Jane.Doe@acme.test", "s3cret-salt")
    assert key == respondent_key("  jane.doe@ACME.test ", "s3cret-salt")       # same person, same key
    assert key != respondent_key("jane.doe@acme.test", "other-salt")          # the salt matters
    assert key != respondent_key("john.doe@acme.test", "s3cret-salt")
    # not a plain hash of the address, so a list of staff addresses cannot be hashed and matched without the salt
    assert key.removeprefix("r-") not in hashlib.sha256(b"jane.doe@acme.test").hexdigest()
    assert "jane" not in key and "@" not in key


SURVEY_CSV = (b"respondent_id,role,question_id,answer,submitted_at\n"
              b"Jane.Doe@acme.test,CEO,q1,40,2026-09-01\n"
              b"bob@acme.test,CMO,q1,55,2026-09-02\n")


def _survey_keys() -> list[str]:
    """The respondent keys the database holds after the survey file went through the real loader."""
    from connectors.load import load_files
    from data_models import db

    con = db.connect(":memory:")
    report = load_files(con, [("survey.csv", SURVEY_CSV)], kind="survey.responses")
    assert report.ok, report.summary()
    return [r[0] for r in con.execute("select distinct respondent_key from survey_responses order by 1").fetchall()]


def test_uploaded_survey_answers_never_store_an_email():
    keys = _survey_keys()
    assert len(keys) == 2 and len(set(keys)) == 2
    for key in keys:
        assert "@" not in key and "jane" not in key.lower() and "bob" not in key.lower()


def test_uploaded_survey_respondent_key_is_salted():
    # neither a plain sha256 of the address nor anything derivable without the database's secret salt
    unsalted = {hashlib.sha256(e.encode()).hexdigest() for e in ("jane.doe@acme.test", "bob@acme.test")}
    for key in _survey_keys():
        assert not any(u.startswith(key.removeprefix("r-")) for u in unsalted)


# ---------- secrets stay out of git and the image ----------

def test_real_secrets_file_is_ignored_and_the_example_holds_none():
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text()
    live = [line for line in example.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    # every line commented out, so a copied example does not silently switch sign-in on with dummy values
    assert all(not line.strip().startswith(("client_secret", "cookie_secret")) for line in live)


def test_secrets_are_kept_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in (".streamlit/secrets.toml", ".venv", "data", "*.duckdb", ".git"):
        assert pattern in ignored
