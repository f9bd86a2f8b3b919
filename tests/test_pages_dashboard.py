"""Pipeline, Attribution, Content and ROI pages under AppTest on tests/dashboard_fixture.py's small company.

Every expected figure is worked out by hand below from the fixture's table (see its docstring).
Period: "This quarter" = FY2026 Q3 (Jul 1 - Sep 30 2026), lookback 90 days, W-shaped model.
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.dashboard_fixture import build_dashboard_db, run_app_page

PIPELINE, ATTRIBUTION = "pages/dashboard/pipeline.py", "pages/dashboard/attribution.py"
CONTENT, ROI = "pages/dashboard/content.py", "pages/dashboard/roi.py"


@pytest.fixture
def dash_db(tmp_path):
    path = tmp_path / "dashboard.duckdb"
    build_dashboard_db(path)
    return path


@pytest.fixture
def open_page(dash_db, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(dash_db))
    # ui.metric's cache key has no database path: figures of another test's database must not leak in
    st.cache_data.clear()

    return run_app_page


def headline(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("<p class='mvd-headline'>")]
    assert lines, "the page has no headline"
    return lines[0].split(">", 1)[1].rsplit("<", 1)[0]


def chart_titles(at: AppTest) -> list[str]:
    # titles wrap with <br> at spaces (phones); join the lines back
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [i.value for i in at.info] + [e.value for e in at.error]
                    + [c.value for c in at.caption] + [w.value for w in at.warning] + [s.value for s in at.success])


def assert_furniture(at: AppTest) -> None:
    """Every chart states a finding, every table has a CSV button, and the definition is one click away."""
    titles = chart_titles(at)
    assert titles and all(t.strip() for t in titles)
    assert len(at.get("download_button")) >= 1
    assert any(e.label == "How is this computed" for e in at.expander)
    assert not at.error


# ---------------------------------------------------------------- Pipeline

def test_pipeline_headline_both_definitions_and_influence(open_page):
    at = open_page(PIPELINE)
    # Q3 pipeline: O1 10,000 + O2 20,000 + O3 30,000 + O4 40,000 = $100K.
    # Lead source: only O1 (Web) is marketing -> 10%, $10K.
    # First touch in 90 days before creation: O1 -> T1 paid search (35 days), O4 (via account) -> T2 content
    #   (86 days; T1 is 112 days before) -> $50K = 50%; O2 -> T4 sales outbound; O3's only touch is 207 days old.
    # Influenced: O1 (T1, T2, T3), O2 (T5 webinar), O4 (T2, T3, T8) = $70K = 70%.
    assert headline(at) == (
        "Marketing sourced 10% of new pipeline this quarter ($10K of $100K) by lead source; "
        "by first touch in lookback it is 50%. Marketing touched 70% ($70K).")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Sourced · Lead source": "10%", "Sourced · First touch in lookback": "50%",
                       "Influenced": "70%", "New pipeline (CRM)": "$100K"}
    assert_furniture(at)
    titles = chart_titles(at)
    # influenced split: W-shaped credit of the marketing channels (content 21,428.57, email 17,142.86, webinar
    # 10,000, paid search 4,285.71 = 52,857.14; sales outbound's 17,142.86 is not marketing) scaled to the
    # influenced $70K: content 21,428.57 x 70,000 / 52,857.14 = 28,378.38 = 40.5% -> "$28K (41%)"
    assert any(t.startswith("Most influenced pipeline: Content & SEO, $28K (41%)") for t in titles)
    # by segment: Mid-Market (A1) $50K of which O1 $10K lead-source marketing = 20%; Enterprise and SMB 0%
    assert "Marketing sources the largest share in Mid-Market: 20%" in titles


def test_pipeline_reconciliation_explains_the_gap(open_page):
    at = open_page(PIPELINE)
    # CRM $100K (4 deals); attributed = deals with any touch in the window: O1, O2, O4 = $70K (3 deals);
    # the $30K gap is O3, whose only touch (T6, Jan 10) is 207 days before creation.
    assert ("The CRM shows **$100K** (4 deals); attribution sees **$70K** (3 deals). The $30K difference: "
            "1 deal ($30K) with touches only outside the lookback window.") in texts(at)
    table = at.dataframe[0].value.set_index("line")           # labelled Line, Deals, Amount ($), Why
    assert table.loc["Note: attributed through account fallback only", "amount"] == 40000.0  # O4
    assert table.loc["Reason: no touches at all", "opportunities"] == 0
    assert table.loc["CRM total pipeline", "amount"] == 100000.0


def test_pipeline_drill_down_to_deals_and_timeline(open_page):
    at = open_page(PIPELINE)
    assert at.selectbox(key="pl_quarter").value == "FY2026 Q3"
    assert at.selectbox(key="pl_group").value == "marketing"
    assert "**1 marketing-sourced deal** created in FY2026 Q3, worth $10K." in texts(at)
    # O1's journey in its window: T1 paid search Jun 5, T2 content Jul 1, T3 webinar Jul 16
    assert "O1: 3 touches; the first was Paid search on Jun 05" in chart_titles(at)

    at.selectbox(key="pl_group").set_value("unknown").run()
    assert not at.exception
    assert "**1 unknown-sourced deal** created in FY2026 Q3, worth $40K." in texts(at)
    assert at.selectbox(key="pl_deal").options == ["O4 · $40K"]
    # O4 has no contact roles: account A1's contact C1; in window T2 Jul 1, T3 Jul 16, T8 Sep 1 (T1 is too old)
    assert "O4: 3 touches; the first was Content & SEO on Jul 01" in chart_titles(at)
    assert "its touches come from contacts of its account" in texts(at)

    at.selectbox(key="pl_quarter").set_value("FY2026 Q2").run()
    # Q2: O5 (Webinar, marketing) and O6 (Partner); no unknown-sourced deal
    assert "No unknown-sourced deals were created in FY2026 Q2" in texts(at)


def test_pipeline_other_definition_and_lookback_from_the_sidebar(open_page):
    at = open_page(PIPELINE)
    at.sidebar.selectbox(key="f_sourced").set_value("first_touch").run()
    assert headline(at).startswith("Marketing sourced 50% of new pipeline this quarter ($50K of $100K) by first "
                                   "touch in lookback; by lead source it is 10%.")
    at.sidebar.selectbox(key="f_sourced").set_value("lead_source").run()
    # lookback 7 days: O1 keeps T3 (after creation) and O2 keeps T4/T5; O4's touches are all > 7 days before
    # creation. First-touch sourcing: no marketing touch within 7 days before any creation -> 0%.
    # Influenced: O1 + O2 = $30K; reconciliation: O3 and O4 ($70K) have touches only outside the window.
    at.sidebar.slider(key="f_lookback").set_value(7).run()
    assert not at.exception
    assert headline(at) == (
        "Marketing sourced 10% of new pipeline this quarter ($10K of $100K) by lead source; "
        "by first touch in lookback it is 0%. Marketing touched 30% ($30K).")
    assert "2 deals ($70K) with touches only outside the lookback window" in texts(at)


def test_pipeline_empty_state_names_the_filters(open_page):
    at = open_page(PIPELINE)
    at.sidebar.selectbox(key="f_segment").set_value("Enterprise").run()
    at.sidebar.selectbox(key="f_period").set_value("Last fiscal year").run()
    assert not at.exception
    message = " ".join(i.value for i in at.info)
    assert "No opportunities were created in FY2025" in message
    assert "Segment = Enterprise" in message and "widen the **Period**" in message


# ---------------------------------------------------------------- Attribution

def test_attribution_headline_and_models(open_page):
    at = open_page(ATTRIBUTION)
    # W-shaped on Q3 pipeline (lead-creation touch missing for every deal: contacts were created before any
    # touch, so 30/30/10 is renormalised to 3/7, 3/7, 1/7):
    #   O1 $10K: T1 paid search 3/7, T2 content (opp creation) 3/7, T3 webinar 1/7
    #   O2 $20K: T4 sales outbound first + opp creation 6/7, T5 webinar 1/7
    #   O4 $40K: T2 content 3/7, T8 email (opp creation) 3/7, T3 webinar 1/7
    #   content 4,285.71 + 17,142.86 = 21,428.57 = 30.6% of $70K
    # First touch: content 40K (O4), sales outbound 20K, paid search 10K; last touch (opp creation):
    #   email 40K (O4), sales outbound 20K, content 10K (O1) -> content +30K under first, email +40K under last.
    assert headline(at) == (
        "Under W-shaped (30/30/30/10), the most credit goes to Content & SEO: $21K (31%) of the $70K of new pipeline "
        "with touches this quarter. First touch favours Content & SEO (+$30K); last touch favours Email (+$40K).")
    assert_furniture(at)
    titles = chart_titles(at)
    assert "Models disagree most on Email: $0 to $40K" in titles
    # Markov on the closed Q3 deals: O1 paid search > content > webinar -> won, O2 sales outbound > webinar -> lost.
    # P(conversion) = 0.5; removing webinar makes it 0 (removal effect 100%), the others halve it (50%).
    assert "Without Webinars, conversions fall by 100%" in titles
    assert "a journey converts with probability **50%**" in texts(at)
    assert len(at.get("latex")) == 1  # the Shapley formula
    assert "renormalised for 3 deals" in texts(at)
    assert "no credit for 1 deal ($30K) without a touch in the 90-day window" in texts(at)


def test_attribution_model_picker_and_basis(open_page):
    at = open_page(ATTRIBUTION)
    assert at.selectbox(key="attr_model").value == "w_shaped"  # the sidebar's model
    at.selectbox(key="attr_model").set_value("first_touch").run()
    # first touch: O4 $40K to content (T2) = 57% of $70K
    assert headline(at).startswith("Under First touch, the most credit goes to Content & SEO: $40K (57%) of the $70K")
    at.radio(key="attr_basis").set_value("revenue").run()
    assert not at.exception
    # won in Q3: O1 $10K (T1 first), O5 $5K (T9 webinar first), O6 $8K has no touch in its window -> $15K
    assert headline(at).startswith("Under First touch, the most credit goes to Paid search: $10K (67%) of the $15K "
                                   "of won revenue with touches this quarter.")


def test_attribution_custom_weights_must_add_up_to_100(open_page):
    at = open_page(ATTRIBUTION)
    at.selectbox(key="attr_model").set_value("custom").run()
    at.number_input(key="attr_w_first").set_value(35).run()
    assert not at.exception
    assert any("add up to 105, not 100" in e.value for e in at.error)
    assert any("Showing W-shaped (30/30/30/10) until the custom weights add up to 100" in w.value for w in at.warning)
    at.number_input(key="attr_w_rest").set_value(5).run()
    assert not at.error
    assert any("Weights add up to 100" in s.value for s in at.success)
    # 35/20/20/20/5 on O1: T1 first .35, T2 opp .20, T3 won... on the pipeline basis only closed-won deals have a
    # won touch (O1: T3); lead creation is missing -> the custom model is renormalised and now leads the headline
    assert headline(at).startswith("Under Custom weights, ")
    assert "custom" in at.dataframe[0].value.columns      # shown as "Custom weights", in dollars


# ---------------------------------------------------------------- Content

def test_content_assisted_vs_unassisted(open_page):
    at = open_page(CONTENT)
    # closed in Q3: O1 won (C1 read AS1 Jul 1, before the Jul 15 meeting), O5 won (C4 read AS2 Apr 10, before the
    # Apr 20 meeting) -> assisted 2 of 2; O2 lost and O6 won read nothing -> unassisted 1 of 2.
    assert headline(at) == ("Deals whose buyers read content before the first sales meeting won 100% of the time "
                            "this quarter, vs 50% without (2 and 2 closed deals).")
    assert any("correlation, not causation" in i.value for i in at.info)
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["Win rate · assisted"] == ("100%", "+50 pts vs unassisted")
    # cycle of won deals: O1 41 days, O5 104 days -> 72.5 ("72", round half to even); unassisted O6 141 days
    assert metrics["Sales cycle · assisted"] == ("72 days", "-68 days vs unassisted")
    # average won: (10,000 + 5,000) / 2 = 7,500 vs O6 8,000
    assert metrics["Average won deal · assisted"] == ("$7,500", "-$500 vs unassisted")
    # velocity: open assisted O4 (account read AS1 before its creation): 1 x 100% x 7,500 / 72.5 = 103.4/day;
    # unassisted O3: 1 x 50% x 8,000 / 141 = 28.4/day
    assert metrics["Velocity · assisted"] == ("$103/day", "$75/day vs unassisted")
    # won deals' touches up to close: O1 T1, T2 before the Jul 15 meeting, T3 after; O5 T9, T10 before Apr 20,
    # T11 after; O6 T6 before its creation -> 5 of 7 = 71%
    assert metrics["Share of the journey before the first sales meeting"][0] == "71%"
    assert "**5 of 7 touches**" in texts(at)
    assert_furniture(at)
    titles = chart_titles(at)
    assert "Content-assisted deals win higher: 100% vs 50%" in titles
    assert "Deals that read 1-2 assets won 100%, vs 50% with none" in titles
    # AS1 was read on O1 (won $10K), AS2 on O5 ($5K)
    assert "“Buyer's guide” was read on won deals worth $10K" in titles
    groups = at.dataframe[0].value.set_index("Group")
    # Wilson 95% interval of 2 of 2: 0.342 to 1
    assert groups.loc["assisted", "95% low"] == pytest.approx(0.342, abs=1e-3)


def test_content_lift_needs_enough_deals(open_page):
    at = open_page(CONTENT)
    assert "No asset was read before the first meeting on 3 or more closed deals" in texts(at)
    at.number_input(key="content_min_deals").set_value(1).run()
    # AS1: 1 of 1 won vs 2 of 3 without it -> +33 pts (AS2 ties; AS1 comes first by id)
    assert "Deals that read “Buyer's guide” won +33 pts more often than deals that did not" in chart_titles(at)


def test_content_empty_state(open_page):
    at = open_page(CONTENT)
    at.sidebar.selectbox(key="f_period").set_value("Last fiscal year").run()
    assert not at.exception
    assert any("No deals closed in FY2025" in i.value for i in at.info)


# ---------------------------------------------------------------- ROI

def test_roi_headline_names_channels_that_do_not_pay_back(open_page):
    at = open_page(ROI)
    # spend in Q3: paid search 2,000 (ad spend matched to CP1) + paid social 1,000 (unmatched LinkedIn)
    #   + webinar 3,000 (CP2 cost) + event 12,000 (CP3 cost) = $18K.
    # W-shaped revenue credit (O1 $10K: 3/7 paid search, 3/7 content, 1/7 webinar; O5 $5K: 3/7 webinar T9,
    #   3/7 content T10, 1/7 email T11; O6 has no touch in its window): paid search 4,285.71, webinar 3,571.43,
    #   content 6,428.57, email 714.29 = $15K.
    # ROI at 75%: (15,000 x 0.75 - 18,000) / 18,000 = -37.5% -> "-38%";
    #   event -100%, paid social -100%, webinar (2,678.57 - 3,000) / 3,000 = -11%, paid search +61%.
    assert headline(at) == ("Marketing spent $18K this quarter; at 75% gross margin the $15K of revenue attributed "
                            "to it returns -38%. Events, Paid social and Webinars do not pay back.")
    metrics = {m.label: m.value for m in at.metric}
    # pipeline per $: pipeline credited to marketing channels (W-shaped: $70K less sales outbound's 17,142.86 from
    # O2's T4 = 52,857.14) / $18K = 2.94; CAC: $18K / 3 new customers (A1, A2, A3) = 6,000
    assert metrics == {"Marketing spend": "$18K", "ROI": "-38%", "Pipeline per $1": "$2.94", "CAC": "$6,000"}
    assert_furniture(at)
    titles = chart_titles(at)
    assert "Best return: Paid search (61%); worst: Events (-100%)" in titles
    assert "Lowest return: Summit, -100% on $12K" in titles
    # the channel table: named channels first, the figures an executive reads, pays back in words
    channels = at.dataframe[0].value
    assert list(channels.columns[:3]) == ["channel_name", "spend", "ad_spend"] and "channel" not in channels
    paid_search = channels.set_index("channel_name").loc["Paid search"]
    assert (round(paid_search["spend"], 2), round(paid_search["roi"], 4), paid_search["pays_back"]) == (
        2000.0, 0.6071, "yes")      # (4,285.71 x 0.75 - 2,000) / 2,000
    assert channels.set_index("channel_name").loc["Events", "pays_back"] == "no"
    # campaigns with spend first, largest first: Summit (CP3, $12K), then the webinar (CP2, $3K), CP1 ($2K)
    campaigns = at.dataframe[1].value
    assert campaigns["campaign_id"].tolist()[:3] == ["CP3", "CP2", "CP1"]
    assert campaigns["spend"].tolist()[:3] == [12000.0, 3000.0, 2000.0]


def test_roi_margin_input_changes_the_verdict(open_page):
    at = open_page(ROI)
    at.number_input(key="roi_margin").set_value(100).run()
    assert not at.exception
    # at 100%: (15,000 - 18,000) / 18,000 = -16.7%; webinar (3,571.43 - 3,000) / 3,000 = +19% now pays back
    assert headline(at) == ("Marketing spent $18K this quarter; at 100% gross margin the $15K of revenue attributed "
                            "to it returns -17%. Events and Paid social do not pay back.")


def test_roi_without_spend_says_what_to_load(open_page):
    at = open_page(ROI)
    at.sidebar.selectbox(key="f_period").set_value("Last quarter").run()
    assert not at.exception
    assert any("No marketing spend is recorded in FY2026 Q2" in i.value for i in at.info)


# ---------------------------------------------------------------- sharing work between figures and runs

def test_attribution_page_loads_the_deal_touches_once(open_page, monkeypatch):
    """Credit, both model comparisons, Markov and Shapley of one filter set share one load (issue 6)."""
    from data_models import attribution
    from pages.shared import ui

    ui._deal_touches.clear()
    loads = []
    real = attribution.load_deal_touches

    def counting(con, params, basis="pipeline", opportunity_id=None):
        loads.append((basis, params.start, params.end, opportunity_id))
        return real(con, params, basis, opportunity_id)

    monkeypatch.setattr(attribution, "load_deal_touches", counting)
    q3_pipeline = ("pipeline", dt.date(2026, 7, 1), dt.date(2026, 9, 30), None)
    q3_revenue = ("revenue", dt.date(2026, 7, 1), dt.date(2026, 9, 30), None)
    at = open_page(ATTRIBUTION)  # after the Overview, which credits revenue this and last quarter
    assert loads.count(q3_pipeline) == 1 and loads.count(q3_revenue) == 1
    # the ROI page's revenue and pipeline credit (summary, by channel, by campaign) reuse both loads
    before = len(loads)
    at.switch_page(ROI).run()
    assert not at.exception
    assert len(loads) == before
    # a load commit drops the shared loads with every cached figure
    ui.data_changed()
    at.switch_page(ATTRIBUTION).run()
    assert loads.count(q3_pipeline) == 2


def test_chart_builders_reuse_a_figure_only_for_the_same_inputs():
    from pages.shared import charts

    first = charts.bar(["a", "b"], [1, 2], "A finding")
    assert charts.bar(["a", "b"], [1, 2], "A finding") is first
    assert charts.bar(["a", "b"], [1, 3], "A finding") is not first
    assert charts.bar(["a", "b"], [1, 2], "Another finding") is not first
    assert charts.bar(["a", "b"], [1, 2], "A finding", horizontal=True) is not first
    assert json.loads(first.to_json())["data"][0]["y"] == [1.0, 2.0]


def test_chart_margins_hold_the_labels_and_the_legend():
    """Margins are set so plotly.js need not widen them and draw a chart twice (pages/shared/charts.py)."""
    from pages.shared import charts

    short = charts.bar(["Events", "SEO"], [1, 2], "Short labels", horizontal=True)
    long = charts.bar(["A very long campaign name, cut at 30 characters", "SEO"], [1, 2], "Long labels", horizontal=True)
    # 10 px + ticks + 6 characters ("Events") vs 29 characters and the ellipsis shown on the axis
    assert short.layout.margin.l == round(10 + charts.TICK_PX + 6 * charts.CHAR_PX)
    assert long.layout.margin.l == round(10 + charts.TICK_PX + 29 * charts.CHAR_PX)
    # money axis ticks up to 2: "$2.5M" is wider than any of them (5 characters)
    vertical = charts.bar(["Q1", "Q2"], [1, 2], "Vertical")
    assert vertical.layout.margin.l == round(10 + charts.TICK_PX + 5 * charts.CHAR_PX)
    # no legend (one series): room for one line of tick labels
    assert vertical.layout.margin.b == charts.TICK_PX + charts.LINE_PX
    # a stacked bar's legend hangs from 12% of the plot's height under it: b = (0.12 * (H - t) + legend + 12) / 1.12
    frame = pd.DataFrame({"period": ["Q1", "Q1"], "group": ["a", "b"], "amount": [1.0, 2.0]})
    stacked = charts.stacked_bar(frame, "period", "amount", "group", "Stacked", order=["a", "b"])
    layout = stacked.layout
    legend = charts.LEGEND_PX + 21   # two short names: one row
    assert layout.margin.b == round((0.12 * (layout.height - layout.margin.t) + legend + 12) / 1.12 + 1)
    # tick labels on two lines (<br>) need two lines of room
    rates = charts.rates_with_intervals(["A", "B"], [0.5, 0.25], [0.4, 0.2], [0.6, 0.3], [10, 20], "Rates")
    assert rates.layout.margin.b == charts.TICK_PX + 2 * charts.LINE_PX


def test_sidebar_reads_the_workspace_once_per_load_version(open_page, monkeypatch):
    """Every run of app.py needs the as-of date, segments, regions and settings: read once, until the data changes."""
    from data_models import periods
    from pages.shared import ui

    calls = []
    real = periods.data_as_of

    def counting(con):
        calls.append(1)
        return real(con)

    monkeypatch.setattr(periods, "data_as_of", counting)
    at = open_page(PIPELINE)
    assert len(calls) == 1
    at.switch_page(CONTENT).run()
    at.switch_page(PIPELINE).run()
    assert not at.exception and len(calls) == 1
    assert at.sidebar.caption[-1].value.startswith("Data as of Sep 28, 2026")
    ui.data_changed()   # a commit, an undo or saved settings
    at.switch_page(CONTENT).run()
    assert len(calls) == 2


def test_long_bar_labels_that_start_alike_stay_apart():
    """Plotly draws equal axis labels as one bar: two asset titles with the same first 28 characters
    must not be cut to the same label (the Content page stacked two assets on one bar)."""
    from pages.shared import charts

    titles = ["Stop guessing: a data-driven look at attribution models",
              "Stop guessing: a data-driven look at gated content", "SEO basics"]
    fig = charts.bar(titles, [1.5, 1.0, 0.5], "Assets", horizontal=True)
    assert list(fig.data[0].y) == ["Stop guessing:…ribution models", "Stop guessing:…t gated content", "SEO basics"]
    assert list(fig.data[0].hovertext) == titles                        # whole in the hover
    assert charts.short_labels(["Same title", "Same title"]) == ["Same title (1)", "Same title (2)"]
    assert charts.short_labels(["A very long campaign name, cut at 30 characters"]) == ["A very long campaign name, c…"]
