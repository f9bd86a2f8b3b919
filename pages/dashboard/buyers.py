"""Buyers: how deals go by persona and buying committee, the lead funnel, and what buyers said."""
import datetime as dt
import uuid

import streamlit as st

from data_models import buyers
from data_models.page_figures import BuyersFigures
from pages.shared import auth, charts, ui
from pages.shared.upload_flow import upload_flow

PERSONA_COLUMNS = {
    "persona": ("Persona", "text"), "deals": ("Closed deals", "int"), "won": ("Won", "int"),
    "win_rate": ("Win rate", "pct"), "win_rate_low": ("95% low", "pct"), "win_rate_high": ("95% high", "pct"),
    "avg_cycle_days_won": ("Avg cycle (days, won)", "num"), "avg_assets_consumed": ("Avg assets read", "num"),
    "share_consumed_content": ("Read content", "pct"),
}

st.title("Buyers")
p = ui.require_data(ui.params())

figures = charts.figures(BuyersFigures, p)
personas, committee = figures.personas, figures.committee
lead_funnel, acceptance = figures.lead_funnel, figures.acceptance

known = personas[(personas["persona"] != buyers.NO_ROLES) & (personas["deals"] >= 5)]
if len(known):
    best = known.sort_values("win_rate", ascending=False).iloc[0]
    ui.headline(f"Deals with {best.persona} buyers on them win {ui.pct(best.win_rate)} of the time "
                f"({int(best.won)} of {int(best.deals)} closed deals); sales accepts {ui.pct(acceptance)} of the MQLs "
                "marketing hands over.")
else:
    ui.headline(f"Sales accepts {ui.pct(acceptance)} of the MQLs marketing hands over. "
                "Too few closed deals with contact roles in this period to compare personas (widen the period).")

if len(personas):
    personas = personas.sort_values("win_rate")
    ui.chart(charts.persona_win_rates(personas, "Win rate by persona on the deal (closed deals, 95% interval)"),
             key="buyers_persona")
    ui.table_with_download(personas.sort_values("deals", ascending=False), key="personas",
                           file_name="buyers_by_persona.csv", columns=PERSONA_COLUMNS)

if committee["deals"].sum():
    largest = committee[committee["deals"] > 0].sort_values("win_rate").iloc[-1]
    ui.chart(charts.committee_win_rates(committee, f"Committees of {largest.committee_bucket} people win most often "
                                                   f"({ui.pct(largest.win_rate)})"), key="buyers_committee")

st.subheader("Lead funnel")
ui.chart(charts.people_funnel(lead_funnel, f"Sales accepts {ui.pct(acceptance)} of MQLs — people created in the "
                                          "period by stage"), key="buyers_funnel")
by_source = figures.by_source
ui.table_with_download(by_source, key="funnel_by_source", file_name="funnel_by_source.csv", columns={
    "lead_source_channel": ("Lead source channel", "text"), "leads": ("Leads", "int"), "mqls": ("MQLs", "int"),
    "sals": ("Sales accepted", "int"), "mql_acceptance": ("MQLs accepted", "pct"),
    "opportunities": ("Opportunities", "int"), "won": ("Won", "int"), "win_rate_from_lead": ("Lead → won", "pct"),
})

st.subheader("What buyers said")
notes_all = figures.notes_all
if notes_all.empty:
    st.caption("No buyer interviews yet. Add one below or upload a CSV of win/loss interview notes.")
else:
    c1, c2 = st.columns(2)
    persona_choice = c1.selectbox("Persona", ["All"] + sorted(notes_all["persona"].dropna().unique()), key="notes_persona")
    area_choice = c2.selectbox("Insight area", ["All"] + list(buyers.INSIGHT_AREAS), key="notes_area",
                               format_func=lambda a: buyers.INSIGHT_LABELS.get(a, a))
    notes = figures.notes(None if persona_choice == "All" else persona_choice,
                          None if area_choice == "All" else area_choice)
    summary = figures.interviews()
    st.dataframe(summary, hide_index=True, width="stretch")
    for note in notes.head(12).itertuples():
        st.markdown(f"> {note.note}\n>\n> — {note.persona}, {note.outcome}, "
                    f"{buyers.INSIGHT_LABELS.get(note.insight_area, note.insight_area)}"
                    + (f", {note.interview_date:%b %Y}" if note.interview_date == note.interview_date and note.interview_date else ""))

with st.expander("Add an interview note"):
    with st.form("interview_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        day = c1.date_input("Interview date", value=p.today, key="interview_date")
        persona = c2.text_input("Persona (e.g. Marketing, Executive, IT/Engineering)", key="interview_persona")
        outcome = c1.selectbox("Outcome", ("won", "lost", "no_decision"), key="interview_outcome")
        area = c2.selectbox("Insight area", buyers.INSIGHT_AREAS, format_func=buyers.INSIGHT_LABELS.get, key="interview_area")
        opportunity = st.text_input("Opportunity id (optional)", key="interview_opportunity")
        quote = st.text_area("What the buyer said", key="interview_quote")
        submitted = st.form_submit_button("Save note")
    if submitted:
        if not persona.strip() or not quote.strip():
            st.error("Please fill in the persona and what the buyer said.")
        else:
            from connectors import forms
            from connectors.load import load_files

            data = forms.interview_csv(f"note-{uuid.uuid4().hex[:12]}", day, persona.strip(), outcome, area,
                                       quote.strip(), opportunity.strip() or None)
            result = load_files(ui.write_connection(), [(f"interview-form-{dt.datetime.now():%Y%m%d-%H%M%S}.csv", data)],
                                kind="buyer.interviews", user=ui.user_name())
            if result.ok:
                ui.data_changed()
                st.success("Saved.")
                st.rerun()
            else:
                st.error("The note could not be saved: " + " ".join(result.messages() or [result.message]))

if auth.at_least(auth.current_role(), "analyst"):
    with st.expander("Upload interview notes (CSV)"):
        st.caption("Columns: interview_id, date, opportunity_id, persona, outcome (won / lost / no_decision), insight_area "
                   "(priority_initiative, success_factors, perceived_barriers, decision_criteria, buyer_journey), quote.")
        upload_flow("interviews_upload", kind="buyer.interviews")

with st.expander("How is this computed"):
    st.markdown("Deals closed in the period; a deal counts under every persona among its contact roles, so persona "
                "rows do not add up to the total. Committee size = contacts with a role on the deal. The funnel "
                "follows people created in the period; a stage counts as reached when its date or a later one is known.")
