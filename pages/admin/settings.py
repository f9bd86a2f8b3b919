"""Settings: the workspace defaults every page and the board deck start from (admins only)."""
import datetime as dt
import html

import streamlit as st

from data_models import settings
from data_models.formatting import MODEL_LABELS, SOURCED_LABELS
from pages.shared import auth, ui
from pages.shared.upload_flow import max_upload_mb

auth.require_role("admin")
st.title("Settings")
con = ui.write_connection()
current = settings.get_settings(con)


def month(m: int) -> str:
    return dt.date(2000, m, 1).strftime("%B")


ui.headline(f"{html.escape(current['company_name'])} reports in {current['currency']} on fiscal years starting in "
            f"{month(current['fiscal_year_start_month'])}; pages open on {MODEL_LABELS[current['attribution_model']]} "
            f"attribution with a {current['lookback_days']}-day lookback.")
st.caption("These are the defaults everyone starts from. Anyone can still change the filters in the sidebar for "
           "their own view, and a shared link keeps the filters it was made with.")

if saved := st.session_state.pop("settings_saved", None):
    st.success(saved)

S = settings.BY_KEY
with st.form("settings_form"):
    st.markdown("**Workspace**")
    left, right = st.columns(2)
    values = {
        "company_name": left.text_input(S["company_name"].label, current["company_name"], max_chars=80,
                                        help=S["company_name"].help, key="set_company_name"),
        "currency": right.text_input(S["currency"].label, current["currency"], max_chars=3,
                                     help=S["currency"].help, key="set_currency"),
        "fiscal_year_start_month": left.selectbox(S["fiscal_year_start_month"].label, range(1, 13),
                                                  index=current["fiscal_year_start_month"] - 1, format_func=month,
                                                  help=S["fiscal_year_start_month"].help,
                                                  key="set_fiscal_year_start_month"),
    }
    st.markdown("**Defaults of the sidebar filters**")
    left, right = st.columns(2)
    values |= {
        "attribution_model": left.selectbox(S["attribution_model"].label, settings.SIDEBAR_MODELS,
                                            index=settings.SIDEBAR_MODELS.index(current["attribution_model"]),
                                            format_func=MODEL_LABELS.get, help=S["attribution_model"].help,
                                            key="set_attribution_model"),
        "sourced_definition": right.selectbox(S["sourced_definition"].label, list(SOURCED_LABELS),
                                              index=list(SOURCED_LABELS).index(current["sourced_definition"]),
                                              format_func=SOURCED_LABELS.get, help=S["sourced_definition"].help,
                                              key="set_sourced_definition"),
        "lookback_days": left.number_input(S["lookback_days"].label, value=current["lookback_days"], step=1,
                                           help=S["lookback_days"].help, key="set_lookback_days"),
        "gross_margin_pct": right.number_input(S["gross_margin_pct"].label, value=current["gross_margin_pct"], step=1,
                                               help=S["gross_margin_pct"].help, key="set_gross_margin_pct"),
    }
    st.markdown("**Survey invitations**")
    left, right = st.columns(2)
    values |= {
        "invite_expiry_days": left.number_input(S["invite_expiry_days"].label, value=current["invite_expiry_days"],
                                                step=1, help=S["invite_expiry_days"].help,
                                                key="set_invite_expiry_days"),
        "app_url": right.text_input(S["app_url"].label, current["app_url"], placeholder="https://dashboard.example.com",
                                    help=S["app_url"].help, key="set_app_url"),
    }
    submitted = st.form_submit_button("Save settings", type="primary")

if submitted:
    try:
        changed = settings.save_settings(con, values, ui.user_name())
    except settings.SettingsError as exc:
        st.error("Nothing was saved. " + " ".join(exc.problems.values()))
    else:
        if not changed:
            st.info("Nothing changed: every value is as it was.")
        else:
            ui.data_changed()
            # filters already open in a browser (this one included) keep their values: Streamlit does not move a
            # widget a person may have set; everyone's next visit, and any link without filters, opens on these
            st.session_state["settings_saved"] = ("Saved: " + ", ".join(S[k].label.lower() for k in changed)
                                                  + ". New visits and links without filters open with them; "
                                                  "filters already open keep their values.")
            st.rerun()

st.subheader("Set by the operator")
st.caption("Server settings of the installation, shown for reference: they change with the environment or the "
           "configuration files, and a restart.")
operator = [
    ("Sign-in", "OpenID Connect (.streamlit/secrets.toml [auth])" if auth.auth_configured()
     else f"off: open demo mode, everyone is {auth.demo_role()} (MVD_DEMO_ROLE)"),
    ("Roles file", str(auth.roles_file())),
    ("Database", ui.db_path()),
    ("Upload limit per file", f"{max_upload_mb():g} MB (MVD_MAX_UPLOAD_MB; the server's cap is "
                              f"{st.get_option('server.maxUploadSize')} MB, server.maxUploadSize)"),
]
st.table({"setting": [k for k, _ in operator], "value": [v for _, v in operator]})

ui.change_history(con, "settings", "No setting has been changed yet: every value is the default.",
                  key="settings_trail", show_action=False)
