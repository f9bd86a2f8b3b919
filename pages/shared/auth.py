"""Who may see what: sign-in through Streamlit's OpenID Connect, roles, and read-only data for viewers.

Three roles, each including the one before: viewer (the dashboard pages), analyst (plus the pages under
pages/analyst/: uploads, load history, data quality, templates) and admin (plus pages/admin/: settings, users and
roles, survey invitations). The identity provider says who someone is; config/roles.toml and the rules admins add
in the app say which role that person gets.

With an [auth] section in .streamlit/secrets.toml, `gate()` runs at the top of app.py, before navigation is
built and before any page runs: nobody reaches a page or a number without signing in, and pages
above a person's role are not even registered in st.navigation for them. Without [auth] the app runs in open
demo mode with the role from MVD_DEMO_ROLE (default admin), and says so in the sidebar.

Admins can add rules in the app (pages/admin/users.py, table role_rules). `decide` combines them with the file:
the file's rules that make someone admin or keep them out (role none) always win, so an admin in the app can
never lock out the operator's admins or let in someone the operator blocked; then the app rules, in order; then
the file's other rules; then the file's default.
"""
from __future__ import annotations

import collections
import dataclasses
import os
import pathlib
import tomllib
from typing import Any, Iterable, Mapping

import duckdb
import streamlit as st

ROLES = ("viewer", "analyst", "admin")
NO_ROLE = "none"
RANK = {role: rank for rank, role in enumerate(ROLES)}
ROOT = pathlib.Path(__file__).parents[2]
DEFAULT_ROLES_FILE = ROOT / "config" / "roles.toml"

# The minimum role of a page script, by path. Pages not listed get the role of their folder (FOLDER_MIN_ROLE),
# anything else is for viewers. The lead may move this into PAGE_TABLE as a fifth column later.
PAGE_MIN_ROLE: dict[str, str] = {}
FOLDER_MIN_ROLE = {"pages/analyst/": "analyst", "pages/admin/": "admin"}


class RolesConfigError(ValueError):
    """The roles file cannot be used; the app then lets nobody in (fail closed)."""


class ReadOnlyError(PermissionError):
    """A viewer's session tried to change the database."""


# ---------- the role mapping (pure: no streamlit) ----------

@dataclasses.dataclass(frozen=True)
class Rule:
    kind: str                      # email | domain | group
    values: tuple[str, ...]        # lower-cased
    role: str                      # one of ROLES or NO_ROLE


@dataclasses.dataclass(frozen=True)
class RoleMap:
    rules: tuple[Rule, ...]
    default: str = NO_ROLE
    groups_claim: str = "groups"

    def match(self, claims: Mapping[str, Any]) -> tuple[int, Rule] | None:
        """The first rule that matches (its number in the file, from 1, and the rule), or None."""
        for number, rule in enumerate(self.rules, start=1):
            if _matches(rule, claims, self.groups_claim):
                return number, rule
        return None

    def role_for(self, claims: Mapping[str, Any]) -> str | None:
        """The role of a signed-in person by the file alone (their ID-token claims); None when they get no access."""
        hit = self.match(claims)
        role = hit[1].role if hit else self.default
        return None if role == NO_ROLE else role


# the file's rules with these roles are final: app rules cannot demote the operator's admins or admit the blocked
FINAL_FILE_ROLES = ("admin", NO_ROLE)


@dataclasses.dataclass(frozen=True)
class Decision:
    role: str | None               # None: no access
    source: str                    # file | app | default
    number: int | None = None      # the rule's number in the file, or the app rule's id
    rule: Rule | None = None

    def explain(self) -> str:
        """Which rule decided, in words (the role itself is self.role)."""
        if self.rule is None:
            return "no rule matches, so the roles file's default applies"
        what = f"{self.rule.kind} {' / '.join(self.rule.values)}"
        where = f"rule {self.number} of the roles file" if self.source == "file" else f"app rule {self.number}"
        final = " (the file's admin and no-access rules always win)" if (
            self.source == "file" and self.rule.role in FINAL_FILE_ROLES) else ""
        return f"{where} matched ({what}){final}"


def app_rule(kind: str, value: str, role: str) -> Rule:
    return Rule(kind, (value.strip().lower(),), role)


