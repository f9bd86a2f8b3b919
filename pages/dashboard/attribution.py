"""Attribution: which channels earn the credit under each model, why the models disagree, and the
data-driven models (Markov removal effects, Shapley coalitions) shown with their workings."""
import streamlit as st

from data_models import attribution
from data_models.attribution_rules import CUSTOM_SLOTS, MILESTONE_LABELS
from data_models.headlines import period_phrase
from data_models.page_figures import ATTRIBUTION_BASES, DEFAULT_CUSTOM_WEIGHTS, AttributionFigures
from data_models.params import ATTRIBUTION_MODELS
from data_models.periods import period_label
from pages.shared import charts, ui

BASIS_NAMES = {"pipeline": "Pipeline created", "revenue": "Revenue won"}
BASIS_NOUNS = {"pipeline": "new pipeline", "revenue": "won revenue"}

p = ui.require_data(ui.params())
label = period_label(p.start, p.end, p.fiscal_year_start_month)
st.title(f"Attribution models · {label}")
headline_slot = st.empty()  # the headline depends on the choices below; it is written first on the page

# the sidebar's model is the default; a new sidebar choice moves the page's picker with it
if st.session_state.get("attr_model_sidebar") != p.model:
    st.session_state["attr_model_sidebar"] = p.model
    st.session_state["attr_model"] = p.model
c1, c2 = st.columns(2)
model = c1.selectbox("Model", ATTRIBUTION_MODELS, format_func=ui.MODEL_LABELS.get, key="attr_model")
basis = c2.radio("Credit", ATTRIBUTION_BASES, format_func=BASIS_NAMES.get, horizontal=True, key="attr_basis")

with st.expander("Custom weights (first / lead / opportunity / won / rest)", expanded=model == "custom"):
    st.caption("Five percentages that must add up to 100; they define the *Custom weights* model.")
    columns = st.columns(5)
    weights = tuple(
        column.number_input(MILESTONE_LABELS[slot].capitalize(), min_value=0, max_value=100, step=5,
                            value=DEFAULT_CUSTOM_WEIGHTS[slot], key=f"attr_w_{slot}")
        for column, slot in zip(columns, CUSTOM_SLOTS)
    )
    figures = charts.figures(AttributionFigures, p, model=model, basis=basis, weights=weights)
    weights_ok = figures.weights_ok
    if not weights_ok:
        st.error(f"The five weights add up to {sum(weights)}, not 100: change them by {100 - sum(weights):+d} "
                 "in total. Until then the custom model is left out.")
    else:
        st.success("Weights add up to 100: the custom model is included in the comparison below.")

used_model = figures.used_model
if used_model != model:
    st.warning("Showing W-shaped (30/30/30/10) until the custom weights add up to 100.")
model_name = ui.MODEL_LABELS.get(used_model, used_model)

credit = figures.credit
info = attribution.reconciliation_of(credit)
if not info["deals_with_touches"]:
    headline_slot.empty()
    charts.empty_state(f"deals with touches ({BASIS_NOUNS[basis]})", label, p)
    st.stop()

compare = figures.compare
models = [m for m in ATTRIBUTION_MODELS if m in compare.columns]
by_channel = compare.set_index("channel")
first_gain = (by_channel["first_touch"] - by_channel["last_touch"]).sort_values()
top = credit.iloc[0]
total = info["amount_with_touches"]
shift = []
if first_gain.iloc[-1] > 0:
    shift.append(f"first touch favours {charts.channel_label(first_gain.index[-1])} (+{ui.money(first_gain.iloc[-1])})")
if first_gain.iloc[0] < 0:
    shift.append(f"last touch favours {charts.channel_label(first_gain.index[0])} (+{ui.money(-first_gain.iloc[0])})")
headline_slot.markdown(
    f"<p class='mvd-headline'>Under {model_name}, the most credit goes to {charts.channel_label(top.channel)}: "
    f"{ui.money(top.amount)} ({ui.pct(top.amount / total if total else None)}) of the {ui.money(total)} of "
    f"{BASIS_NOUNS[basis]} with touches {period_phrase(p)}."
    + (f" {charts.sentence('; '.join(shift))}." if shift else "") + "</p>",
    unsafe_allow_html=True,
)

