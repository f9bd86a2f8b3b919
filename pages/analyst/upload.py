"""Upload: drop exports, see how each was read, validate, then confirm the load."""
import streamlit as st

from connectors.base import KIND_TABLE
from pages.shared import auth, ui
from pages.shared.upload_flow import saved_mappings_panel, upload_flow

auth.require_role("analyst")
st.title("Upload exports")
ui.headline("Drop CRM, web analytics, ad spend or survey exports. Nothing is written until you confirm, "
            "and a file with errors loads nothing.")

kinds = ["Detect automatically"] + list(KIND_TABLE)
kind_choice = st.selectbox("Export kind", kinds, key="upload_kind",
                           help="Leave on 'Detect automatically' unless the layout is not recognised.")
upload_flow("upload", kind=None if kind_choice == kinds[0] else kind_choice)
st.caption("Salesforce reports and Data Loader files, HubSpot exports, any CRM's deals/contacts with recognisable "
           "column names, GA4 and Segment page views, Google Ads and LinkedIn reports, survey answers. "
           "Blank templates and the data dictionary are on the **Templates** page.")
with st.expander("Saved column mappings (files with these columns are read with them)"):
    saved_mappings_panel()
