"""Key and foreign-key tests of every model, kept as data (dbt's `unique`, `not_null`, `relationships`).

Each model has a key (unique and not null) and foreign keys (every non-null value exists in
the parent model). `run_model_tests(con)` runs them all and returns the failures; an empty
list means the models hold together. Severity "warn" marks links that real exports often
break (a touch of a person the CRM export does not contain); "error" marks what our own
SQL guarantees.
"""
from __future__ import annotations

import dataclasses
import re

from data_models import db


@dataclasses.dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    parent_column: str
    severity: str = "error"


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()


@dataclasses.dataclass(frozen=True)
class Failure:
    model: str
    test: str           # unique | not_null | relationship
    columns: str
    rows: int           # offending rows (or duplicated key values)
    severity: str
    detail: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.model}.{self.columns} {self.test}: {self.rows} rows. {self.detail}"


FK = ForeignKey
ACCOUNTS = "stg_crm_accounts"
CONTACTS = "stg_crm_contacts"
OPPS = "stg_crm_opportunities"
CAMPAIGNS = "stg_crm_campaigns"
ASSETS = "stg_content_assets"

MODEL_TESTS: dict[str, ModelSpec] = {
    # staging
    "stg_crm_accounts": ModelSpec(("account_id",)),
    "stg_crm_contacts": ModelSpec(("contact_id",), (
        FK("account_id", ACCOUNTS, "account_id", "warn"),
        FK("converted_contact_id", CONTACTS, "contact_id", "warn"),
    )),
    "stg_crm_opportunities": ModelSpec(("opportunity_id",), (
        FK("account_id", ACCOUNTS, "account_id", "warn"),
        FK("primary_campaign_id", CAMPAIGNS, "campaign_id", "warn"),
    )),
    "stg_crm_opportunity_contact_roles": ModelSpec(("opportunity_id", "contact_id"), (
        FK("opportunity_id", OPPS, "opportunity_id", "warn"),
        FK("contact_id", CONTACTS, "contact_id", "warn"),
    )),
    "stg_crm_campaigns": ModelSpec(("campaign_id",)),
    "stg_crm_campaign_members": ModelSpec(("campaign_id", "contact_id"), (
        FK("campaign_id", CAMPAIGNS, "campaign_id", "warn"),
        FK("contact_id", CONTACTS, "contact_id", "warn"),
    )),
    "stg_content_assets": ModelSpec(("asset_id",)),
    "stg_touchpoints": ModelSpec(("touchpoint_id",), (
        FK("contact_id", CONTACTS, "contact_id", "warn"),
        FK("account_id", ACCOUNTS, "account_id", "warn"),
        FK("campaign_id", CAMPAIGNS, "campaign_id", "warn"),
        FK("asset_id", ASSETS, "asset_id", "warn"),
    )),
    "stg_web_events": ModelSpec(("event_id",)),
    "stg_ad_spend": ModelSpec(("spend_date", "platform", "ad_campaign_name")),
    "stg_survey_responses": ModelSpec(("response_id",)),
    "stg_buyer_interviews": ModelSpec(("interview_id",), (
        FK("account_id", ACCOUNTS, "account_id", "warn"),
        FK("opportunity_id", OPPS, "opportunity_id", "warn"),
    )),
    # intermediate
    "int_people": ModelSpec(("contact_id",), (FK("person_id", CONTACTS, "contact_id"),)),
    "int_identity_map": ModelSpec(("visitor_id",), (FK("contact_id", CONTACTS, "contact_id"),)),
    "int_content_views": ModelSpec(("touchpoint_id",), (
        FK("contact_id", CONTACTS, "contact_id"),
        FK("asset_id", ASSETS, "asset_id"),
        FK("campaign_id", CAMPAIGNS, "campaign_id"),
    )),
    "int_touchpoints": ModelSpec(("touchpoint_id",), (
        FK("contact_id", CONTACTS, "contact_id", "warn"),
        FK("campaign_id", CAMPAIGNS, "campaign_id", "warn"),
        FK("asset_id", ASSETS, "asset_id", "warn"),
    )),
    "int_opportunity_contacts": ModelSpec(("opportunity_id", "contact_id"), (
        FK("opportunity_id", OPPS, "opportunity_id", "warn"),
        FK("contact_id", CONTACTS, "contact_id", "warn"),
    )),
    "int_touchpoints_by_opportunity": ModelSpec(("opportunity_id", "touchpoint_id"), (
        FK("opportunity_id", OPPS, "opportunity_id"),
        FK("touchpoint_id", "int_touchpoints", "touchpoint_id"),
    )),
    "int_spend_lines": ModelSpec(("spend_line_id",), (FK("campaign_id", CAMPAIGNS, "campaign_id"),)),
    # marts
    "dim_channels": ModelSpec(("channel",)),
    "dim_campaigns": ModelSpec(("campaign_id",), (FK("channel", "dim_channels", "channel"),)),
    "dim_content_assets": ModelSpec(("asset_id",)),
    "fct_pipeline": ModelSpec(("opportunity_id",), (
        FK("account_id", ACCOUNTS, "account_id", "warn"),
        FK("primary_contact_id", CONTACTS, "contact_id", "warn"),
    )),
    "fct_touchpoints": ModelSpec(("touchpoint_id",), (
        FK("channel", "dim_channels", "channel"),
        FK("campaign_id", "dim_campaigns", "campaign_id", "warn"),
        FK("asset_id", "dim_content_assets", "asset_id", "warn"),
    )),
    "fct_content_consumption": ModelSpec(("opportunity_id",), (
        FK("opportunity_id", "fct_pipeline", "opportunity_id"),
    )),
    "fct_spend": ModelSpec(("spend_line_id",), (
        FK("channel", "dim_channels", "channel"),
        FK("campaign_id", "dim_campaigns", "campaign_id"),
    )),
    "fct_spend_by_channel_month": ModelSpec(("channel", "spend_month"), (
        FK("channel", "dim_channels", "channel"),
    )),
    "fct_lead_funnel": ModelSpec(("contact_id",), (FK("account_id", ACCOUNTS, "account_id", "warn"),)),
    "fct_survey_answers": ModelSpec(("response_id",)),
}

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    # identifiers come from MODEL_TESTS above, never from users; checked all the same
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