# ---------- the chosen model
ui.chart(charts.bar(
    [charts.channel_label(c) for c in credit["channel"]], credit["amount"],
    f"Most credit under {model_name}: {charts.channel_label(top.channel)}, {ui.money(top.amount)}",
    horizontal=True, text=[ui.money(a) for a in credit["amount"]],
    colors=[ui.PALETTE[0] if i == 0 else ui.PALETTE[1] for i in range(len(credit))]), key="attribution_credit")
notes = [f"{charts.count(info['deals_with_touches'], 'deal')} with touches hand out the credit"]
if info["no_touch_deals"]:
    notes.append(f"no credit for {charts.count(info['no_touch_deals'], 'deal')} ({ui.money(info['no_touch_amount'])}) "
                 f"without a touch in the {p.lookback_days}-day window (see the Pipeline page's reconciliation)")
if info["renormalised_deals"]:
    notes.append(f"weights renormalised for {charts.count(info['renormalised_deals'], 'deal')}: a milestone touch "
                 "(e.g. the lead-creation touch) was missing, so the other shares were scaled up to 100%")
if info["note"]:
    notes.append(info["note"])
st.caption(charts.sentence("; ".join(notes)) + ".")

# ---------- every model side by side
st.subheader("All models side by side")
# the chart keeps the models a reader knows and the chosen one; the table below has every model
shown = [m for m in dict.fromkeys(["first_touch", "last_touch", "linear", used_model, "markov", "shapley"]) if m in models]
spread = compare.assign(low=compare[shown].min(axis=1), high=compare[shown].max(axis=1))
widest = spread.loc[(spread["high"] - spread["low"]).idxmax()]
ui.chart(charts.model_spread(
    compare.sort_values(used_model, ascending=False), "channel", shown,
    f"Models disagree most on {charts.channel_label(widest.channel)}: {ui.money(widest.low)} to {ui.money(widest.high)}"),
    key="attribution_models")
st.caption("Each dot is one model's credit for the channel; a long bar means the models disagree. "
           "Every model's column adds up to the same total.")
# every model's credit in dollars, named as in the picker; the CSVs keep the raw values and model keys
model_columns = {m: (ui.MODEL_LABELS[m], "money") for m in compare.columns if m in ui.MODEL_LABELS}
table = compare.assign(channel_name=[charts.channel_label(c) for c in compare["channel"]])
ui.table_with_download(table, key="attribution_by_channel", file_name="attribution_models_by_channel.csv",
                       columns={"channel_name": ("Channel", "text"), **model_columns})

st.markdown("**Per campaign**")
by_campaign = figures.by_campaign
names = figures.campaign_names
by_campaign.insert(1, "campaign_name", by_campaign["campaign_id"].map(names).fillna(by_campaign["campaign_id"]))
by_campaign = by_campaign.sort_values(used_model, ascending=False)
ui.table_with_download(by_campaign, key="attribution_by_campaign", file_name="attribution_models_by_campaign.csv",
                       columns={"campaign_name": ("Campaign", "text"), "campaign_id": ("Campaign ID", "text"),
                                **model_columns})
st.caption("“(none)” is credit on touches that belong to no campaign (e.g. organic content views).")

# ---------- why the models disagree, from this data
st.subheader("Why the models disagree")
reasons = []
if shift:
    reasons.append(f"Position matters: {'; '.join(shift)}. A channel that opens journeys wins under first touch, "
                   "one that closes them before the deal is created wins under last touch.")
markov_top = by_channel["markov"].idxmax() if "markov" in by_channel and by_channel["markov"].max() > 0 else None
if markov_top is not None:
    reasons.append(f"The data-driven Markov model gives the most to {charts.channel_label(markov_top)} "
                   f"({ui.money(by_channel.loc[markov_top, 'markov'])}): taking it out of the journeys would cost the most "
                   "conversions, whatever its position in them.")
linear_top = by_channel["linear"].idxmax()
reasons.append(f"Linear spreads credit by touch count, so the busiest channel, {charts.channel_label(linear_top)}, "
               f"gets {ui.money(by_channel.loc[linear_top, 'linear'])}.")
if info["renormalised_deals"]:
    reasons.append(f"For {charts.count(info['renormalised_deals'], 'deal')} a milestone touch is missing, so "
                   "position-based models move its share to the touches that exist.")
