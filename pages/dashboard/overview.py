"""Overview: what marketing contributed this period, in three sentences, a few numbers and one trend."""
import streamlit as st

from data_models.page_figures import OverviewFigures
from data_models.periods import period_label
from pages.shared import charts, ui

p = ui.require_data(ui.params())
label = period_label(p.start, p.end, p.fiscal_year_start_month)
st.title(f"Marketing's contribution · {label}")

figures = charts.figures(OverviewFigures, p)
lines = figures.lines
for line in lines:
    ui.headline(line.text)

now, before = figures.now, figures.before
sourced, influenced = lines[0], lines[1]
revenue_now, revenue_before = figures.revenue_now, figures.revenue_before

c1, c2, c3, c4 = st.columns(4)
c1.metric("New pipeline", ui.money(now.pipeline), f"{ui.money(now.pipeline - before.pipeline)} {ui.vs_previous(p)}",
          help="Amount of opportunities created in the period; equals the CRM's own total.")
c2.metric("Marketing-sourced share", ui.pct(sourced.value),
          f"{sourced.change_points:+.0f} pts" if sourced.change_points == sourced.change_points else None,
          help=f"Definition: {ui.SOURCED_LABELS[p.sourced_definition]}. {ui.money(sourced.figures['marketing_amount'])} "
               f"of {ui.money(sourced.figures['total_pipeline'])}.")
c3.metric("Marketing-influenced share", ui.pct(influenced.value),
          f"{influenced.change_points:+.0f} pts" if influenced.change_points == influenced.change_points else None,
          help=f"Deals with a marketing touch from {p.lookback_days} days before creation to close.")
c4.metric("Revenue attributed to marketing", ui.money(revenue_now),
          f"{ui.money(revenue_now - revenue_before)} {ui.vs_previous(p)}",
          help=f"Won revenue in the period credited to marketing channels by the {ui.MODEL_LABELS[p.model]} model; "
               f"total won revenue {ui.money(now.revenue)}.")

# eight quarters of pipeline by source, ending with the selected period
trend = figures.trend
if len(trend):
    latest = trend[trend["source_group"] == "marketing"].tail(1)
    finding = (f"Marketing sourced {ui.pct(float(latest['share'].iloc[0]))} of pipeline in {latest['period'].iloc[0]}"
               if len(latest) else "New pipeline by source")
    ui.chart(charts.source_trend(trend, f"{finding} — new pipeline by source, last 8 quarters"), key="overview_trend")

st.caption("Where each figure comes from:")
ui.page_links([
    ("pages/dashboard/pipeline.py", "Sourced & influenced pipeline →"),
    ("pages/dashboard/attribution.py", "Attribution models →"),
    ("pages/dashboard/content.py", "Content-assisted deals →"),
    ("pages/dashboard/roi.py", "ROI & spend →"),
])
st.caption("Pipeline counts opportunities by created date, revenue counts won deals by close date; "
           "both equal the CRM's own totals for the same filters (see the reconciliation on the Pipeline page).")