def unique_sql(model: str, key: tuple[str, ...]) -> str:
    cols = ", ".join(_ident(c) for c in key)
    return (f"select count(*) from (select {cols} from {_ident(model)} "
            f"group by {cols} having count(*) > 1) as duplicated")


def not_null_sql(model: str, key: tuple[str, ...]) -> str:
    where = " or ".join(f"{_ident(c)} is null" for c in key)
    return f"select count(*) from {_ident(model)} where {where}"


def relationship_sql(model: str, fk: ForeignKey) -> str:
    col, parent, pcol = _ident(fk.column), _ident(fk.parent), _ident(fk.parent_column)
    return (f"select count(*) from {_ident(model)} as child "
            f"left join (select distinct {pcol} as parent_key from {parent}) as parent "
            f"on parent.parent_key = child.{col} "
            f"where child.{col} is not null and parent.parent_key is null")


def all_sql() -> list[str]:
    """Every SQL text the tests run (the portability test transpiles them)."""
    out = []
    for model, spec in MODEL_TESTS.items():
        out += [unique_sql(model, spec.key), not_null_sql(model, spec.key)]
        out += [relationship_sql(model, fk) for fk in spec.foreign_keys]
    return out


def run_model_tests(con, models: list[str] | None = None) -> list[Failure]:
    """Run key and foreign-key tests; return the failures (empty when everything holds).

    Each model involved is computed once into a temporary table first: the models are views,
    and testing a view re-plans its whole chain for every query.
    """
    chosen = [m for m in MODEL_TESTS if models is None or m in models]
    needed = set(chosen) | {fk.parent for m in chosen for fk in MODEL_TESTS[m].foreign_keys}
    snap = {m: "model_test_" + _ident(m) for m in needed}
    try:
        for model, table in snap.items():
            con.execute(f"create or replace temp table {table} as select * from {_ident(model)}")
        return _run(con, chosen, snap)
    finally:
        for table in snap.values():
            con.execute(f"drop table if exists {table}")


def _run(con, chosen: list[str], snap: dict[str, str]) -> list[Failure]:
    failures: list[Failure] = []
    for model in chosen:
        spec = MODEL_TESTS[model]
        table = snap[model]
        key = ", ".join(spec.key)
        n = con.execute(unique_sql(table, spec.key)).fetchone()[0]
        if n:
            failures.append(Failure(model, "unique", key, n, "error", "key values appear more than once"))
        n = con.execute(not_null_sql(table, spec.key)).fetchone()[0]
        if n:
            failures.append(Failure(model, "not_null", key, n, "error", "key is null"))
        for fk in spec.foreign_keys:
            n = con.execute(relationship_sql(table, dataclasses.replace(fk, parent=snap[fk.parent]))).fetchone()[0]
            if n:
                failures.append(Failure(model, "relationship", fk.column, n, fk.severity,
                                        f"values not found in {fk.parent}.{fk.parent_column}"))
    return failures


def untested_models() -> list[str]:
    """Models without an entry above (should be none)."""
    return [m for m in db.model_names() if m not in MODEL_TESTS]
