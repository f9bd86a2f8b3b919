"""Marketing value dashboard: entry point. `make run` starts it on the demo data."""
import streamlit as st

from pages import PAGE_TABLE
from pages.shared import auth, ui

st.set_page_config(page_title="Marketing value dashboard", page_icon="📈", layout="wide")
ui.style()

# sign-in before anything else: pages above the person's role are never registered in the navigation
role = auth.gate()
visible = auth.visible_pages(PAGE_TABLE, role)

sections: dict[str, list] = {}
for number, (section, script, title, icon) in enumerate(visible):
    sections.setdefault(section, []).append(st.Page(script, title=title, icon=icon, default=number == 0))
navigation = st.navigation(sections, expanded=True)   # every section in view: the Admin one came last, hidden behind "View more"

try:
    st.sidebar.subheader(ui.workspace().settings["company_name"], anchor=False)
    ui.sidebar_filters()
except Exception as exc:  # a broken or locked database file: say so, never a traceback
    st.error(f"The database at `{ui.db_path()}` could not be opened: {exc}. "
             "If another process (a CLI load) holds it, wait for it to finish and reload.")
    st.stop()
navigation.run()
