"""Load history: every load, its counts and result; undo a load; download the archived raw file."""
import pathlib

import streamlit as st

from pages.shared import auth, ui

auth.require_role("analyst")
st.title("Load history")
con = ui.connection()

from connectors.load import UndoError, load_history, undo_load  # noqa: E402

history = load_history(con)
if history.empty:
    st.info("No file has been loaded yet. Upload exports on the **Upload** page.")
    st.stop()

accepted = int((history["result"] == "accepted").sum())
ui.headline(f"{len(history):,} loads so far: {accepted:,} accepted, "
            f"{int((history['result'] == 'rejected').sum()):,} rejected, {int((history['result'] == 'undone').sum()):,} undone.")
shown = history[["load_id", "loaded_at", "loaded_by", "file_name", "kind", "layout", "rows_in_file", "rows_inserted",
                 "rows_updated", "rows_unchanged", "rows_rejected", "result", "message", "sha256"]]
ui.table_with_download(shown, key="history", file_name="load_history.csv")

st.subheader("Undo a load")
undoable = history[history["result"] == "accepted"]
if undoable.empty:
    st.caption("No accepted load to undo.")
else:
    options = {int(r.load_id): f"Load {int(r.load_id)} · {r.file_name} · {r.loaded_at:%Y-%m-%d %H:%M}" for r in undoable.itertuples()}
    chosen = st.selectbox("Load", list(options), format_func=options.get, key="undo_choice")
    sure = st.checkbox("I understand this puts the rows this load touched back as they were before it.", key="undo_sure")
    if st.button("Undo this load", disabled=not sure, key="undo_button"):
        try:
            message = undo_load(con, chosen, user=ui.user_name())
            ui.data_changed()
            st.success(message)
        except UndoError as exc:
            st.error(str(exc))

st.subheader("Archived files")
with_archive = history[history["archive_path"].notna()]
if with_archive.empty:
    st.caption("No archived file.")
else:
    options = {int(r.load_id): f"Load {int(r.load_id)} · {r.file_name}" for r in with_archive.itertuples()}
    chosen = st.selectbox("File", list(options), format_func=options.get, key="archive_choice")
    row = with_archive[with_archive["load_id"] == chosen].iloc[0]
    path = pathlib.Path(row["archive_path"])
    if path.is_file():
        st.download_button("Download the raw file", path.read_bytes(), file_name=row["file_name"], key="archive_download")
    else:
        st.warning(f"The archived copy of {row['file_name']} is no longer at {path}.")
