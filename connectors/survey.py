"""What people said: perception survey answers and buyer (win/loss) interviews.

Survey answers come long (respondent_id, role, question_id, answer, submitted_at) or wide
(one column per question, as form tools export them); both become one row per answer with
response_id = respondent + question. Respondent ids that are email addresses are marked, and the loader
turns them into salted keys (connectors.forms): the dashboard never needs to know who said what.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from connectors import forms
from connectors.detect import KindSpec, Layout
from connectors.values import FieldReader, by_unique, clean, parse_numbers, stable_ids

ROLES = ("CEO", "CMO", "Sales", "Board", "Marketing")
_ROLE_PATTERNS = (
    ("Board", r"\bboard\b|investor|director \(board\)|non.?exec|chair"),
    ("CEO", r"\bceo\b|chief executive|founder|\bpresident\b|managing director|\bowner\b"),
    ("CMO", r"\bcmo\b|chief marketing|vp,? marketing|vp of marketing|head of marketing|marketing leader"
            r"|marketing director|director of marketing"),
    ("Sales", r"sales|\bcro\b|chief revenue|revenue|account exec|business development|\bsdr\b|\bbdr\b"),
    ("Marketing", r"marketing|marketer|demand gen|content|brand|growth"),
)
OUTCOMES = ("won", "lost", "no_decision")
INSIGHT_AREAS = ("priority_initiative", "success_factors", "perceived_barriers", "decision_criteria",
                 "buyer_journey")


def role_of(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    low = str(text).strip().lower()
    exact = {r.lower(): r for r in ROLES}
    if low in exact:
        return exact[low]
    for role, pattern in _ROLE_PATTERNS:
        if re.search(pattern, low):
            return role
    return None


def outcome_of(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    low = re.sub(r"[^a-z]", "", str(text).lower())
    if low in ("won", "win", "closedwon", "wonclosed", "customer"):
        return "won"
    if low in ("lost", "loss", "closedlost", "lostclosed", "churned"):
        return "lost"
    if low in ("nodecision", "nodeal", "stalled", "nodecisionmade", "donothing", "statusquo", "noopp"):
        return "no_decision"
    return None


def insight_area_of(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    low = str(text).lower()
    for area, pattern in (("priority_initiative", r"priorit|initiative|trigger"),
                          ("success_factors", r"success"),
                          ("perceived_barriers", r"barrier|concern|objection|risk"),
                          ("decision_criteria", r"criteri|decision"),
                          ("buyer_journey", r"journey|process|sources|committee")):
        if re.search(pattern, low):
            return area
    return None


def _vocabulary(r: FieldReader, field: str, fn, allowed: tuple[str, ...], what: str) -> pd.Series:
    """Values mapped onto a fixed vocabulary; unknown ones kept as written, with one warning."""
    given = r.text(field)
    mapped = by_unique(given, lambda u: u.map(fn).astype("str")).astype("str")
    unknown = sorted(set(given[mapped.isna() & given.notna()]))
    if unknown:
        r.warn(f"{what} values we could not place: {', '.join(unknown[:10])}", f"unknown_{field}",
               r.column(field), "Use one of: " + ", ".join(allowed))
    return mapped.fillna(given)


def _respondent_keys(values: pd.Series) -> pd.Series:
    # an address is never stored: the loader turns "email:<address>" into a salted key (connectors.forms)
    def convert(u: pd.Series) -> pd.Series:
        return u.map(lambda v: forms.EMAIL_PREFIX + v.strip().lower() if "@" in v else v).astype("str")
    return by_unique(clean(values), convert).astype("str")


def build_responses(r: FieldReader, options: dict) -> pd.DataFrame:
    respondent = _respondent_keys(r.text("respondent_key"))
    role = _vocabulary(r, "respondent_role", role_of, ROLES, "role")
    submitted = r.timestamp("submitted_at")
    if r.has("question_id") and r.has("answer"):
        question, answer = r.text("question_id"), r.text("answer")
        frame = pd.DataFrame({"respondent_key": respondent, "respondent_role": role, "question_id": question,
                              "answer": answer, "submitted_at": submitted})
    else:
        questions = [c for c in r.extra]
        if not questions:
            r.warn("no question columns found", "no_questions",
                   hint="Put one column per question, or columns question_id and answer")
        parts = []
        for q in questions:
            answer = clean(r.extra[q])
            parts.append(pd.DataFrame({"respondent_key": respondent, "respondent_role": role,
                                       "question_id": pd.Series(q, index=r.index, dtype="str"),
                                       "answer": answer, "submitted_at": submitted})[answer.notna()])
        frame = pd.concat(parts) if parts else pd.DataFrame(
            columns=["respondent_key", "respondent_role", "question_id", "answer", "submitted_at"])
    values, _ = parse_numbers(frame["answer"].str.replace("%", "", regex=False))
    frame["answer_value"] = values
    frame["answer_text"] = frame["answer"].astype("str")
    frame["response_id"] = (frame["respondent_key"] + ":" + frame["question_id"]).astype("str")
    return frame.drop(columns=["answer"])


def build_interviews(r: FieldReader, options: dict) -> pd.DataFrame:
    from connectors.personas import personas
    note = r.text("note")
    ids = r.text("interview_id")
    if ids.isna().any():
        derived = stable_ids([r.raw("interview_date"), r.raw("opportunity_id"), r.raw("persona"), r.raw("note")],
                             "bi-")
        ids = ids.fillna(derived)
    area = _vocabulary(r, "insight_area", insight_area_of, INSIGHT_AREAS, "insight area")
    repeated = ids.duplicated(keep=False) & ids.notna()
    if repeated.any():
        # one interview, several insights (one per row): each row's id gets its insight area, then a number
        per_insight = ids + ":" + area.fillna("note")
        again = per_insight.duplicated(keep=False)
        number = per_insight.groupby(per_insight).cumcount().add(1).astype(str)
        per_insight = per_insight.where(~again, per_insight + "-" + number)
        ids = ids.where(~repeated, per_insight)
    persona_given = r.text("persona")
    return pd.DataFrame({
        "interview_id": ids,
        "interview_date": r.date("interview_date"),
        "account_id": r.text("account_id"),
        "opportunity_id": r.text("opportunity_id"),
        "persona": personas(persona_given),
        "outcome": _vocabulary(r, "outcome", outcome_of, OUTCOMES, "outcome"),
        "insight_area": area,
        "note": note,
    })


KINDS = {
    "survey.responses": KindSpec(
        "survey.responses", build_responses,
        fields={
            "respondent_key": ("respondent id", "respondent", "respondent key", "participant id", "participant",
                               "response id", "respondent email", "submission id"),
            "respondent_role": ("role", "respondent role", "job role", "your role", "what is your role",
                                "position", "function"),
            "question_id": ("question id", "question", "question key", "item", "question code"),
            "answer": ("answer", "value", "response", "score", "rating", "answer value"),
            "submitted_at": ("submitted at", "submitted", "timestamp", "date", "completed at", "submission date",
                             "response date", "created at"),
        },
        required=("respondent_key", "respondent_role"),
        targets={"answer": "answer_value"},
        wide=True,
    ),
    "buyer.interviews": KindSpec(
        "buyer.interviews", build_interviews,
        fields={
            "interview_id": ("interview id", "interview", "interview number"),
            "interview_date": ("date", "interview date", "interviewed on", "held on", "interview_date"),
            "account_id": ("account id", "company id"),
            "opportunity_id": ("opportunity id", "deal id", "opp id", "opportunity"),
            "persona": ("persona", "buyer persona", "interviewee role", "title", "job title", "role"),
            "outcome": ("outcome", "result", "deal outcome", "win loss", "win/loss", "status"),
            "insight_area": ("insight area", "area", "insight type", "category", "theme", "insight category"),
            "note": ("quote", "note", "notes", "insight", "comment", "verbatim", "summary", "what they said"),
        },
        required=("note",),
        any_of=("outcome", "insight_area", "interview_id"),
        prefixes=("interview",),
    ),
}

LAYOUTS = [
    Layout("survey.long", "survey.responses", "survey", {
        "respondent_id": "respondent_key", "role": "respondent_role", "question_id": "question_id",
        "answer": "answer", "submitted_at": "submitted_at",
    }, required=("respondent_id", "role", "question_id", "answer")),
    Layout("interviews.buyer", "buyer.interviews", "interviews", {
        "interview_id": "interview_id", "date": "interview_date", "opportunity_id": "opportunity_id",
        "account_id": "account_id", "persona": "persona", "outcome": "outcome", "insight_area": "insight_area",
        "quote": "note", "note": "note",
    }, required=("interview_id", "outcome", "insight_area"), any_of=("quote", "note")),
]
