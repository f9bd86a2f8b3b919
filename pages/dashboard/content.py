"""Content: do deals whose buyers read content before the first sales meeting go better? With counts,
95% intervals and the plain caveat that this is correlation."""
import streamlit as st

from data_models import content
from data_models.page_figures import ContentFigures
from data_models.periods import period_label
from pages.shared import charts, ui

p = ui.require_data(ui.params())
label = period_label(p.start, p.end, p.fiscal_year_start_month)
st.title(f"Content-assisted deals · {label}")

figures = charts.figures(ContentFigures, p)
groups = figures.groups
a, u = groups.loc["assisted"], groups.loc["unassisted"]
if int(a.deals) + int(u.deals) == 0:
    charts.empty_state("deals closed", label, p)
    st.stop()

ui.headline(figures.headline.text)
st.info(f"**Read this as a pointer, not proof.** {content.CAVEAT}")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Win rate · assisted", ui.pct(a.win_rate),
          f"{(a.win_rate - u.win_rate) * 100:+.0f} pts vs unassisted" if a.deals and u.deals else None,
          help=f"{int(a.won)} won of {int(a.deals)} closed; 95% interval {ui.pct(a.win_rate_low)}–{ui.pct(a.win_rate_high)}.")
c2.metric("Sales cycle · assisted", "–" if a.avg_cycle_days != a.avg_cycle_days else f"{a.avg_cycle_days:.0f} days",
          None if a.avg_cycle_days != a.avg_cycle_days or u.avg_cycle_days != u.avg_cycle_days
          else f"{a.avg_cycle_days - u.avg_cycle_days:+.0f} days vs unassisted", delta_color="inverse",
          help="Average days from created to close of won deals.")
c3.metric("Average won deal · assisted", ui.money(a.avg_won_amount),
          None if a.avg_won_amount != a.avg_won_amount or u.avg_won_amount != u.avg_won_amount
          else f"{ui.money(a.avg_won_amount - u.avg_won_amount)} vs unassisted")
c4.metric("Velocity · assisted", f"{ui.money(a.velocity_per_day)}/day",
          None if a.velocity_per_day != a.velocity_per_day or u.velocity_per_day != u.velocity_per_day
          else f"{ui.money(a.velocity_per_day - u.velocity_per_day)}/day vs unassisted",
          help="(open deals × win rate × average won amount) ÷ average cycle days, per group.")

left, right = st.columns(2)
with left:
    better = "higher" if a.win_rate > u.win_rate else "lower" if a.win_rate < u.win_rate else "the same"
    ui.chart(charts.rates_with_intervals(
        ["Read content", "No content"], [a.win_rate, u.win_rate], [a.win_rate_low, u.win_rate_low],
        [a.win_rate_high, u.win_rate_high], [a.deals, u.deals],
        f"Content-assisted deals win {better}: {ui.pct(a.win_rate)} vs {ui.pct(u.win_rate)}",
        colors=[ui.PALETTE[0], ui.GROUP_COLORS["unknown"]]), key="content_win_rate")
with right:
    journey = figures.journey
    if int(journey.touches):
        st.metric("Share of the journey before the first sales meeting", ui.pct(journey.share),
                  help="Touches before the first sales meeting (or creation, where no meeting is recorded) ÷ all "
                       "touches up to close, over won deals closed in the period.")
        st.markdown(
            f"On the {charts.count(journey.won_deals_with_touches, 'won deal')} with touches, "
            f"**{int(journey.touches_before_meeting)} of {int(journey.touches)} touches** came before the first sales "
            f"meeting (the average deal: {ui.pct(journey.mean_deal_share)}). Buyers do much of the work before they "
            "talk to sales; what they read on the way is marketing's content.")
    else:
        st.info("No won deal in the period has a recorded touch, so the journey before the first meeting is unknown.")

table = groups.reset_index()[["group", "deals", "won", "win_rate", "win_rate_low", "win_rate_high", "avg_cycle_days",
                              "avg_won_amount", "won_amount", "velocity_per_day", "open_opportunities"]]
table = table.rename(columns={
    "group": "Group", "deals": "Closed deals", "won": "Won", "win_rate": "Win rate", "win_rate_low": "95% low",
    "win_rate_high": "95% high", "avg_cycle_days": "Cycle days (won)", "avg_won_amount": "Average won amount",
    "won_amount": "Won amount", "velocity_per_day": "Velocity per day", "open_opportunities": "Open deals"})
table["Won amount"] = table["Won amount"].astype(float)
ui.table_with_download(table.round(3), key="content_groups", file_name="content_assisted_vs_unassisted.csv", columns={
    "Group": ("Group", "text"), "Closed deals": ("Closed deals", "int"), "Won": ("Won", "int"),
    "Win rate": ("Win rate", "pct"), "95% low": ("95% low", "pct"), "95% high": ("95% high", "pct"),
    "Cycle days (won)": ("Cycle days (won)", "num"), "Average won amount": ("Average won amount", "money"),
    "Won amount": ("Won amount", "money"), "Velocity per day": ("Velocity per day", "money"),
    "Open deals": ("Open deals", "int"),
})

