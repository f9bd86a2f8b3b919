"""Perception gap and maturity scorecard: what executives believe next to what the data says.

shared/domain.md, "Perception gap": "the same questions asked of CEO, CMO, sales leaders and
board ... Gap = each role's answer vs the measured figure from the data, and role vs role (CMO
vs sales above all)". Share questions are answered in percent (0–100); an answer of 1 or less
is read as a fraction and multiplied by 100. Scale questions are 1–5 and have no measured figure.

"Maturity scorecard": questions whose id starts with `maturity_` (1–5, 1 = order taker,
5 = strategic peer of sales); a role's score is the mean of its maturity answers.
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from data_models import content, metrics
from data_models.params import Params

ROLES = ("CEO", "CMO", "Sales", "Board", "Marketing")


@dataclasses.dataclass(frozen=True)
class Question:
    question_id: str
    text: str
    unit: str                 # percent | scale_1_5
    measured: str | None      # key of measured_figures(), None when the data cannot answer it


QUESTIONS = {q.question_id: q for q in (
    Question("sourced_share", "What share of pipeline does marketing source?", "percent", "sourced_share"),
    Question("journey_before_sales", "What share of the buying journey happens before a first sales call?",
             "percent", "journey_before_meeting"),
    Question("revenue_driver", "Is marketing a cost center (1) or a revenue driver (5)?", "scale_1_5", None),
    Question("effectiveness", "How effective is marketing (1–5)?", "scale_1_5", None),
)}

MATURITY_QUESTIONS = {
    "maturity_buyer_insight": "Marketing owns buyer insight (1 = no, 5 = it is the company's expert on the buyer)",
    "maturity_strategy_seat": "Marketing has a seat where strategy is made",
    "maturity_sales_partnership": "Marketing and sales work as equals",
    "maturity_beyond_collateral": "Marketing does more than collateral, events and leads on request",
    "maturity_measures_revenue": "Marketing reports in revenue, not activity",
}

MATURITY_LEVELS = (  # (lower bound of the mean score, label)
    (4.0, "Strategic: buyer insight, strategy seat, peer of sales"),
    (3.0, "Integrated: shares goals and pipeline with sales"),
    (2.0, "Developing: some planning, mostly campaigns"),
    (1.0, "Tactical: order taker for collateral, events and leads"),
)

ANSWERS_SQL = """
with answers as (
    select respondent_key, respondent_role, question_id, question_kind, answer_value
    from fct_survey_answers
    where answer_value is not null
),

final as (
    select * from answers
)

select * from final
"""


def maturity_level(score: float) -> str:
    for bound, label in MATURITY_LEVELS:
        if score >= bound:
            return label
    return MATURITY_LEVELS[-1][1] if score == score else ""


def measured_figures(con, params: Params) -> dict[str, float]:
    """The figures the data can answer, in percent: marketing-sourced share of pipeline (params.sourced_definition) and share of the journey before the first sales meeting."""
    share, _, _ = metrics.sourced_share(con, params, "marketing")
    journey = content.journey_before_meeting(con, params)["share"].iloc[0]
    return {"sourced_share": share * 100, "journey_before_meeting": float(journey) * 100}


def _answers(con) -> pd.DataFrame:
    df = metrics.frame(con, ANSWERS_SQL)
    percent_ids = {q.question_id for q in QUESTIONS.values() if q.unit == "percent"}
    is_pct = df["question_id"].isin(percent_ids) & (df["answer_value"] <= 1)
    df.loc[is_pct, "answer_value"] = df.loc[is_pct, "answer_value"] * 100
    return df


def _role_order(roles) -> list[str]:
    return [r for r in ROLES if r in set(roles)] + sorted(set(roles) - set(ROLES))


def perception_gap(con, params: Params) -> pd.DataFrame:
    """Per role and question: respondents, mean and median answer, the measured figure and the gap in points (mean − measured) — "each role's answer vs the measured figure from the data" (shared/domain.md)."""
    answers = _answers(con)
    answers = answers[answers["question_kind"] == "perception"]
    measured = measured_figures(con, params)
    rows = []
    for (role, qid), grp in answers.groupby(["respondent_role", "question_id"]):
        q = QUESTIONS.get(qid)
        m = measured.get(q.measured) if q and q.measured else None
        mean = float(grp["answer_value"].mean())
        rows.append({
            "respondent_role": role, "question_id": qid, "question": q.text if q else qid,
            "unit": q.unit if q else "", "respondents": int(grp["respondent_key"].nunique()),
            "mean": mean, "median": float(grp["answer_value"].median()),
            "measured": m, "gap_points": (mean - m) if m is not None else None,
        })
    df = pd.DataFrame(rows, columns=["respondent_role", "question_id", "question", "unit", "respondents",
                                     "mean", "median", "measured", "gap_points"])
    order = {r: i for i, r in enumerate(_role_order(df["respondent_role"]))}
    df = df.sort_values(["question_id", "respondent_role"], key=lambda s: s.map(order) if s.name == "respondent_role" else s)
    return df.reset_index(drop=True)


def role_vs_role(con, params: Params, role_a: str = "CMO", role_b: str = "Sales") -> pd.DataFrame:
    """Per question: mean answer of two roles and their difference (a − b) — "role vs role (CMO vs sales above all)" (shared/domain.md)."""
    gap = perception_gap(con, params)
    a = gap[gap["respondent_role"] == role_a].set_index("question_id")
    b = gap[gap["respondent_role"] == role_b].set_index("question_id")
    qids = sorted(set(a.index) | set(b.index))
    rows = []
    for qid in qids:
        ma = a["mean"].get(qid)
        mb = b["mean"].get(qid)
        q = QUESTIONS.get(qid)
        rows.append({
            "question_id": qid, "question": q.text if q else qid,
            f"{role_a}_mean": ma, f"{role_a}_respondents": int(a["respondents"].get(qid, 0)),
            f"{role_b}_mean": mb, f"{role_b}_respondents": int(b["respondents"].get(qid, 0)),
            "difference_points": (ma - mb) if ma is not None and mb is not None else None,
            "measured": (a["measured"].get(qid) if qid in a.index else b["measured"].get(qid)),
        })
    return pd.DataFrame(rows)


def maturity_scorecard(con, params: Params) -> pd.DataFrame:
    """Per role (and all respondents): mean of the maturity_* answers (1–5) and its level, tactical → strategic ("Maturity scorecard", shared/domain.md)."""
    answers = _answers(con)
    answers = answers[answers["question_kind"] == "maturity"]
    rows = []
    for role in _role_order(answers["respondent_role"]):
        grp = answers[answers["respondent_role"] == role]
        rows.append((role, grp))
    if len(answers):
        rows.append(("All", answers))
    out = [{
        "respondent_role": role,
        "respondents": int(grp["respondent_key"].nunique()),
        "answers": int(len(grp)),
        "score": float(grp["answer_value"].mean()),
        "level": maturity_level(float(grp["answer_value"].mean())),
    } for role, grp in rows]
    return pd.DataFrame(out, columns=["respondent_role", "respondents", "answers", "score", "level"])


def all_sql() -> list[str]:
    return [ANSWERS_SQL]
