"""The Admin pages under AppTest: admins change settings, role rules and survey invitations; nobody else can."""
from __future__ import annotations

import datetime as dt
import pathlib

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data_models import audit, db, invites
from pages import PAGE_TABLE
from pages.shared import auth

ROOT = pathlib.Path(__file__).parents[1]
APP = str(ROOT / "app.py")
ADMIN_PAGES = [script for _, script, _, _ in PAGE_TABLE if script.startswith("pages/admin/")]


@pytest.fixture
def admin_env(tiny_db, monkeypatch):
    monkeypatch.setenv("MVD_DB", str(tiny_db))
    monkeypatch.setenv("MVD_DEMO_ROLE", "admin")
    return tiny_db


def page(script: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def query(db_path, sql, params=None):
    with duckdb.connect(str(db_path)) as con:
        return con.execute(sql, params or []).fetchall()


def test_admin_section_has_the_three_pages():
    assert ADMIN_PAGES == ["pages/admin/settings.py", "pages/admin/users.py", "pages/admin/invitations.py"]
    assert [row[0] for row in PAGE_TABLE if row[1] in ADMIN_PAGES] == ["Admin"] * 3
    assert {auth.page_min_role(s) for s in ADMIN_PAGES} == {"admin"}
    for role in ("viewer", "analyst"):
        assert not [row for row in auth.visible_pages(PAGE_TABLE, role) if row[0] == "Admin"]
    assert "pages/analyst/templates.py" in [row[1] for row in auth.visible_pages(PAGE_TABLE, "analyst")]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
@pytest.mark.parametrize("script", ADMIN_PAGES)
def test_admin_pages_refuse_others_even_when_run_directly(tiny_db, monkeypatch, role, script):
    """The second lock: the page itself stops before reading or writing anything."""
    monkeypatch.setenv("MVD_DB", str(tiny_db))
    monkeypatch.setenv("MVD_DEMO_ROLE", role)
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["This page is for admins only. Ask your admin if you need it."]
    assert not at.button and not at.text_input


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_admin_pages_are_not_in_the_navigation_of_others(tiny_db, monkeypatch, role):
    monkeypatch.setenv("MVD_DB", str(tiny_db))
    monkeypatch.setenv("MVD_DEMO_ROLE", role)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    for script in ADMIN_PAGES:   # never registered for this role: there is no such page to switch to
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(script)


# ---------- settings ----------

def test_saved_settings_become_everyones_defaults(admin_env):
    at = page("pages/admin/settings.py")
    assert at.title[0].value == "Settings"
    at.text_input(key="set_company_name").input("Acme Analytics")
    at.selectbox(key="set_fiscal_year_start_month").set_value(4)
    at.selectbox(key="set_attribution_model").set_value("linear")
    at.number_input(key="set_lookback_days").set_value(60)
    at.text_input(key="set_currency").input("eur")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Saved: company name, currency, fiscal year starts in, attribution model, influence lookback (days). "
        "New visits and links without filters open with them; filters already open keep their values."]
    assert dict(query(admin_env, "select key, value from settings where key in ('company_name', 'currency',"
                                 " 'lookback_days', 'attribution_model', 'fiscal_year_start_month')")) == {
        "company_name": "Acme Analytics", "currency": "EUR", "lookback_days": "60", "attribution_model": "linear",
        "fiscal_year_start_month": "4"}
    assert query(admin_env, "select changed_by, detail from admin_audit order by detail") == [
        ("demo", "attribution_model: 'w_shaped' -> 'linear'"), ("demo", "company_name: 'Our company' -> 'Acme Analytics'"),
        ("demo", "currency: 'USD' -> 'EUR'"), ("demo", "fiscal_year_start_month: 1 -> 4"),
        ("demo", "lookback_days: 90 -> 60")]
    # a new session opens with the new defaults, and shows the company name
    fresh = page("pages/dashboard/overview.py")
    assert fresh.sidebar.slider(key="f_lookback").value == 60
    assert fresh.sidebar.selectbox(key="f_model").value == "linear"
    assert fresh.sidebar.selectbox(key="f_fy").value == 4
    assert [s.value for s in fresh.sidebar.subheader] == ["Acme Analytics"]
    # a link with explicit filters still wins over the defaults
    linked = AppTest.from_file(APP, default_timeout=120)
    linked.query_params["lookback"] = "30"
    linked.run()
    assert linked.sidebar.slider(key="f_lookback").value == 30


