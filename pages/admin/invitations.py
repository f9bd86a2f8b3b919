"""Survey invitations: single-use links to the perception survey, per respondent role (admins only)."""
import datetime as dt

import pandas as pd
import streamlit as st

from data_models import audit, invites, perception, settings
from pages.shared import auth, ui

auth.require_role("admin")
st.title("Survey invitations")
con = ui.write_connection()
defaults = settings.get_settings(con)
base = invites.base_url(st.context.url, defaults["app_url"])
everything = invites.list_invites(con)
counts = everything["status"].value_counts().to_dict() if len(everything) else {}

if everything.empty:
    ui.headline("No invitation sent yet: create links for the CEO, the CMO, sales leaders and the board, "
                "so the Perception gap page compares what each of them believes with the data.")
else:
    ui.headline(f"{len(everything):,} invitation link{'s' if len(everything) != 1 else ''}: "
                f"{counts.get('used', 0):,} answered, {counts.get('unused', 0):,} waiting, "
                f"{counts.get('expired', 0) + counts.get('revoked', 0):,} expired or revoked.")
st.caption("Each link lets one person answer the survey once, as the role you choose. Answers are stored under a "
           "random key, without the link or its label, and a link records only *that* it was used, not when: "
           "nobody can tell from the data which answers came from which link. Respondents still sign in when "
           "sign-in is on.")

if created := st.session_state.pop("invites_created", None):
    role, tokens = created
    st.success(f"Created {len(tokens)} link{'s' if len(tokens) != 1 else ''} for {role}. Send one link per person.")
    new = everything[everything["token"].isin(tokens)]
    st.download_button("Download the new links (CSV)", invites.links_csv(new, base),
                       file_name=f"survey_invitations_{role.lower()}.csv", mime="text/csv", key="invites_new_csv")
    st.code("\n".join(invites.link(base, t) for t in tokens), language=None)
if message := st.session_state.pop("invites_message", None):
    st.success(message)

with st.form("create_invites", clear_on_submit=True):
    st.markdown("**Create links**")
    left, middle, right = st.columns(3)
    role = left.selectbox("Respondent role", perception.ROLES, key="invite_role",
                          help="The role the answers count for on the Perception gap page.")
    count = middle.number_input("How many links", min_value=1, max_value=invites.MAX_PER_BATCH, value=1, step=1,
                                key="invite_count", help="One per person you ask.")
    days = right.number_input("Expire after (days; 0 = never)", min_value=0, max_value=365,
                              value=defaults["invite_expiry_days"], step=1, key="invite_days")
    label = st.text_input("Label (optional, for your tracking)", max_chars=100, key="invite_label",
                          placeholder="e.g. board meeting, March",
                          help="Shown here only; never stored with the answers.")
    create = st.form_submit_button("Create links", type="primary")
if create:
    now = audit.utc_now()
    try:
        tokens = invites.create_invites(con, role, int(count), ui.user_name(),
                                        expires_at=now + dt.timedelta(days=int(days)) if days else None,
                                        label=label, now=now)
    except invites.InviteError as exc:
        st.error(str(exc))
    else:
        st.session_state["invites_created"] = (role, tokens)
        st.rerun()

st.subheader("All links")
if everything.empty:
    st.caption("No link yet.")
else:
    chosen = st.multiselect("Show", invites.STATUSES, default=list(invites.STATUSES), key="invite_status_filter")
    shown = everything[everything["status"].isin(chosen)]
    table = pd.DataFrame({
        "status": shown["status"], "respondent_role": shown["respondent_role"], "label": shown["label"],
        "link": [invites.link(base, t) for t in shown["token"]], "expires_at": shown["expires_at"],
        "created_at": shown["created_at"], "created_by": shown["created_by"],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="invites_table", column_config={
        "respondent_role": "role",
        "expires_at": st.column_config.DatetimeColumn("expires (UTC)", format="YYYY-MM-DD HH:mm"),
        "created_at": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm"),
        "created_by": "created by"})
    st.download_button(f"Download the {len(shown):,} link{'s' if len(shown) != 1 else ''} shown (CSV)",
                       invites.links_csv(shown, base),
                       file_name="survey_invitations.csv", mime="text/csv", key="invites_csv",
                       disabled=shown.empty)

    open_links = everything[everything["status"].isin(("unused", "expired"))]
    st.markdown("**Revoke links**")
    if open_links.empty:
        st.caption("No unused link to revoke.")
    else:
        labels = {r.token: f"{r.respondent_role} · {r.label or 'no label'} · {r.token[:6]}… · "
                           f"created {r.created_at:%Y-%m-%d %H:%M} · {r.status}" for r in open_links.itertuples()}
        picked = st.multiselect("Links", list(labels), format_func=labels.get, key="revoke_choice",
                                placeholder="Pick the links that must stop working")
        if st.button("Revoke", key="revoke_button", disabled=not picked):
            try:
                n = invites.revoke(con, picked, ui.user_name())
            except invites.InviteError as exc:
                st.error(str(exc))
            else:
                st.session_state["invites_message"] = (f"Revoked {n} link{'s' if n != 1 else ''}: "
                                                       "they now show “withdrawn” to whoever opens them.")
                st.session_state.pop("revoke_choice", None)
                st.rerun()

ui.change_history(con, "survey_invites", "No link created or revoked yet.", key="invites_trail")
