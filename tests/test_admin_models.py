"""Admin data: workspace settings, role rules, survey invitations and their audit trail, worked out by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from data_models import audit, db, invites, role_rules, settings

T = dt.datetime
NOW = T(2026, 11, 20, 9, 0)


@pytest.fixture
def con():
    con = db.connect(":memory:")
    yield con
    con.close()


def trail(con, area):
    return [(r.changed_by, r.action, r.detail) for r in audit.trail(con, area).sort_values("changed_at").itertuples()]


# ---------- settings ----------

def test_defaults_are_the_code_defaults(con):
    from data_models import deck
    from data_models.params import Params

    assert settings.get_settings(con) == {
        "company_name": "Our company", "fiscal_year_start_month": 1, "currency": "USD", "lookback_days": 90,
        "attribution_model": "w_shaped", "sourced_definition": "lead_source", "gross_margin_pct": 75,
        "invite_expiry_days": 30, "app_url": "",
    }
    p = Params(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    assert (p.lookback_days, p.model, p.sourced_definition, p.currency, p.fiscal_year_start_month) == (90, "w_shaped", "lead_source", "USD", 1)
    assert p.gross_margin == settings.get_settings(con)["gross_margin_pct"] / 100
    assert settings.DEFAULT_COMPANY == deck.DEFAULT_COMPANY


def test_save_types_and_audits_only_what_changed(con):
    changed = settings.save_settings(con, {
        "company_name": "  Acme   Analytics ", "fiscal_year_start_month": "4", "currency": "eur",
        "lookback_days": 60, "attribution_model": "w_shaped", "app_url": "https://dash.acme.test/",
    }, "admin@acme.test")
    assert changed == ["company_name", "fiscal_year_start_month", "currency", "lookback_days", "app_url"]
    got = settings.get_settings(con)
    assert (got["company_name"], got["fiscal_year_start_month"], got["currency"], got["lookback_days"], got["app_url"]) \
        == ("Acme Analytics", 4, "EUR", 60, "https://dash.acme.test")
    assert trail(con, "settings") == [
        ("admin@acme.test", "set", "company_name: 'Our company' -> 'Acme Analytics'"),
        ("admin@acme.test", "set", "fiscal_year_start_month: 1 -> 4"),
        ("admin@acme.test", "set", "currency: 'USD' -> 'EUR'"),
        ("admin@acme.test", "set", "lookback_days: 90 -> 60"),
        ("admin@acme.test", "set", "app_url: '' -> 'https://dash.acme.test'"),
    ]
    # the deck's own reader sees the same company name
    from data_models import deck
    assert deck.company_name(con) == "Acme Analytics"
    # saving the same values again changes nothing and adds no audit line
    assert settings.save_settings(con, {"lookback_days": "60", "currency": "EUR"}, "admin@acme.test") == []
    assert len(trail(con, "settings")) == 5


@pytest.mark.parametrize("changes, problems", [
    ({"company_name": "   "}, {"company_name": "Company name cannot be empty: it heads the app and the board deck's title slide."}),
    ({"company_name": "x" * 81}, {"company_name": "Company name is 81 characters long; keep it to 80."}),
    ({"fiscal_year_start_month": 13}, {"fiscal_year_start_month": "Fiscal year start month must be from 1 to 12; got 13."}),
    ({"fiscal_year_start_month": "April"},
     {"fiscal_year_start_month": "Fiscal year start month must be a whole number from 1 to 12; got 'April'."}),
    ({"currency": "US$"}, {"currency": "Currency must be a three-letter ISO 4217 code such as USD, EUR or GBP; got 'US$'."}),
    ({"lookback_days": 6}, {"lookback_days": "Influence lookback must be from 7 to 365; got 6."}),
    ({"lookback_days": 30.5}, {"lookback_days": "Influence lookback must be a whole number from 7 to 365; got '30.5'."}),
    ({"attribution_model": "custom"}, {"attribution_model": "Attribution model 'custom' is not one of first_touch, "
                                       "last_touch, linear, u_shaped, w_shaped, full_path, time_decay, j_shaped, "
                                       "inverse_j, markov, shapley."}),
    ({"sourced_definition": "gut"}, {"sourced_definition": "Sourced definition 'gut' is not one of lead_source, first_touch."}),
    ({"gross_margin_pct": 0}, {"gross_margin_pct": "Gross margin must be from 1 to 100; got 0."}),
    ({"gross_margin_pct": "70%"}, {"gross_margin_pct": "Gross margin must be a whole number from 1 to 100; got '70%'."}),
    ({"invite_expiry_days": -1}, {"invite_expiry_days": "Invitation expiry must be from 0 to 365; got -1."}),
    ({"app_url": "dash.acme.test"}, {"app_url": "App address must be the address people open, like "
                                     "https://dashboard.example.com (http or https, no ?query or #part); got 'dash.acme.test'."}),
    ({"colour": "red"}, {"colour": "There is no setting called 'colour'."}),
])
def test_invalid_values_are_named_and_nothing_is_written(con, changes, problems):
    with pytest.raises(settings.SettingsError) as caught:
        settings.save_settings(con, {"lookback_days": 45, **changes}, "admin")
    assert caught.value.problems == problems
    assert settings.get_settings(con)["lookback_days"] == 90     # the valid change was not written either
    assert trail(con, "settings") == []


def test_a_stored_value_that_no_longer_validates_falls_back_to_the_default(con):
    con.execute("insert into settings values ('lookback_days', '9999'), ('attribution_model', 'gone')")
    got = settings.get_settings(con)
    assert (got["lookback_days"], got["attribution_model"]) == (90, "w_shaped")


def test_a_database_made_before_the_admin_tables_gets_them_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("insert into settings values ('company_name', 'Old Co')")
    con.execute("insert into accounts (account_id, name) values ('A1', 'Kept')")
    con.execute("drop table role_rules; drop table survey_invites; drop table admin_audit")
    con.close()
    con = db.connect(path)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert {"role_rules", "survey_invites", "admin_audit"} <= tables
    assert con.execute("select name from accounts").fetchall() == [("Kept",)]
    assert settings.get_settings(con)["company_name"] == "Old Co"
    con.close()


def test_admin_tables_are_not_upload_templates():
    from data_models import dictionary

    names = {t.name for t in dictionary.tables()}
    assert set(audit.ADMIN_TABLES) <= names       # documented in the data dictionary (every column commented)
    for table in dictionary.tables():
        if table.name in audit.ADMIN_TABLES:
            assert all(note for _, _, _, note in table.columns), table.name


# ---------- role rules ----------

def test_add_and_remove_rules_with_audit(con):
    assert role_rules.add_rule(con, "email", " Ana@Acme.test ", "analyst", "admin@acme.test", "joined ops") == 1
    assert role_rules.add_rule(con, "domain", "@Partner.test", "viewer", "admin@acme.test") == 2
    assert role_rules.add_rule(con, "group", "Board", "viewer", "admin@acme.test") == 3
    assert role_rules.cached_rules(con, "mem") == ((1, "email", "ana@acme.test", "analyst"),
                                                  (2, "domain", "partner.test", "viewer"), (3, "group", "board", "viewer"))
    assert role_rules.remove_rule(con, 2, "boss@acme.test") == "rule 2: domain partner.test -> viewer"
    assert role_rules.cached_rules(con, "mem") == ((1, "email", "ana@acme.test", "analyst"), (3, "group", "board", "viewer"))
    assert role_rules.add_rule(con, "email", "bo@acme.test", "none", "admin@acme.test") == 4   # ids are never reused
    assert trail(con, "role_rules") == [
        ("admin@acme.test", "add", "rule 1: email ana@acme.test -> analyst (joined ops)"),
        ("admin@acme.test", "add", "rule 2: domain partner.test -> viewer"),
        ("admin@acme.test", "add", "rule 3: group board -> viewer"),
        ("boss@acme.test", "remove", "rule 2: domain partner.test -> viewer"),
        ("admin@acme.test", "add", "rule 4: email bo@acme.test -> none"),
    ]


@pytest.mark.parametrize("kind, value, role, message", [
    ("email", "ana.acme.test", "viewer", "'ana.acme.test' is not an email address (name@company.com)."),
    ("email", "", "viewer", "'An empty value' is not an email address (name@company.com)."),
    ("domain", "acme", "viewer", "'acme' is not a domain; write the part after @, like company.com."),
    ("group", "  ", "viewer", "A group name must be 1 to 200 characters long, as the identity provider sends it."),
    ("name", "Ana", "viewer", "A rule matches an email, a domain or a group, not 'name'."),
    ("email", "ana@acme.test", "owner", "Role 'owner' is not one of viewer, analyst, admin, none."),
])
def test_invalid_rules_are_refused(con, kind, value, role, message):
    with pytest.raises(role_rules.RuleError) as caught:
        role_rules.add_rule(con, kind, value, role, "admin")
    assert str(caught.value) == message
    assert role_rules.rules(con).empty and trail(con, "role_rules") == []


def test_a_second_rule_for_the_same_value_is_refused(con):
    role_rules.add_rule(con, "email", "ana@acme.test", "viewer", "admin")
    with pytest.raises(role_rules.RuleError, match="Rule 1 already gives email ana@acme.test the role viewer; "
                                                   "remove it first to change the role."):
        role_rules.add_rule(con, "email", "ANA@acme.test", "admin", "admin")
    with pytest.raises(role_rules.RuleError, match="There is no app rule 7; it may have been removed already."):
        role_rules.remove_rule(con, 7, "admin")
    assert len(role_rules.rules(con)) == 1


def test_role_choices_match_auth():
    from pages.shared import auth

    assert role_rules.ROLE_CHOICES == (*auth.ROLES, auth.NO_ROLE)


# ---------- survey invitations ----------

def make(con, count=2, role="Board", expires_at=T(2026, 11, 27, 9, 0), label="board, Nov"):
    return invites.create_invites(con, role, count, "admin@acme.test", expires_at=expires_at, label=label, now=NOW)


def test_created_links_are_random_single_use_and_audited(con):
    tokens = make(con)
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) == 24 for t in tokens)
    frame = invites.list_invites(con, NOW)
    assert sorted(frame["token"]) == sorted(tokens)
    assert frame[["respondent_role", "label", "created_by", "status"]].drop_duplicates().values.tolist() == \
        [["Board", "board, Nov", "admin@acme.test", "unused"]]
    assert trail(con, "survey_invites") == [
        ("admin@acme.test", "create", "2 links for Board, expiring 2026-11-27 09:00 UTC, label 'board, Nov'")]


def test_check_and_claim_through_a_links_life(con):
    a, b = make(con)
    assert invites.check(con, a, NOW) == invites.Check(True, "Board", "")
    assert invites.claim(con, a, NOW) == invites.Check(True, "Board", "")
    assert invites.claim(con, a, NOW) == invites.Check(False, "Board", invites.USED)      # single use
    assert invites.check(con, a, NOW).message == ("This invitation link has already been used: each link counts "
                                                   "one response, so the survey cannot be sent again.")
    # b expires at 2026-11-27 09:00: good one second before, refused from that moment
    assert invites.check(con, b, T(2026, 11, 27, 8, 59, 59)).ok
    expired = invites.Check(False, "Board", "This invitation link expired on Nov 27, 2026 at 09:00 UTC. "
                                             "Ask the person who sent it for a new one.")
    assert invites.check(con, b, T(2026, 11, 27, 9, 0)) == expired
    assert invites.claim(con, b, T(2026, 11, 27, 9, 0)) == expired
    statuses = invites.list_invites(con, T(2026, 11, 27, 9, 0)).set_index("token")["status"].to_dict()
    assert statuses == {a: "used", b: "expired"}


def test_a_released_claim_can_be_used_again(con):
    (a,) = make(con, count=1)
    assert invites.claim(con, a, NOW).ok
    invites.release(con, a)
    assert invites.claim(con, a, NOW).ok


def test_revoked_links_are_refused_and_used_ones_stay_used(con):
    a, b = make(con)
    invites.claim(con, a, NOW)
    assert invites.revoke(con, [a, b, b], "boss@acme.test", NOW) == 1      # a is used: nothing to revoke there
    assert invites.check(con, b, NOW) == invites.Check(False, "Board", invites.REVOKED)
    assert invites.claim(con, b, NOW).ok is False
    frame = invites.list_invites(con, NOW).set_index("token")
    assert frame.loc[a, "status"] == "used" and frame.loc[b, "status"] == "revoked"
    assert frame.loc[b, "revoked_by"] == "boss@acme.test"
    assert trail(con, "survey_invites")[-1] == ("boss@acme.test", "revoke", f"1 link: {b[:6]}…")
    with pytest.raises(invites.InviteError, match="Pick at least one link to revoke."):
        invites.revoke(con, [], "boss@acme.test", NOW)


@pytest.mark.parametrize("token", [None, "", "short", "x" * 24, "a b" * 10, "../../etc/passwd-xxxxxxxx"])
def test_unknown_or_malformed_tokens_are_refused(con, token):
    make(con)
    assert invites.check(con, token, NOW) == invites.Check(False, None, invites.UNKNOWN)
    assert invites.claim(con, token, NOW) == invites.Check(False, None, invites.UNKNOWN)
    assert invites.list_invites(con, NOW)["used"].tolist() == [False, False]


def test_links_without_expiry_never_expire(con):
    (a,) = make(con, count=1, expires_at=None, label=None)
    assert invites.check(con, a, T(2036, 1, 1)).ok
    assert trail(con, "survey_invites") == [("admin@acme.test", "create", "1 link for Board, never expiring")]


@pytest.mark.parametrize("args, message", [
    (dict(role="Investor"), "Respondent role 'Investor' is not one of CEO, CMO, Sales, Board, Marketing."),
    (dict(count=0), "Create from 1 to 500 links at a time; got 0."),
    (dict(count=501), "Create from 1 to 500 links at a time; got 501."),
    (dict(expires_at=NOW), "The expiry 2026-11-20 09:00 UTC is not in the future."),
    (dict(label="x" * 101), "The label is 101 characters long; keep it to 100."),
])
def test_invalid_invitations_are_refused(con, args, message):
    with pytest.raises(invites.InviteError) as caught:
        make(con, **args)
    assert str(caught.value) == message
    assert invites.list_invites(con, NOW).empty and trail(con, "survey_invites") == []


def test_links_csv_is_formula_safe(con):
    (a,) = make(con, count=1, label="=HYPERLINK(\"http://evil\")")
    frame = invites.list_invites(con, NOW)
    data = invites.links_csv(frame, "https://dash.acme.test/")
    assert data == (
        "link,respondent_role,label,status,expires_at_utc,created_at_utc\r\n"
        f"https://dash.acme.test/perception?invite={a},Board,\"'=HYPERLINK(\"\"http://evil\"\")\",unused,"
        "2026-11-27 09:00:00,2026-11-20 09:00:00\r\n").encode()


@pytest.mark.parametrize("current, configured, expected", [
    ("http://localhost:8501/invitations", "", "http://localhost:8501"),
    ("https://10.0.0.5:8501/invitations?x=1", "https://dash.acme.test", "https://dash.acme.test"),
    (None, "", "http://localhost:8501"),
])
def test_base_url(current, configured, expected):
    assert invites.base_url(current, configured) == expected


def test_two_sessions_claiming_at_once_only_one_wins(tmp_path):
    path = tmp_path / "race.duckdb"
    con = db.connect(path)
    (a,) = make(con, count=1)
    first, second = con.cursor(), con.cursor()
    first.execute("begin transaction")
    assert invites.claim(first, a, NOW).ok
    # the second session tries while the first has not committed: DuckDB reports a conflict -> refused as used
    assert invites.claim(second, a, NOW) == invites.Check(False, None, invites.USED)
    first.execute("commit")
    assert invites.claim(second, a, NOW) == invites.Check(False, "Board", invites.USED)
    con.close()


def test_the_cli_deck_follows_the_workspace_settings(tmp_path, capsys):
    from pptx import Presentation

    from cli import main
    from tests.dashboard_fixture import build_dashboard_db

    path = tmp_path / "deck.duckdb"
    build_dashboard_db(path)
    con = db.connect(path)
    settings.save_settings(con, {"company_name": "Acme Analytics", "fiscal_year_start_month": 4}, "admin")
    con.close()
    out = tmp_path / "board.pptx"
    assert main(["deck", "--db", str(path), "--out", str(out)]) == 0
    # data as of 2026-09-28; with fiscal years starting in April the last complete quarter is Apr-Jun 2026,
    # the first quarter of the fiscal year that ends in March 2027
    assert f"wrote {out} (9 slides, FY2027 Q1, 2026-04-01 to 2026-06-30, data as of 2026-09-28" in capsys.readouterr().out
    assert Presentation(str(out)).slides[0].shapes.title.text == "Acme Analytics"