# ---------- which assets
st.subheader("Which assets")
all_assets = figures.assets  # one query; both rankings below are cheap
by_revenue = content.rank_assets(all_assets, "revenue", n=10)
min_deals = st.number_input("Rank by lift only assets read on at least this many closed deals", 1, 50, 3,
                            key="content_min_deals")
by_lift = content.rank_assets(all_assets, "lift", n=10, min_deals=int(min_deals))
tab_revenue, tab_lift = st.tabs(["By assisted won revenue", "By lift in win rate"])
with tab_revenue:
    if by_revenue.empty:
        st.info("No closed deal's buyers read a catalogued asset before the first meeting. Check that the content "
                "catalogue and web analytics are loaded, or widen the **Period**.")
    else:
        first = by_revenue.iloc[0]
        ui.chart(charts.bar(by_revenue["asset_title"].fillna(by_revenue["asset_id"]), by_revenue["assisted_won_revenue"],
                            f"“{first.asset_title}” was read on won deals worth {ui.money(first.assisted_won_revenue)}",
                            horizontal=True, text=[ui.money(v) for v in by_revenue["assisted_won_revenue"]]),
                 key="content_assets_revenue")
with tab_lift:
    if by_lift.empty:
        st.info(f"No asset was read before the first meeting on {int(min_deals)} or more closed deals: lower the "
                "minimum above or widen the **Period**; lift on fewer deals is noise.")
    else:
        first = by_lift.iloc[0]
        ui.chart(charts.bar(by_lift["asset_title"].fillna(by_lift["asset_id"]), by_lift["lift_points"] * 100,
                            f"Deals that read “{first.asset_title}” won {first.lift_points * 100:+.0f} pts more often "
                            "than deals that did not", horizontal=True, money=False,
                            text=[f"{v * 100:+.0f} pts (n = {int(n)})" for v, n in zip(by_lift["lift_points"], by_lift["deals"])]),
                 key="content_assets_lift")
assets_table = by_revenue.rename(columns={
    "asset_id": "Asset", "asset_title": "Title", "asset_type": "Type", "url": "URL", "deals": "Closed deals",
    "won": "Won", "assisted_won_revenue": "Assisted won revenue", "win_rate": "Win rate", "win_rate_low": "95% low",
    "win_rate_high": "95% high", "win_rate_without": "Win rate without it", "lift": "Lift (×)",
    "lift_points": "Lift (pts)", "deals_without": "Closed deals without it", "won_without": "Won without it"})
if len(assets_table):
    assets_table["Assisted won revenue"] = assets_table["Assisted won revenue"].astype(float)
ui.table_with_download(assets_table.round(3), key="content_assets", file_name="content_assets.csv")

# ---------- depth
st.subheader("Does reading more go with winning more?")
depth = figures.depth
observed = depth[depth["deals"] > 0]
if len(observed) > 1:
    best = observed.loc[observed["win_rate"].idxmax()]
    none = depth.set_index("depth_bucket").loc["0"]
    title = (f"Deals that read {best.depth_bucket} assets won {ui.pct(best.win_rate)}, vs {ui.pct(none.win_rate)} "
             "with none" if best.depth_bucket != "0" and none.deals else
             f"Win rate is highest ({ui.pct(best.win_rate)}) with {best.depth_bucket} assets read")
else:
    title = "Win rate by assets read before the first sales meeting"
ui.chart(charts.rates_with_intervals([f"{b} assets" for b in depth["depth_bucket"]], depth["win_rate"],
                                     depth["win_rate_low"], depth["win_rate_high"], depth["deals"], title),
         key="content_depth")
st.caption("Bars show the win rate, whiskers its 95% interval; n is the number of closed deals. "
           "Wide whiskers mean too few deals to tell.")
ui.table_with_download(depth.rename(columns={"depth_bucket": "Assets read", "deals": "Closed deals", "won": "Won",
                                             "win_rate": "Win rate", "win_rate_low": "95% low",
                                             "win_rate_high": "95% high"}).round(3),
                       key="content_depth", file_name="content_depth.csv")

with st.expander("How is this computed"):
    st.markdown(
        """
- **Content-assisted deal**: a closed opportunity where at least one contact on the deal (or of its account when
  the deal has no contact roles) consumed at least one content asset (blog post, guide, case study, comparison or
  pricing page, webinar, video) before the first sales meeting (the opportunity's created date when no meeting
  date is recorded). Deals count in the period of their close date.
- Compared with unassisted deals on **win rate** (won ÷ closed, with a Wilson 95% interval), **sales cycle days**
  (created to close, won deals), **average won amount** and **pipeline velocity** = (open deals × win rate ×
  average won amount) ÷ average cycle days.
- **Assets** are ranked by the won amount of deals that read them (assisted won revenue) and by **lift**: the win
  rate of closed deals that read the asset minus that of closed deals that did not.
- **Depth**: number of distinct assets read before the first meeting, in buckets, with counts and intervals.
- **Journey before the first meeting**: touches before the first sales meeting ÷ all touches up to close, over
  won deals.

This is correlation: buyers who read more may already have been more likely to buy.
"""
    )
