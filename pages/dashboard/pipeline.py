"""Pipeline: how much new pipeline marketing sourced and influenced, by quarter, channel and segment,
how the attributed total reconciles to the CRM, and the deals behind any bar."""
import streamlit as st

from data_models import metrics
from data_models.headlines import period_phrase
from data_models.metrics import SOURCE_GROUPS
from data_models.page_figures import PIPELINE_DEFAULT_GROUP, PipelineFigures
from data_models.periods import period_label
from pages.shared import charts, ui

# a bar of a large company holds thousands of deals: the page lists the largest (a few hundred kB less to send
# and draw on every visit), the CSV download has them all
LISTED_DEALS = 100

p = ui.require_data(ui.params())
label = period_label(p.start, p.end, p.fiscal_year_start_month)
figures = charts.figures(PipelineFigures, p)
other_definition = figures.other_definition
chosen_name, other_name = ui.SOURCED_LABELS[p.sourced_definition], ui.SOURCED_LABELS[other_definition]
st.title(f"Sourced & influenced pipeline · {label}")

share, sourced_amount, total = figures.sourced
other_share, other_amount, _ = figures.other_sourced
influenced = figures.influenced
if int(influenced.total_opportunities) == 0:
    charts.empty_state("opportunities were created", label, p)
    st.stop()

ui.headline(
    f"Marketing sourced {ui.pct(share)} of new pipeline {period_phrase(p)} ({ui.money(sourced_amount)} of "
    f"{ui.money(total)}) by {chosen_name.lower()}; by {other_name.lower()} it is {ui.pct(other_share)}. "
    f"Marketing touched {ui.pct(influenced.influenced_share)} ({ui.money(influenced.influenced_amount)})."
)
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"Sourced · {chosen_name}", ui.pct(share), help=metrics.DEFINITION_LABELS[p.sourced_definition])
c2.metric(f"Sourced · {other_name}", ui.pct(other_share), help=metrics.DEFINITION_LABELS[other_definition])
c3.metric("Influenced", ui.pct(influenced.influenced_share),
          help=f"Deals with a marketing touch from {p.lookback_days} days before creation to close (or today).")
c4.metric("New pipeline (CRM)", ui.money(total), help=f"{int(influenced.total_opportunities)} opportunities created.")

# ---------- by quarter: the last four quarters up to the end of the period, or the whole period
by_quarter, other_by_quarter = figures.by_quarter, figures.other_by_quarter
quarters = figures.quarters

st.subheader("By quarter")
marketing = by_quarter[by_quarter["source_group"] == "marketing"]
best = marketing.loc[marketing["share"].idxmax()] if len(marketing) and marketing["share"].notna().any() else None
title = (f"Marketing's best quarter was {best['period']}: {ui.pct(best['share'])} of new pipeline"
         if best is not None and len(quarters) > 1 else f"Marketing sourced {ui.pct(share)} of new pipeline")
fig = charts.stacked_bar(by_quarter, "period", "amount", "source_group", f"{title} ({chosen_name.lower()})",
                         order=SOURCE_GROUPS, names={g: f"{g.title()}-sourced" for g in SOURCE_GROUPS},
                         colors=ui.GROUP_COLORS)
points = charts.selectable_chart(fig, key="pipeline_by_quarter")
charts.follow_selection(points, "pipeline_by_quarter", {"x": "pl_quarter", "group": "pl_group"}, SOURCE_GROUPS)
st.caption("Click a bar (or pick below) to see the deals behind it.")

# sourced under both definitions and influenced, per quarter
influenced_share = figures.influenced_by_quarter.set_index("period")["influenced_share"].reindex(quarters).tolist()
other_marketing = other_by_quarter[other_by_quarter["source_group"] == "marketing"].set_index("period")["share"]
gap = share - other_share
ui.chart(charts.trend(
    quarters,
    {f"Sourced · {chosen_name}": marketing.set_index("period")["share"].reindex(quarters).tolist(),
     f"Sourced · {other_name}": other_marketing.reindex(quarters).tolist(),
     "Influenced": influenced_share},
    f"The two sourced definitions differ by {abs(gap) * 100:.0f} points {period_phrase(p)}; "
    f"influence reaches {ui.pct(influenced.influenced_share)}",
    percent=True, dashes=["solid", "dot", "dash"]), key="pipeline_definitions")