st.markdown("\n".join(f"- {r}" for r in reasons))

# ---------- data-driven models, with their workings
markov = figures.markov
with st.expander("Markov chain: removal effects", expanded=model == "markov"):
    effects = markov.credit.sort_values("removal_effect", ascending=False)
    if markov.total_conversions <= 0 or effects.empty:
        st.info("No won deal with touches among the closed deals: the chain has nothing to learn from. "
                "Widen the **Period** in the sidebar.")
    else:
        lead = effects.iloc[0]
        st.markdown(
            f"Learned from the closed deals' journeys: from the start, a journey converts with probability "
            f"**{ui.pct(markov.conversion_probability)}**. Remove a channel (every step into it goes nowhere) and "
            f"that probability drops; the relative drop is the channel's *removal effect*. Credit = total × removal "
            f"effect ÷ sum of removal effects.")
        ui.chart(charts.bar([charts.channel_label(c) for c in effects["channel"]], effects["removal_effect"],
                            f"Without {charts.channel_label(lead.channel)}, conversions fall by "
                            f"{ui.pct(lead.removal_effect)}", horizontal=True, money=False,
                            text=[ui.pct(v) for v in effects["removal_effect"]]), key="attribution_markov")
        ui.table_with_download(
            effects.rename(columns={"channel": "Channel", "conversions": "Credited conversions",
                                    "value": "Credited value", "removal_effect": "Removal effect"}).round(4),
            key="attribution_markov_effects", file_name="markov_removal_effects.csv")
        st.markdown("Transition probabilities of the chain:")
        ui.table_with_download(markov.transitions.round(4), key="attribution_markov_transitions",
                               file_name="markov_transitions.csv")

shapley = figures.shapley
with st.expander("Shapley value: the coalition table", expanded=model == "shapley"):
    st.latex(shapley.formula)
    st.markdown(
        "In plain words: treat channels as players on a team. For every group of channels, count the won deals "
        "whose journeys used only those channels. A channel's Shapley value is the average extra it adds when it "
        "joins a group, over every order of joining, which comes down to sharing each won journey equally among "
        "the channels on it.")
    st.caption(shapley.explanation)
    if shapley.credit["conversions"].sum() <= 0:
        st.info("No won deal with touches among the closed deals: every Shapley value is zero. "
                "Widen the **Period** in the sidebar.")
    else:
        ui.table_with_download(
            shapley.credit.sort_values("conversions", ascending=False)
            .rename(columns={"channel": "Channel", "conversions": "Shapley value (won deals)", "value": "Value"})
            .round(4), key="attribution_shapley_values", file_name="shapley_values.csv")
    ui.table_with_download(
        shapley.coalitions.rename(columns={
            "coalition": "Coalition S", "size": "|S|", "exact_conversions": "w(S): won, exactly S",
            "exact_value": "w(S) value", "conversions": "v(S): won, within S", "value": "v(S) value"}).round(4),
        key="attribution_shapley_coalitions", file_name="shapley_coalitions.csv")

with st.expander("How is this computed"):
    st.markdown(
        f"""
Credit per touchpoint, summed per channel or campaign; the weights of one deal add up to 1, so every model
hands out the same total ({ui.money(total)}: the {BASIS_NOUNS[basis]} of deals with at least one touch between
created date minus the lookback ({p.lookback_days} days) and the close date, or today).
- **First touch / last touch** (last before opportunity creation for pipeline, before close for revenue); **linear**
  (equal shares).
- **Position-based**: U-shaped 40/20/40, W-shaped 30/30/30/10, full path 22.5 × 4 + 10, J-shaped 20/60 and inverse
  J 60/20, or your **custom weights**. When milestone touches coincide their shares merge; when a milestone is
  missing the weights are renormalised (the caption under the first chart says for how many deals).
- **Time decay**: a touch's weight halves every {p.half_life_days:g} days before the conversion.
- **Markov chain** (data-driven): a first-order chain over start, channels, conversion and null learned from the
  closed deals; a channel's removal effect is the relative drop in conversion probability when every transition
  into it goes to null. Credit = total × removal effect ÷ sum of removal effects. Solved exactly.
- **Shapley** (data-driven): channels are players; v(S) = won deals whose channels all lie in S; credit is the
  Shapley value, scaled to the total.
"""
    )
