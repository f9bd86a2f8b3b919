"""Marketing value dashboard: entry point. `make run` starts it on the demo data."""
import streamlit as st

from pages import PAGE_TABLE
from pages.shared import auth, ui

st.set_page_config(page_title="Marketing value dashboard", page_icon="📈", layout="wide")
ui.style()

# --- sign-in gate (issue 9): before navigation and before the database is opened ---
role = auth.gate()
visible = auth.visible_pages(PAGE_TABLE, role)
# --- end sign-in gate ---

sections: dict[str, list] = {}
for number, (section, script, title, icon) in enumerate(visible):
    sections.setdefault(section, []).append(st.Page(script, title=title, icon=icon, default=number == 0))
navigation = st.navigation(sections)

try:
    con = ui.connection()
    ui.sidebar_filters(con)
except Exception as exc:  # a broken or locked database file: say so, never a traceback
    st.error(f"The database at `{ui.db_path()}` could not be opened: {exc}. "
             "If another process (a CLI load) holds it, wait for it to finish and reload.")
    st.stop()
navigation.run()
