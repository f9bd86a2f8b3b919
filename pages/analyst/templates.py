"""Templates and data dictionary: blank upload files and what every column means."""
import streamlit as st

from data_models import dictionary
from data_models.audit import ADMIN_TABLES
from pages.shared import auth, ui

auth.require_role("analyst")
st.title("Templates and data dictionary")
ui.headline("If your tool's export is not recognised, fill one of these templates: "
            "the column names are the canonical ones and load without any mapping.")

tables = [t for t in dictionary.tables() if t.name not in ("load_log", "validation_results", *ADMIN_TABLES)]
cols = st.columns(3)
for number, table in enumerate(tables):
    cols[number % 3].download_button(f"{table.name}.csv", dictionary.template_csv(table.name),
                                     file_name=f"{table.name}_template.csv", mime="text/csv",
                                     key=f"template_{table.name}", help=table.grain)

st.subheader("Data dictionary")
frame = dictionary.dictionary_frame()
frame = frame[frame["table"].isin([t.name for t in tables])]
ui.table_with_download(frame, key="dictionary", file_name="data_dictionary.csv")
