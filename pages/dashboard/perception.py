"""Perception gap: what the CEO, the CMO, sales and the board believe, next to what the data shows."""
import datetime as dt

import streamlit as st

from data_models import invites, perception
from data_models.page_figures import PerceptionFigures
from pages.shared import auth, charts, ui
from pages.shared.upload_flow import upload_flow

st.title("Perception gap")
p = ui.require_data(ui.params())

figures = charts.figures(PerceptionFigures, p)
gap, measured = figures.gap, figures.measured
sourced_q = next(q for q in perception.QUESTIONS.values() if q.measured == "sourced_share")
sourced_gap = gap[gap["question_id"] == sourced_q.question_id].set_index("respondent_role")

if sourced_gap.empty:
    ui.headline(f"The data says marketing sources {measured['sourced_share']:.0f}% of new pipeline. "
                "No one has answered the survey yet: ask the CEO, the CMO, sales leaders and the board below.")
else:
    believed = "; ".join(f"{role} believes {row['mean']:.0f}%" for role, row in sourced_gap.iterrows()
                         if role in ("CEO", "CMO", "Sales"))
    ui.headline(f"Marketing sources {measured['sourced_share']:.0f}% of new pipeline by the data "
                f"({ui.SOURCED_LABELS[p.sourced_definition].lower()}). {believed}.")

percent_questions = [q for q in perception.QUESTIONS.values() if q.unit == "percent"]
for q in percent_questions:
    rows = gap[gap["question_id"] == q.question_id]
    if rows.empty:
        continue
    truth = measured[q.measured]
    known = truth == truth  # NaN when the data cannot measure it for these filters
    if known:
        widest = rows.loc[(rows["mean"] - truth).abs().idxmax()]
        title = (f"{widest.respondent_role} is furthest off: {widest['mean']:.0f}% believed vs {truth:.0f}% measured — "
                 f"{q.text}")
    else:
        title = f"{q.text} — beliefs only: the data has no touches to measure it for these filters"
    ui.chart(charts.belief_gap(rows, float(truth), title), key=f"gap_{q.question_id}")

st.subheader("CMO vs sales")
versus = figures.versus
if versus.empty:
    st.caption("No CMO or sales answers yet.")
else:
    ui.table_with_download(versus, key="cmo_vs_sales", file_name="cmo_vs_sales.csv", columns={
        "question": ("Question", "text"), "CMO_mean": ("CMO", "num"), "Sales_mean": ("Sales", "num"),
        "difference_points": ("CMO − Sales", "num"), "measured": ("Measured", "num"),
        "CMO_respondents": ("CMO respondents", "int"), "Sales_respondents": ("Sales respondents", "int"),
    })

st.subheader("Maturity scorecard")
card = figures.card
if card.empty:
    st.caption("No maturity answers yet.")
else:
    overall = card[card["respondent_role"] == "All"]
    if len(overall):
        journey = measured["journey_before_meeting"]
        st.markdown(f"Overall **{overall['score'].iloc[0]:.1f} / 5** — {overall['level'].iloc[0]}, "
                    f"next to a measured {measured['sourced_share']:.0f}% of pipeline sourced"
                    + (f" and {journey:.0f}% of the journey before the first sales meeting." if journey == journey else "."))
    ui.table_with_download(card, key="maturity", file_name="maturity_scorecard.csv", columns={
        "respondent_role": ("Role", "text"), "score": ("Score (1–5)", "num"), "level": ("Level", "text"),
        "respondents": ("Respondents", "int"),
    })

with st.expander("How is this computed"):
    st.markdown(
        "Each role's answer is the mean of its respondents (count shown on hover). The measured figures come from "
        "the same data as the Pipeline and Content pages, for the filters in the sidebar: marketing-sourced share of "
        "new pipeline under the chosen sourced definition, and the share of a won deal's touches that happened before "
        "the first sales meeting. Gap = believed − measured, in percentage points."
    )

st.subheader("Answer the survey")
invite_token = st.query_params.get("invite")   # a single-use link from Admin > Survey invitations
invite = invites.check(ui.connection(), invite_token) if invite_token else None
if thanks := st.session_state.pop("survey_thanks", None):
    st.success(thanks)
elif invite is not None and not invite.ok:
    st.warning(invite.message)
with st.form("survey_form", clear_on_submit=True):
    role = st.selectbox("Your role", perception.ROLES, key="survey_role", disabled=invite is not None,
                        index=perception.ROLES.index(invite.role) if invite and invite.role else 0)
    answers = {}
    for q in perception.QUESTIONS.values():
        if q.unit == "percent":
            answers[q.question_id] = st.slider(q.text, 0, 100, 50, format="%d%%", key=f"survey_{q.question_id}")
        else:
            answers[q.question_id] = st.slider(q.text, 1, 5, 3, key=f"survey_{q.question_id}")
    st.caption("Maturity: 1 = order taker for collateral, events and leads; 5 = strategic peer of sales")
    for qid, text in perception.MATURITY_QUESTIONS.items():
        answers[qid] = st.slider(text, 1, 5, 3, key=f"survey_{qid}")
    anonymous = st.checkbox("Answer anonymously", value=True, key="survey_anonymous",
                            help="Your answers are stored under an opaque key; only your role is kept.")
    submitted = st.form_submit_button("Submit answers", disabled=invite is not None and not invite.ok)
if submitted and invite_token and not (claimed := invites.claim(ui.write_connection(), invite_token)).ok:
    st.error(claimed.message)   # used, revoked or expired since the page was drawn: nothing is stored
elif submitted:
    from connectors import forms
    from connectors.load import load_files

    con = ui.write_connection()
    invite = st.query_params.get("invite")
    # an invited answer gets a random key: nothing ties it to the link or the link's label
    identity = None if invite else (ui.user_name() if ui.user_name() != "demo" else None)
    role = claimed.role if invite else role
    key = forms.respondent_key(identity, forms.survey_salt(con))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    data = forms.survey_csv(key, role, answers, now)
    result = load_files(con, [(f"survey-form-{now:%Y%m%d-%H%M%S}.csv", data)], kind="survey.responses",
                        user="anonymous" if anonymous else ui.user_name())
    if result.ok:
        ui.data_changed()
        st.session_state["survey_thanks"] = "Thank you: your answers are in" + (" (anonymously)." if anonymous else ".")
        st.rerun()
    else:
        if invite:
            invites.release(con, invite)   # the link stays good for another try
        st.error("Your answers could not be saved: " + " ".join(result.messages() or [result.message]))

if auth.at_least(auth.current_role(), "analyst"):
    with st.expander("Upload survey answers (CSV)"):
        st.caption("Columns: respondent_id, role (CEO, CMO, Sales, Board, Marketing), question_id, answer, "
                   "submitted_at — or one column per question. Email addresses in respondent_id are replaced by "
                   "salted keys.")
        upload_flow("survey_upload", kind="survey.responses")
