"""ROI & spend: what marketing spent, what it returned per channel and campaign, and which channels do not pay back."""
import streamlit as st

from data_models.page_figures import RoiFigures, default_margin
from data_models.headlines import period_phrase
from data_models.periods import period_label
from pages.shared import charts, ui

p = ui.require_data(ui.params())
label = period_label(p.start, p.end, p.fiscal_year_start_month)
st.title(f"ROI & spend · {label}")
headline_slot = st.empty()  # written once the margin below is known

margin = st.number_input("Gross margin (%)", min_value=0, max_value=100, value=default_margin(p), step=1,
                         key="roi_margin", help="Share of revenue left after the cost of delivering it; ROI counts "
                                                "only this margin. An admin sets the default in Admin > Settings.")
figures = charts.figures(RoiFigures, p, margin=margin)
summary = figures.summary
by_channel = figures.by_channel
spent = by_channel[by_channel["spend"].astype(float) > 0].copy()
if spent.empty:
    headline_slot.empty()
    st.info(f"No marketing spend is recorded in {label}: load ad spend (Google Ads, LinkedIn) or campaign costs on "
            "the **Upload** page, or widen the **Period** in the sidebar.")
    st.stop()

losers = spent[spent["pays_back"] == False].sort_values(["roi", "spend"], ascending=[True, False])  # noqa: E712
names = [charts.channel_label(c) for c in losers["channel"]]
named = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)
verdict = (f" {named} {'does' if len(names) == 1 else 'do'} not pay back." if names
           else " Every channel with spend pays back.")
headline_slot.markdown(
    f"<p class='mvd-headline'>Marketing spent {ui.money(summary.spend)} {period_phrase(p)}; at {margin}% gross margin "
    f"the {ui.money(summary.attributed_revenue)} of revenue attributed to it returns {ui.pct(summary.roi)}."
    f"{verdict}</p>", unsafe_allow_html=True)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Marketing spend", ui.money(summary.spend), help="Ad spend plus CRM campaign costs (never both for one campaign).")
c2.metric("ROI", ui.pct(summary.roi), help="(attributed revenue × gross margin − spend) ÷ spend")
c3.metric("Pipeline per $1", "–" if summary.pipeline_per_dollar != summary.pipeline_per_dollar
          else f"${summary.pipeline_per_dollar:,.2f}", help="Attributed pipeline ÷ spend")
c4.metric("CAC", ui.money(summary.cac),
          help=f"Spend ÷ new customers ({int(summary.new_customers)} accounts whose first won deal closed in the period).")
if not str(summary.method).startswith(p.model):
    st.caption(f"Credit: {summary.method}.")

# ---------- by channel
st.subheader("By channel")
order = spent.sort_values("roi")
worst, best = order.iloc[0], order.iloc[-1]
ui.chart(charts.bar(
    [charts.channel_label(c) for c in order["channel"]], order["roi"] * 100,
    f"Best return: {charts.channel_label(best.channel)} ({best.roi:,.0%}); "
    f"worst: {charts.channel_label(worst.channel)} ({worst.roi:,.0%})",
    horizontal=True, money=False, suffix="%", text=[f"{r:,.0%}" for r in order["roi"]],
    colors=[charts.POSITIVE if r >= 0 else charts.NEGATIVE for r in order["roi"]]), key="roi_by_channel")
st.caption("ROI in percent: above zero the margin on attributed revenue covers the spend.")

ui.chart(charts.dumbbell(
    [charts.channel_label(c) for c in spent["channel"]], spent["spend"],
    [r * margin / 100 for r in spent["attributed_revenue"]], "Spend", f"Attributed revenue × {margin}% margin",
    f"At {margin}% margin, {named} {'does' if len(names) == 1 else 'do'} not earn back {'its' if len(names) == 1 else 'their'} spend"
    if names else f"At {margin}% margin, every channel earns back its spend"), key="roi_spend_vs_return")

per_dollar = spent.sort_values("pipeline_per_dollar", ascending=False)
top = per_dollar.iloc[0]
ui.chart(charts.bar(
    [charts.channel_label(c) for c in per_dollar["channel"]], per_dollar["pipeline_per_dollar"],
    f"Most pipeline per dollar: {charts.channel_label(top.channel)}, ${top.pipeline_per_dollar:,.2f}",
    horizontal=True, money=False, text=[f"${v:,.2f}" for v in per_dollar["pipeline_per_dollar"]]),
    key="roi_pipeline_per_dollar")