# ---------- by channel and by segment
st.subheader("By channel and segment")
left, right = st.columns(2)
by_channel = figures.by_channel
with left:
    if len(by_channel):
        top = by_channel.iloc[0]
        ui.chart(charts.bar([charts.channel_label(c) for c in by_channel["channel"]], by_channel["amount"],
                            f"Most influenced pipeline: {charts.channel_label(top.channel)}, "
                            f"{ui.money(top.amount)} ({ui.pct(top.share)})",
                            horizontal=True, text=[ui.money(a) for a in by_channel["amount"]]),
                 key="pipeline_influenced_channel")
        method = by_channel["method"].iloc[0]
        st.caption(f"Each influenced deal counts once, split over channels by "
                   f"{ui.MODEL_LABELS.get(p.model, p.model) if not method.startswith('linear') else 'a linear split'}"
                   "; the channels add up to the influenced total.")
    else:
        st.info(f"No marketing touch within {p.lookback_days} days before creation on any deal: "
                "raise the lookback in the sidebar.")
with right:
    lead_channels = figures.lead_channels
    lead_channels = lead_channels[lead_channels["source_group"] == "marketing"].sort_values("amount", ascending=False)
    if len(lead_channels):
        top = lead_channels.iloc[0]
        ui.chart(charts.bar([charts.channel_label(c) for c in lead_channels["channel"]], lead_channels["amount"],
                            f"Most sourced by lead source: {charts.channel_label(top.channel)}, {ui.money(top.amount)}",
                            horizontal=True, text=[ui.money(a) for a in lead_channels["amount"]]),
                 key="pipeline_sourced_channel")
        st.caption("Marketing-sourced pipeline by the lead source's channel (lead-source definition).")
    else:
        st.info("No deal's lead source is a marketing channel in this period.")

segments = figures.segments
seg_sourced = figures.segment_sourced
by_segment = figures.influenced_by_segment
seg_influenced = [by_segment.loc[by_segment["segment"] == s, "influenced_amount"].sum() for s in segments["segment"]]
if len(segments):
    shares = [ui.pct(float(s) / float(t)) if float(t) else "–" for s, t in zip(seg_sourced, segments["amount"])]
    best_segment = max(zip(segments["segment"], seg_sourced, segments["amount"]),
                       key=lambda r: float(r[1]) / float(r[2]) if float(r[2]) else -1)
    ui.chart(charts.grouped_bar(
        segments["segment"].tolist(),
        {"New pipeline": segments["amount"], f"Marketing-sourced ({chosen_name.lower()})": seg_sourced,
         "Marketing-influenced": seg_influenced},
        f"Marketing sources the largest share in {best_segment[0]}: "
        f"{shares[list(segments['segment']).index(best_segment[0])]}",
        colors=[ui.GROUP_COLORS["unknown"], ui.GROUP_COLORS["marketing"], ui.PALETTE[3]]), key="pipeline_segments")

# ---------- reconciliation
st.subheader("Does it add up to the CRM?")
recon = figures.reconciliation.set_index("line")
crm, attributed, diff = (recon.loc[k] for k in ("CRM total pipeline", "Attributed pipeline", "Difference"))
reasons = recon[recon.index.str.startswith("Reason")]
if float(diff.amount) == 0:
    st.success(f"All {int(crm.opportunities)} deals ({ui.money(crm.amount)}) have a touch in the window: "
               "the attributed total equals the CRM total.")
else:
    why = "; ".join(f"{charts.count(r.opportunities, 'deal')} ({ui.money(r.amount)}) with {line.split(': ', 1)[1]}"
                    for line, r in reasons.iterrows() if int(r.opportunities))
    st.markdown(f"The CRM shows **{ui.money(crm.amount)}** ({int(crm.opportunities)} deals); attribution sees "
                f"**{ui.money(attributed.amount)}** ({int(attributed.opportunities)} deals). "
                f"The {ui.money(diff.amount)} difference: {why}.")
# shown in dollars and cents (it ties out to the CRM to the cent); the CSV keeps the exact decimals
ui.table_with_download(recon.reset_index(), key="pipeline_reconciliation", file_name="pipeline_reconciliation.csv",
                       columns={"line": ("Line", "text"), "opportunities": ("Deals", "int"),
                                "amount": ("Amount", "money"), "note": ("Why", "text")})

