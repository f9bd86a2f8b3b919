"""Users and roles: who gets which role, from the operator's roles file and the rules admins add here."""
import pandas as pd
import streamlit as st

from data_models import role_rules
from pages import PAGE_TABLE
from pages.shared import auth, ui

auth.require_role("admin")
st.title("Users and roles")
con = ui.write_connection()

try:
    role_map = auth.load_roles()
    file_problem = None
except auth.RolesConfigError as exc:
    role_map, file_problem = auth.RoleMap(()), str(exc)
app_rules = role_rules.rules(con)
signed_in = auth.auth_configured()

ui.headline(f"{len(role_map.rules)} rule{'s' if len(role_map.rules) != 1 else ''} in the roles file and "
            f"{len(app_rules)} added here decide who sees what; people no rule matches get "
            f"{'no access' if role_map.default == auth.NO_ROLE else role_map.default}.")
if not signed_in:
    st.info(f"Sign-in is off (open demo mode): everyone is **{auth.demo_role()}** and these rules are not used. "
            "They apply as soon as an [auth] section is added to .streamlit/secrets.toml.")
if file_problem:
    st.error(f"The roles file cannot be used, so nobody can sign in until it is fixed: {file_problem}")

st.subheader("What each role can open")
pages_by_role = {role: [title for _, script, title, _ in PAGE_TABLE if auth.page_min_role(script) == role]
                 for role in auth.ROLES}
st.table(pd.DataFrame({
    "role": list(auth.ROLES),
    "for": ["CEO, board, sales leaders: read-only dashboards; can answer the survey",
            "marketing ops: everything a viewer has, plus uploads, load history, data quality and templates",
            "everything an analyst has, plus settings, users and roles, survey invitations"],
    "pages added at this level": [", ".join(pages_by_role[r]) for r in auth.ROLES],
}))

st.subheader("How a role is decided")
st.markdown(
    "1. The roles file's rules that make someone **admin** or keep them out (**none**) always win: nobody can lock "
    "out the operator's admins or let in someone the operator blocked from here.\n"
    "2. Then the rules added here, in order: the first that matches decides.\n"
    "3. Then the roles file's other rules, top to bottom.\n"
    f"4. Nobody matched: the file's default, **{role_map.default}**.\n\n"
    "Email rules ignore addresses the identity provider marks unverified; domains match exactly "
    f"(example.com is not sub.example.com); groups come from the ID token's `{role_map.groups_claim}` claim.")

st.markdown(f"**In the roles file** · `{auth.roles_file()}` · read-only here: the operator edits the file")
if role_map.rules:
    st.dataframe(pd.DataFrame([{"rule": n, "matches": r.kind, "values": ", ".join(r.values), "role": r.role,
                                "always wins": r.role in auth.FINAL_FILE_ROLES}
                               for n, r in enumerate(role_map.rules, start=1)]),
                 hide_index=True, width="stretch", key="file_rules")
else:
    st.caption("The roles file has no rules.")

st.markdown("**Added here**")
if app_rules.empty:
    st.caption("No rule added here yet.")
else:
    st.dataframe(app_rules, hide_index=True, width="stretch", key="app_rules", column_config={
        "rule_id": "rule", "kind": "matches", "value": "value", "role": "role", "note": "note",
        "created_by": "added by", "created_at": st.column_config.DatetimeColumn("added (UTC)", format="YYYY-MM-DD HH:mm")})

if message := st.session_state.pop("rules_message", None):
    st.success(message)


def locks_me_out(candidate_rules) -> bool:
    """True when the signed-in admin would no longer be admin with these app rules."""
    if not signed_in or not st.user.is_logged_in:
        return False
    return auth.decide(role_map, candidate_rules, st.user.to_dict()).role != "admin"


current = [(int(r.rule_id), auth.app_rule(r.kind, r.value, r.role)) for r in app_rules.itertuples()]
add_col, remove_col = st.columns(2)
with add_col.form("add_rule", clear_on_submit=True):
    st.markdown("**Add a rule**")
    kind = st.selectbox("Matches", role_rules.KINDS, key="rule_kind",
                        format_func={"email": "an email address", "domain": "an email domain",
                                     "group": "a group of the identity provider"}.get)
    value = st.text_input("Value", placeholder="ana@company.com, company.com or marketing-ops", key="rule_value")
    role = st.selectbox("Role", role_rules.ROLE_CHOICES, key="rule_role",
                        format_func=lambda r: "none (no access)" if r == "none" else r)
    note = st.text_input("Note (optional)", placeholder="why, e.g. joined marketing ops in March", key="rule_note")
    add = st.form_submit_button("Add rule", type="primary")
if add:
    try:
        cleaned = role_rules.clean_value(kind, value)
        if locks_me_out(current + [(10**9, auth.app_rule(kind, cleaned, role))]):
            raise role_rules.RuleError("This rule would take away your own admin access; ask another admin to "
                                       "add it, or change the roles file.")
        rule_id = role_rules.add_rule(con, kind, value, role, ui.user_name(), note)
    except role_rules.RuleError as exc:
        st.error(str(exc))
    else:
        st.session_state["rules_message"] = f"Added rule {rule_id}: {kind} {cleaned} → {role}."
        st.rerun()

with remove_col:
    st.markdown("**Remove a rule added here**")
    if app_rules.empty:
        st.caption("Nothing to remove.")
    else:
        options = {int(r.rule_id): f"Rule {int(r.rule_id)}: {r.kind} {r.value} → {r.role}" for r in app_rules.itertuples()}
        chosen = st.selectbox("Rule", list(options), format_func=options.get, key="remove_rule_choice")
        if st.button("Remove rule", key="remove_rule"):
            try:
                if locks_me_out([(i, r) for i, r in current if i != chosen]):
                    raise role_rules.RuleError("Removing this rule would take away your own admin access; "
                                               "ask another admin to remove it.")
                detail = role_rules.remove_rule(con, chosen, ui.user_name())
            except role_rules.RuleError as exc:
                st.error(str(exc))
            else:
                st.session_state["rules_message"] = f"Removed {detail}."
                st.rerun()

st.subheader("Who gets which role?")
st.caption("Try an address and groups as the identity provider would send them; nobody is signed in or changed.")
left, right = st.columns(2)
email = left.text_input("Email", placeholder="someone@company.com", key="test_email")
groups = right.text_input("Groups (comma-separated)", placeholder="marketing-ops, revops", key="test_groups")
verified = left.checkbox("The provider says the address is verified", value=True, key="test_verified")
if email.strip() or groups.strip():
    claims = {"email": email.strip(), "email_verified": verified,
              role_map.groups_claim: [g.strip() for g in groups.split(",") if g.strip()]}
    decision = auth.decide(role_map, current, claims)
    shown = st.success if decision.role else st.warning
    shown(f"**{decision.role or 'No access'}**: {decision.explain()}.")
    if file_problem:
        st.caption("While the roles file is broken, nobody actually gets in: this is what it would give once fixed.")

ui.change_history(con, "role_rules", "No rule has been added or removed here yet.", key="rules_trail")