# the tables show executive formats ($, %, counts); their CSV keeps every column with its raw values
ROI_COLUMNS = {
    "spend": ("Spend", "money"), "ad_spend": ("Ad spend", "money"), "campaign_cost": ("Campaign cost", "money"),
    "attributed_revenue": ("Attributed revenue", "money"), "attributed_pipeline": ("Attributed pipeline", "money"),
    "roi": ("ROI", "pct"), "pipeline_per_dollar": ("Pipeline per $1", "money"),
    "cost_per_opportunity": ("Cost per opportunity", "money"), "cac": ("CAC", "money"),
    "won_deals_credited": ("Won deals credited", "num"), "opportunities_credited": ("Opportunities credited", "num"),
    "pays_back": ("Pays back", "text"),
}
PAYS_BACK = {True: "yes", False: "no"}   # None: no spend, so no ROI
channel_table = by_channel.assign(channel_name=[charts.channel_label(c) for c in by_channel["channel"]],
                                  pays_back=by_channel["pays_back"].map(PAYS_BACK))
ui.table_with_download(channel_table, key="roi_channels", file_name="roi_by_channel.csv",
                       columns={"channel_name": ("Channel", "text"), **ROI_COLUMNS})
st.caption("Channels without spend (e.g. organic content, sales outbound) have no ROI; their credit is shown for "
           "completeness.")

# ---------- by campaign
st.subheader("By campaign")
by_campaign = figures.by_campaign
campaigns = by_campaign[by_campaign["spend"].astype(float) > 0]
campaigns = campaigns.assign(spend_value=campaigns["spend"].astype(float)).sort_values(
    ["roi", "spend_value"], ascending=[True, False])
if len(campaigns):
    names = [n if isinstance(n, str) else c for n, c in zip(campaigns["campaign_name"], campaigns["campaign_id"])]
    w = campaigns.iloc[0]
    ui.chart(charts.bar(
        names, campaigns["roi"] * 100,
        f"Lowest return: {names[0]}, {w.roi:,.0%} on {ui.money(w.spend)}",
        horizontal=True, money=False, suffix="%", text=[f"{r:,.0%}" for r in campaigns["roi"]],
        colors=[charts.POSITIVE if r >= 0 else charts.NEGATIVE for r in campaigns["roi"]]), key="roi_by_campaign")
# campaigns with spend first (the ones with an ROI), largest first; then the others by attributed revenue
campaign_table = by_campaign.drop(columns=["gross_margin", "method"]).assign(
    pays_back=by_campaign["pays_back"].map(PAYS_BACK), spend_value=by_campaign["spend"].astype(float)).sort_values(
    ["spend_value", "attributed_revenue"], ascending=False, kind="stable").drop(columns=["spend_value"])
ui.table_with_download(campaign_table, key="roi_campaigns",
                       file_name="roi_by_campaign.csv",
                       columns={"campaign_name": ("Campaign", "text"), "campaign_id": ("Campaign ID", "text"),
                                "channel": ("Channel", "text"), **ROI_COLUMNS})

with st.expander("How is this computed"):
    st.markdown(
        f"""
- **ROI** = (attributed revenue × gross margin − marketing spend) ÷ marketing spend; gross margin is the number
  above ({margin}%). Attributed revenue is won revenue closed in the period, credited by the
  **{ui.MODEL_LABELS.get(p.model, p.model)}** model (change it in the sidebar).
- **Pipeline per dollar** = attributed pipeline ÷ spend; **cost per opportunity** = spend ÷ credited opportunities;
  **CAC** = spend ÷ won deals credited (per channel) or ÷ new customers (the total).
- **Spend** = ad platform spend by day plus CRM campaign costs (dated on the campaign's start); a campaign with
  matched ad spend is costed by its ad spend only, so nothing is counted twice. Spend has no segment or region, so
  those filters do not change it.
- A channel **does not pay back** when the margin on its attributed revenue is below its spend (ROI below 0).
"""
    )