# ---------- drill-down: the deals behind a bar, and one deal's journey
st.subheader("The deals behind a bar")
c1, c2 = st.columns(2)
if st.session_state.get("pl_quarter") not in quarters:
    st.session_state["pl_quarter"] = quarters[-1]
if st.session_state.get("pl_group") not in SOURCE_GROUPS:
    st.session_state["pl_group"] = PIPELINE_DEFAULT_GROUP
quarter = c1.selectbox("Quarter", quarters, key="pl_quarter")
group = c2.selectbox("Source", SOURCE_GROUPS, format_func=lambda g: f"{g.title()}-sourced", key="pl_group")
deals = figures.deals(quarter, group)
if deals.empty:
    st.info(f"No {group}-sourced deals were created in {quarter}. Pick another quarter or source, "
            f"or switch the sourced definition in the sidebar.")
else:
    shown = deals[["opportunity_id", "created_date", "amount", "lead_source", "lead_source_group",
                   "first_touch_channel", "first_touch_group", "touches_in_window", "marketing_touches_in_window",
                   "via_account"]].rename(columns={
        "opportunity_id": "Deal", "created_date": "Created", "amount": "Amount", "lead_source": "Lead source",
        "lead_source_group": "Source by lead source", "first_touch_channel": "First touch channel",
        "first_touch_group": "Source by first touch", "touches_in_window": "Touches in window",
        "marketing_touches_in_window": "Marketing touches", "via_account": "Touches via account"})
    shown["Amount"] = shown["Amount"].astype(float)
    st.markdown(f"**{charts.count(len(shown), group + '-sourced deal')}** created in {quarter}, worth {ui.money(shown['Amount'].sum())}.")
    ui.table_with_download(shown, key="pipeline_deals", file_name=f"deals_{quarter}_{group}.csv".replace(" ", "_"),
                           max_rows=LISTED_DEALS)
    if len(shown) > LISTED_DEALS:
        st.caption(f"The {LISTED_DEALS} largest are listed, and can be picked below; the CSV has all {len(shown):,}.")
    listed = deals.head(LISTED_DEALS)
    amounts = dict(zip(listed["opportunity_id"], listed["amount"]))  # one lookup per option, not a scan
    deal_id = st.selectbox("Show the journey of", list(amounts), key="pl_deal",
                           format_func=lambda d: f"{d} · {ui.money(amounts[d])}")
    journey = figures.journey(deal_id)
    created = dict(zip(deals["opportunity_id"], deals["created_date"]))[deal_id]
    if journey.empty:
        st.info(f"{deal_id} has no touch between {p.lookback_days} days before creation and close: "
                "raise the lookback in the sidebar to look further back.")
    else:
        first = journey[journey["is_first"]].iloc[0]
        ui.chart(charts.touch_timeline(
            journey, f"{deal_id}: {len(journey)} touches; the first was {charts.channel_label(first.channel)} "
                     f"on {first.occurred_at:%b %d}", created=created,
            weight_column=p.model if p.model in journey.columns else None), key="pipeline_timeline")
        if journey["via_account"].any():
            st.caption("This deal has no contact roles: its touches come from contacts of its account (labelled).")

with st.expander("How is this computed"):
    st.markdown(
        f"""
- **Pipeline**: sum of amount of opportunities created in the period; it equals the CRM's own total.
- **Sourced pipeline**: opportunities that marketing created. Two definitions: (a) *lead source*: the
  opportunity's (or its primary contact's) lead source is a marketing channel; (b) *first touch*: the earliest
  touchpoint of any contact on the opportunity (or on its account when it has no contact roles) within the
  lookback window before the created date is a marketing touch. Every opportunity is exactly one of
  marketing-, sales-, partner-sourced or unknown; the four add up to total pipeline. Now: **{chosen_name}**.
- **Influenced pipeline**: opportunities with at least one marketing touchpoint from a contact on the deal
  (account fallback, labelled) between created date minus the lookback (**{p.lookback_days} days**) and the close
  date (or today). Each deal counts once; the channel split follows the attribution model
  (**{ui.MODEL_LABELS.get(p.model, p.model)}**) so the parts add up to the total.
- **Reconciliation**: attributed pipeline counts deals with any touch in that window; the difference to the CRM
  total is deals with no touches at all plus deals whose touches all fall outside the window.
"""
    )
