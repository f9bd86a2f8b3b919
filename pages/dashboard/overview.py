"""Overview: what marketing contributed this period, in three sentences and a few numbers."""
import streamlit as st

from data_models.crm_totals import crm_totals
from data_models.periods import period_label
from pages.shared import ui

st.title("Marketing's contribution")
p = ui.require_data(ui.params())
con = ui.connection()

now = crm_totals(con, p).iloc[0]
before = crm_totals(con, p.previous()).iloc[0]
label = period_label(p.start, p.end, p.fiscal_year_start_month)

ui.headline(f"{label}: {int(now.opportunities):,} new opportunities worth {ui.money(now.pipeline)}; "
            f"{int(now.won_deals):,} deals won for {ui.money(now.revenue)}.")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Pipeline created", ui.money(now.pipeline), ui.money(now.pipeline - before.pipeline) + " vs previous")
c2.metric("New opportunities", f"{int(now.opportunities):,}", f"{int(now.opportunities - before.opportunities):+,}")
c3.metric("Revenue won", ui.money(now.revenue), ui.money(now.revenue - before.revenue) + " vs previous")
c4.metric("Deals won", f"{int(now.won_deals):,}", f"{int(now.won_deals - before.won_deals):+,}")
st.caption("Pipeline counts opportunities by created date, revenue counts won deals by close date; "
           "both equal the CRM's own totals for the same filters.")