def decide(role_map: RoleMap, app_rules: Iterable[tuple[int, Rule]], claims: Mapping[str, Any]) -> Decision:
    """The role of a signed-in person from the file's rules and the app rules, and which rule decided it."""
    def role(value: str) -> str | None:
        return None if value == NO_ROLE else value

    hit = role_map.match(claims)
    if hit and hit[1].role in FINAL_FILE_ROLES:
        return Decision(role(hit[1].role), "file", hit[0], hit[1])
    for rule_id, rule in app_rules:
        if _matches(rule, claims, role_map.groups_claim):
            return Decision(role(rule.role), "app", rule_id, rule)
    if hit:
        return Decision(role(hit[1].role), "file", hit[0], hit[1])
    return Decision(role(role_map.default), "default")


def _email(claims: Mapping[str, Any]) -> str | None:
    email = claims.get("email")
    # a provider that says the address is unverified does not get to match address rules
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        return None
    return email.strip().lower()


def _groups(claims: Mapping[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return set()
    return {str(g).strip().lower() for g in value}


def _matches(rule: Rule, claims: Mapping[str, Any], groups_claim: str) -> bool:
    if rule.kind == "group":
        return bool(_groups(claims, groups_claim) & set(rule.values))
    email = _email(claims)
    if email is None:
        return False
    if rule.kind == "email":
        return email in rule.values
    return email.rsplit("@", 1)[1] in rule.values   # domain: exact, so evil-example.com is not example.com


def parse_roles(text: str) -> RoleMap:
    """Read the roles file's TOML; raise RolesConfigError on anything unexpected rather than guess."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesConfigError(f"not valid TOML: {exc}") from None
    unknown = set(data) - {"default", "groups_claim", "rules"}
    if unknown:
        raise RolesConfigError(f"unknown settings {sorted(unknown)}; expected default, groups_claim, [[rules]]")
    default = data.get("default", NO_ROLE)
    if default not in (*ROLES, NO_ROLE):
        raise RolesConfigError(f"default = {default!r}; use one of {', '.join((*ROLES, NO_ROLE))}")
    groups_claim = data.get("groups_claim", "groups")
    if not isinstance(groups_claim, str) or not groups_claim:
        raise RolesConfigError("groups_claim must be the name of a claim, e.g. \"groups\"")
    rules = []
    for number, raw in enumerate(data.get("rules", []), start=1):
        if not isinstance(raw, dict):
            raise RolesConfigError(f"rule {number} is not a table; write it as [[rules]]")
        kinds = [k for k in ("email", "domain", "group") if k in raw]
        extra = set(raw) - {"email", "domain", "group", "role"}
        if len(kinds) != 1 or extra:
            raise RolesConfigError(f"rule {number} must have exactly one of email, domain, group, and a role")
        role = raw.get("role")
        if role not in (*ROLES, NO_ROLE):
            raise RolesConfigError(f"rule {number}: role = {role!r}; use one of {', '.join((*ROLES, NO_ROLE))}")
        values = raw[kinds[0]]
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise RolesConfigError(f"rule {number}: {kinds[0]} must be a text or a list of texts")
        cleaned = tuple(v.strip().lower().removeprefix("@") if kinds[0] == "domain" else v.strip().lower()
                        for v in values)
        rules.append(Rule(kinds[0], cleaned, role))
    return RoleMap(tuple(rules), default, groups_claim)


def roles_file() -> pathlib.Path:
    return pathlib.Path(os.environ.get("MVD_ROLES", DEFAULT_ROLES_FILE))


_ROLE_MAP_CACHE: dict[tuple[str, int, int], RoleMap] = {}


def load_roles(path: pathlib.Path | None = None) -> RoleMap:
    """The role mapping from the roles file, re-read when the file changes (no restart needed)."""
    path = pathlib.Path(path or roles_file())
    try:
        stat = path.stat()
    except OSError:
        raise RolesConfigError(f"the roles file {path} does not exist") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _ROLE_MAP_CACHE:
        _ROLE_MAP_CACHE.clear()
        try:
            _ROLE_MAP_CACHE[key] = parse_roles(path.read_text(encoding="utf-8"))
        except RolesConfigError as exc:
            raise RolesConfigError(f"{path}: {exc}") from None
    return _ROLE_MAP_CACHE[key]


class AppRulesError(RuntimeError):
    """The app's role rules cannot be read (the database cannot be opened); nobody gets in meanwhile."""


def app_rules() -> tuple[tuple[int, Rule], ...]:
    """The rules admins added in the app, read from the database (cached until they change)."""
    from data_models import role_rules
    from pages.shared import ui

    try:
        rows = role_rules.cached_rules(ui.write_connection(), ui.db_path())
    except Exception as exc:  # noqa: BLE001 - a locked or broken database file: fail closed, say why
        raise AppRulesError(f"the role rules in the database cannot be read ({exc})") from None
    return tuple((rule_id, app_rule(kind, value, role)) for rule_id, kind, value, role in rows)


def signed_in_decision(claims: Mapping[str, Any]) -> Decision:
    """The decision for a signed-in person: the roles file and the app rules."""
    return decide(load_roles(), app_rules(), claims)


def at_least(role: str | None, minimum: str) -> bool:
    return role in RANK and RANK[role] >= RANK[minimum]


def page_min_role(script: str) -> str:
    if script in PAGE_MIN_ROLE:
        return PAGE_MIN_ROLE[script]
    for folder, role in FOLDER_MIN_ROLE.items():
        if script.startswith(folder):
            return role
    return "viewer"


def visible_pages(page_table: Iterable[tuple], role: str | None) -> list[tuple]:
    """The rows of PAGE_TABLE (section, script, title, icon) this role may open; the others are never registered."""
    return [row for row in page_table if at_least(role, page_min_role(row[1]))]


# ---------- streamlit: mode, current role, the gate ----------

def auth_configured() -> bool:
    """True when .streamlit/secrets.toml (or the configured secrets files) has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: open demo mode
        return False


def demo_role() -> str:
    role = os.environ.get("MVD_DEMO_ROLE", "admin").strip().lower()
    if role not in ROLES:
        raise RolesConfigError(f"MVD_DEMO_ROLE={role!r}; use one of {', '.join(ROLES)}")
    return role


def current_role() -> str | None:
    """The role of this session now, or None: not signed in, no matching rule, or a broken roles file."""
    if not auth_configured():
        try:
            return demo_role()
        except RolesConfigError:
            return None
    if not st.user.is_logged_in:
        return None
    try:
        return signed_in_decision(st.user.to_dict()).role
    except (RolesConfigError, AppRulesError):
        return None


def _providers() -> list[str | None]:
    """The providers to offer: the default one ([auth] with client_id) and any named [auth.NAME] sections."""
    section = st.secrets.get("auth", {})
    named = [name for name, value in section.items() if isinstance(value, Mapping) and "client_id" in value]
    return ([None] if "client_id" in section or not named else []) + named


def _sign_in_screen() -> None:
    st.title("Marketing value dashboard")
    st.info("Sign in with your company account to see the dashboard.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        st.button(label, key=f"sign_in_{provider or 'default'}", type="primary",
                  on_click=st.login, args=() if provider is None else (provider,))


def _identity_label() -> str:
    return str(st.user.get("email") or st.user.get("name") or st.user.get("sub") or "your account")


def _refuse(title: str, show, message: str) -> None:
    """Stop a signed-in session that gets no role: say why, and offer to sign out."""
    st.title(title)
    show(message)
    st.button("Sign out", key="sign_out", on_click=st.logout)
    st.stop()


def gate() -> str:
    """Let the session through with its role, or stop the run with a sign-in or no-access screen.

    Call it at the top of app.py, before st.navigation. The sign-in screen opens no database; once someone is
    signed in, the app's role rules are read from it (fail closed: no role when they cannot be read).
    """
    if not auth_configured():
        try:
            role = demo_role()
        except RolesConfigError as exc:
            st.error(f"Open demo mode is misconfigured: {exc}.")
            st.stop()
        st.sidebar.caption(f"Open demo mode: sign-in is not configured, so everyone is **{role}**.")
        return role
    if not st.user.is_logged_in:
        _sign_in_screen()
        st.stop()
    try:
        role = signed_in_decision(st.user.to_dict()).role
    except RolesConfigError as exc:
        _refuse("Sign-in is misconfigured", st.error,
                f"The roles file cannot be read ({exc}). Nobody gets in until an admin fixes it.")
    except AppRulesError as exc:
        _refuse("The dashboard cannot check your role right now", st.error,
                f"{str(exc)[0].upper()}{str(exc)[1:]}. If a command-line load holds the database, "
                "wait for it to finish and reload.")
    if role is None:
        _refuse("No access yet", st.warning,
                f"You are signed in as **{_identity_label()}**, but no role is set up for you. "
                "Ask your admin to give you access to the marketing value dashboard.")
    st.sidebar.caption(f"Signed in as {_identity_label()} · {role}")
    st.sidebar.button("Sign out", key="sign_out", on_click=st.logout)
    return role


ROLE_NOUNS = {"viewer": "viewers", "analyst": "analysts and admins", "admin": "admins"}


def require_role(minimum: str) -> str:
    """The second lock, at the top of every analyst or admin page script: stop unless the role is high enough.

    Navigation already hides such pages from lower roles; this keeps a page safe even if it is registered by
    mistake or run some other way.
    """
    if minimum not in RANK:
        raise ValueError(f"unknown role {minimum!r}")
    role = current_role()
    if not at_least(role, minimum):
        st.error(f"This page is for {ROLE_NOUNS[minimum]} only. Ask your admin if you need it.")
        st.stop()
    return role


# ---------- read-only data for viewers ----------

_READ_STATEMENTS = {"SELECT", "EXPLAIN"}
# (no Arrow: on an executed DB-API result DuckDB makes an extra copy of the rows for it, and no page reads Arrow)
_WHOLE_RESULT = ("df", "fetchdf", "fetch_df", "fetchnumpy", "pl")


class ReadOnlyCursor:
    """A viewer's view of a session cursor on the process-wide DuckDB connection, which refuses every write.

    DuckDB lets one process hold a file read-write, and refuses a read_only connection to a file that the same
    process already has open, so viewers cannot get a separate read-only connection. Instead every statement is
    checked twice: DuckDB's own parser must call it a SELECT or EXPLAIN (no COPY, SET, ATTACH, PRAGMA, INSERT...),
    and it runs inside `BEGIN TRANSACTION READ ONLY`, where DuckDB itself refuses writes hidden in a query
    (nextval() on a sequence, say). The transaction ends as soon as the result is fetched, so viewers never hold
    an old snapshot that keeps the analysts' loads from checkpointing.
    """

    def __init__(self, cursor):
        self._cur = cursor
        self._open = False
        self._rows: collections.deque | None = None
        self.description = None

    def _finish(self) -> None:
        if self._open:
            self._open = False
            self._cur.execute("rollback")   # nothing was written: rolling back a read-only transaction is its end

    def _check(self, query: str) -> None:
        if not isinstance(query, str):
            raise ReadOnlyError("viewers can run SQL text only")
        kinds = {s.type.name for s in self._cur.extract_statements(query)}
        if not kinds or not kinds <= _READ_STATEMENTS:
            raise ReadOnlyError(f"viewers have read-only access; refused a {', '.join(sorted(kinds)) or 'empty'} "
                                "statement")

    def execute(self, query: str, parameters=None):
        self._finish()
        self._check(query)
        self._rows = None
        try:
            self._cur.execute("begin transaction read only")
        except duckdb.TransactionException:
            # another view of the same cursor left its read transaction unfetched: end it first
            self._cur.execute("rollback")
            self._cur.execute("begin transaction read only")
        self._open = True
        try:
            if parameters is None:
                self._cur.execute(query)
            else:
                self._cur.execute(query, parameters)
            self.description = self._cur.description
        except BaseException:
            self._finish()
            raise
        return self

    def executemany(self, query: str, parameters=None):
        raise ReadOnlyError("viewers have read-only access; executemany is for loads")

    def _buffer(self) -> collections.deque:
        if self._rows is None:
            self._rows = collections.deque(self._cur.fetchall() if self._open else [])
            self._finish()
        return self._rows

    def fetchone(self):
        rows = self._buffer()
        return rows.popleft() if rows else None

    def fetchmany(self, size: int = 1):
        rows = self._buffer()
        return [rows.popleft() for _ in range(min(size, len(rows)))]

    def fetchall(self):
        rows = self._buffer()
        out = list(rows)
        rows.clear()
        return out

    def __getattr__(self, name: str):
        if name in _WHOLE_RESULT:
            method = getattr(self._cur, name)

            def whole_result(*args, **kwargs):
                try:
                    return method(*args, **kwargs)
                finally:
                    self._finish()
            return whole_result
        if name in ("register", "unregister", "close", "extract_statements"):
            # register: a pandas frame as a view of this cursor only, it never reaches the database file
            return getattr(self._cur, name)
        raise AttributeError(f"{name} is not available on a viewer's read-only connection")


def session_connection(cursor, role: str | None = None):
    """The connection a page should use for this session: the cursor itself for analysts and admins, and a
    read-only view of it for viewers. ui.connection() calls this on its per-session cursor."""
    role = current_role() if role is None else role
    if role is None:
        raise ReadOnlyError("not signed in")
    if at_least(role, "analyst"):
        return cursor
    return ReadOnlyCursor(cursor)