def test_invalid_settings_are_explained_and_nothing_is_saved(admin_env):
    at = page("pages/admin/settings.py")
    at.text_input(key="set_company_name").input("   ")
    at.number_input(key="set_lookback_days").set_value(400)
    at.text_input(key="set_app_url").input("dash.acme.test")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Nothing was saved. Company name cannot be empty: it heads the app and the board deck's title slide. "
        "Influence lookback must be from 7 to 365; got 400. App address must be the address people open, like "
        "https://dashboard.example.com (http or https, no ?query or #part); got 'dash.acme.test'."]
    assert query(admin_env, "select count(*) from admin_audit") == [(0,)]
    assert query(admin_env, "select count(*) from settings where key in ('company_name', 'lookback_days')") == [(0,)]


# ---------- users and roles ----------

def test_add_test_and_remove_a_role_rule(admin_env, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text('default = "none"\n[[rules]]\nemail = "boss@acme.test"\nrole = "admin"\n'
                     '[[rules]]\ndomain = "acme.test"\nrole = "viewer"\n')
    monkeypatch.setenv("MVD_ROLES", str(roles))
    at = page("pages/admin/users.py")
    assert at.title[0].value == "Users and roles"
    assert "Sign-in is off (open demo mode)" in at.info[0].value
    file_rules = at.dataframe[0].value
    assert file_rules[["rule", "matches", "values", "role"]].values.tolist() == [
        [1, "email", "boss@acme.test", "admin"], [2, "domain", "acme.test", "viewer"]]

    at.selectbox(key="rule_kind").set_value("email")
    at.text_input(key="rule_value").input("Ana@Acme.test")
    at.selectbox(key="rule_role").set_value("analyst")
    at.text_input(key="rule_note").input("marketing ops")
    next(b for b in at.button if b.label == "Add rule").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Added rule 1: email ana@acme.test → analyst."]
    assert query(admin_env, "select rule_id, kind, value, role, note, created_by from role_rules") == [
        (1, "email", "ana@acme.test", "analyst", "marketing ops", "demo")]

    # the tester: the app rule beats the file's domain rule; the file's admin rule cannot be overridden
    at.text_input(key="test_email").input("ana@acme.test").run()
    assert [s.value for s in at.success] == ["**analyst**: app rule 1 matched (email ana@acme.test)."]
    at.text_input(key="test_email").input("boss@acme.test").run()
    assert [s.value for s in at.success] == [
        "**admin**: rule 1 of the roles file matched (email boss@acme.test) "
        "(the file's admin and no-access rules always win)."]
    at.text_input(key="test_email").input("someone@else.test").run()
    assert [w.value for w in at.warning] == [
        "**No access**: no rule matches, so the roles file's default applies."]

    # a bad value is explained, nothing stored
    at.text_input(key="rule_value").input("not-an-address")
    next(b for b in at.button if b.label == "Add rule").click().run()
    assert [e.value for e in at.error] == ["'not-an-address' is not an email address (name@company.com)."]

    at.button(key="remove_rule").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success][0] == "Removed rule 1: email ana@acme.test -> analyst."
    assert query(admin_env, "select count(*) from role_rules") == [(0,)]
    assert [r[0] for r in query(admin_env, "select action from admin_audit order by changed_at, action")] == ["add", "remove"]


# ---------- survey invitations ----------

def test_create_list_download_and_revoke_invitations(admin_env):
    at = page("pages/admin/invitations.py")
    assert at.title[0].value == "Survey invitations"
    assert at.number_input(key="invite_days").value == 30          # the workspace default
    at.selectbox(key="invite_role").set_value("Board")
    at.number_input(key="invite_count").set_value(3)
    at.text_input(key="invite_label").input("board, Nov")
    next(b for b in at.button if b.label == "Create links").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Created 3 links for Board. Send one link per person."]
    rows = query(admin_env, "select token, respondent_role, label, created_by, expires_at - created_at, used"
                            " from survey_invites")
    assert len(rows) == 3 and {r[1:] for r in rows} == {("Board", "board, Nov", "demo", dt.timedelta(days=30), False)}
    tokens = {r[0] for r in rows}
    links = at.code[0].value.splitlines()
    assert {link.rsplit("=", 1)[1] for link in links} == tokens
    assert all(link.startswith("http://localhost:8501/perception?invite=") for link in links)
    assert at.dataframe[0].value["status"].tolist() == ["unused"] * 3

    revoked = sorted(tokens)[0]
    at.multiselect(key="revoke_choice").select(revoked).run()
    at.button(key="revoke_button").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Revoked 1 link: they now show “withdrawn” to whoever opens them."]
    assert query(admin_env, "select token from survey_invites where revoked_at is not null") == [(revoked,)]
    assert sorted(at.dataframe[0].value["status"]) == ["revoked", "unused", "unused"]
    created_at, expires_at = query(admin_env, "select created_at, expires_at from survey_invites limit 1")[0]
    assert query(admin_env, "select action, detail from admin_audit order by changed_at, action") == [
        ("create", f"3 links for Board, expiring {expires_at:%Y-%m-%d %H:%M} UTC, label 'board, Nov'"),
        ("revoke", f"1 link: {revoked[:6]}…")]


