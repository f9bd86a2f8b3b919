"""Data quality: validation results per export kind, freshness of each source, coverage that decides trust."""
import streamlit as st

from data_models import quality
from pages.shared import auth, ui

auth.require_role("analyst")
st.title("Data quality")
con = ui.connection()

cover = quality.coverage(con)
roles = cover.iloc[0]
if roles["total"]:
    ui.headline(f"{ui.pct(roles['share'])} of opportunities have contact roles; the rest are attributed "
                "through their account, which is less precise.")
else:
    ui.headline("No opportunities loaded yet: upload CRM exports to see how complete the data is.")

st.subheader("Coverage")
cols = st.columns(len(cover))
for col, row in zip(cols, cover.itertuples()):
    covered = f"{row.covered:,.0f} of {row.total:,.0f}" if not row.measure.endswith("($)") else \
        f"{ui.money(row.covered)} of {ui.money(row.total)}"
    col.metric(row.measure, ui.pct(row.share) if row.share is not None else "–", covered, delta_color="off")

st.subheader("Freshness")
fresh = quality.freshness(con)
ui.table_with_download(fresh.rename(columns={
    "table_name": "table", "row_count": "rows", "newest_record": "newest record", "kind": "export kind",
    "last_loaded_at": "last loaded", "loads": "accepted loads"}), key="freshness", file_name="freshness.csv")

st.subheader("Validation (Great Expectations)")
results = quality.latest_validation(con)
if results.empty:
    st.caption("No validation has run yet.")
else:
    summary = results.groupby("kind").agg(checks=("success", "size"), failed=("success", lambda s: int((~s).sum())),
                                          validated_at=("validated_at", "max")).reset_index()
    st.dataframe(summary, hide_index=True, width="stretch")
    failed = results[~results["success"]]
    if len(failed):
        st.warning(f"{len(failed)} expectation(s) failed in the latest validation of their kind.")
    with st.expander("Every expectation of the latest validation, per kind"):
        st.dataframe(results, hide_index=True, width="stretch")

with st.expander("The expectation suites (what every upload is checked against)"):
    from connectors.suites import suite_definitions

    import pandas as pd

    for kind, checks in suite_definitions().items():
        st.markdown(f"**{kind}**")
        st.dataframe(pd.DataFrame(checks).astype(str), hide_index=True, width="stretch")
