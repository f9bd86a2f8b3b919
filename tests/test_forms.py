"""In-app forms: survey respondents get opaque, stable keys; forms produce files in our own layouts."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from connectors import forms
from connectors.parse import parse_file
from data_models import db


def test_respondent_key_is_a_salted_hmac_and_stable():
    expected = "r-" + hmac.new(b"s3cret", b"ceo@acme.com", hashlib.sha256).hexdigest()[:16]
    assert forms.respondent_key(" CEO@acme.com ", "s3cret") == expected
    assert forms.respondent_key("ceo@acme.com", "other-salt") != expected
    assert "acme" not in expected


def test_no_identity_gives_a_fresh_random_key():
    a, b = forms.respondent_key(None, "s"), forms.respondent_key("", "s")
    assert a != b and a.startswith("r-") and len(a) == 18


def test_survey_salt_is_created_once_and_kept():
    con = db.connect(":memory:")
    first = forms.survey_salt(con)
    assert len(first) == 32 and forms.survey_salt(con) == first


def test_survey_form_file_parses_to_one_row_per_answer():
    data = forms.survey_csv("r-1", "CMO", {"sourced_share": 60.0, "effectiveness": 4.0, "revenue_driver": None},
                            dt.datetime(2026, 11, 20, 9, 30))
    assert data == (b"respondent_id,role,question_id,answer,submitted_at\n"
                    b"r-1,CMO,sourced_share,60,2026-11-20T09:30:00\n"
                    b"r-1,CMO,effectiveness,4,2026-11-20T09:30:00\n")
    (parsed,) = parse_file("survey-form.csv", data, kind="survey.responses")
    assert parsed.errors == []
    assert sorted(parsed.frame["question_id"]) == ["effectiveness", "sourced_share"]
    assert sorted(parsed.frame["answer_value"]) == [4.0, 60.0]


def test_interview_form_file_parses():
    data = forms.interview_csv("note-1", dt.date(2026, 11, 3), "Marketing", "won", "buyer_journey",
                               'They said: "three guides, then the pricing page"', "O1")
    (parsed,) = parse_file("interview-form.csv", data, kind="buyer.interviews")
    assert parsed.errors == []
    row = parsed.frame.iloc[0]
    assert (row["persona"], row["outcome"], row["insight_area"], row["opportunity_id"]) == \
        ("Marketing", "won", "buyer_journey", "O1")
    assert row["note"] == 'They said: "three guides, then the pricing page"'