# ---------- the survey form with an invitation ----------

def answers(db_path):
    return query(db_path, "select respondent_key, respondent_role, count(*) from survey_responses group by all")


def survey(db_path, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["invite"] = token
    at.run()
    at.switch_page("pages/dashboard/perception.py")
    at.query_params["invite"] = token
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Submit answers").click().run()
    assert not at.exception, at.exception
    return at


def make_invites(db_path, **kwargs):
    con = db.connect(db_path)
    try:
        return invites.create_invites(con, kwargs.pop("role", "Board"), kwargs.pop("count", 1), "admin@acme.test", **kwargs)
    finally:
        con.close()


def test_an_invited_answer_is_stored_once_with_the_invites_role_and_a_random_key(admin_env, monkeypatch):
    monkeypatch.setenv("MVD_DEMO_ROLE", "viewer")      # a board member
    (token,) = make_invites(admin_env, role="Board", label="Jane, board")
    at = survey(admin_env, token)
    assert at.selectbox(key="survey_role").value == "Board" and at.selectbox(key="survey_role").disabled
    submit(at)
    assert any("Thank you: your answers are in" in s.value for s in at.success)
    stored = answers(admin_env)
    assert len(stored) == 1 and stored[0][1] == "Board" and stored[0][2] == 9
    from connectors import forms
    with duckdb.connect(str(admin_env)) as con:
        salt = con.execute("select value from settings where key = 'survey_salt'").fetchone()[0]
        everything = " ".join(str(v) for row in con.execute("select * from survey_responses").fetchall() for v in row)
    assert stored[0][0] != forms.respondent_key(f"invite:{token}", salt)     # not derivable from the link
    assert token not in everything and "Jane" not in everything
    assert query(admin_env, "select used from survey_invites") == [(True,)]
    # the thanks replaced the form's warning; the same link cannot send again
    again = survey(admin_env, token)
    assert [w.value for w in again.warning] == [invites.USED]
    assert next(b for b in again.button if b.label == "Submit answers").disabled
    assert answers(admin_env) == stored


@pytest.mark.parametrize("case, message", [
    ("unknown", invites.UNKNOWN),
    ("used", invites.USED),
    ("revoked", invites.REVOKED),
    ("expired", "This invitation link expired on Nov 02, 2026 at 09:00 UTC. Ask the person who sent it for a new one."),
])
def test_a_link_that_cannot_be_used_says_why_and_writes_nothing(admin_env, case, message):
    made = dt.datetime(2026, 11, 1, 9, 0)
    (token,) = make_invites(admin_env, expires_at=dt.datetime(2026, 11, 2, 9, 0) if case == "expired" else None,
                            now=made)
    con = db.connect(admin_env)
    if case == "used":
        invites.claim(con, token)
    elif case == "revoked":
        invites.revoke(con, [token], "admin@acme.test")
    elif case == "unknown":
        token = token[::-1] + "x"
    con.close()
    at = survey(admin_env, token)
    assert [w.value for w in at.warning] == [message]
    assert next(b for b in at.button if b.label == "Submit answers").disabled
    assert answers(admin_env) == []
    assert query(admin_env, "select count(*) from load_log") == [(0,)]


def test_a_link_used_elsewhere_after_the_form_opened_is_refused_on_submit(admin_env):
    (token,) = make_invites(admin_env)
    at = survey(admin_env, token)
    con = db.connect(admin_env)
    invites.claim(con, token)             # another browser sent it meanwhile
    con.close()
    submit(at)
    # the run the click starts sees the link used: it says so and stores nothing (the atomic claim in
    # invites.claim covers the same race between two servers' runs; see test_admin_models)
    assert [m.value for m in (*at.warning, *at.error)] == [invites.USED]
    assert answers(admin_env) == [] and query(admin_env, "select count(*) from load_log") == [(0,)]
    # the respondent's use is never audited: no admin_audit line is about a survey answer
    assert set(audit.AREAS) == {"settings", "role_rules", "survey_invites"}
    assert query(admin_env, "select count(*) from admin_audit where area <> 'survey_invites'") == [(0,)]


def test_saved_gross_margin_is_what_the_roi_page_opens_with(admin_env):
    at = page("pages/admin/settings.py")
    at.number_input(key="set_gross_margin_pct").set_value(60)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert query(admin_env, "select value from settings where key = 'gross_margin_pct'") == [("60",)]
    roi_page = page("pages/dashboard/roi.py")
    assert roi_page.number_input(key="roi_margin").value == 60
    assert roi_page.session_state["params"].gross_margin == 0.60
