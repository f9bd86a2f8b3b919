-- Canonical tables: what every connector writes, whatever the source tool.
-- Keys are natural keys from the source system; `load_id` points at load_log
-- so every row can be traced to the file that brought it.
-- Amounts are in the reporting currency unless a currency column says otherwise.

-- one row per load attempt (accepted or rejected)
create table if not exists load_log (
    load_id        bigint primary key,
    loaded_at      timestamp not null,
    loaded_by      varchar not null,
    file_name      varchar not null,
    sha256         varchar not null,
    kind           varchar not null,       -- e.g. crm.opportunities
    layout         varchar,                -- e.g. salesforce.opportunity
    rows_in_file   bigint,
    rows_inserted  bigint,
    rows_updated   bigint,
    rows_unchanged bigint,
    rows_rejected  bigint,
    result         varchar not null,       -- accepted | rejected | undone
    message        varchar,
    archive_path   varchar
);

-- one row per buying company
create table if not exists accounts (
    account_id    varchar primary key,       -- the CRM's account id
    name          varchar,                   -- company name
    industry      varchar,                   -- industry as the CRM has it
    employees     integer,                   -- number of employees
    region        varchar,                 -- North America | EMEA | APAC | LATAM
    segment       varchar,                 -- SMB | Mid-Market | Enterprise
    source_system varchar,                   -- salesforce | hubspot | generic ...
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per person, lead or contact
create table if not exists contacts (
    contact_id    varchar primary key,       -- the CRM's contact or lead id
    account_id    varchar,                 -- null for an unconverted lead
    record_type   varchar,                 -- lead | contact
    email         varchar,                   -- work email; used to stitch web visits
    title         varchar,                   -- job title
    persona       varchar,                 -- bucket of title, see data_models/personas
    lead_source   varchar,                   -- how the person first came in (CRM lead source / original source)
    created_at    timestamp,                 -- when the lead or contact was created
    mql_at        timestamp,                 -- became a marketing qualified lead
    sal_at        timestamp,               -- sales accepted
    sql_at        timestamp,                 -- became a sales qualified lead
    converted_contact_id varchar,          -- a lead converted into this contact
    source_system varchar,                   -- salesforce | hubspot | generic ...
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per opportunity (deal)
create table if not exists opportunities (
    opportunity_id     varchar primary key,  -- the CRM's opportunity (deal) id
    account_id         varchar,              -- the buying company
    name               varchar,              -- deal name
    amount             decimal(18, 2),       -- deal value in the reporting currency
    currency           varchar,              -- ISO currency code of the amount
    stage              varchar,              -- sales stage as the CRM has it
    created_date       date,                 -- pipeline counts the deal in the period of this date
    close_date         date,                 -- actual close date when closed, expected close date when open
    is_closed          boolean,              -- won or lost
    is_won             boolean,              -- closed won; revenue counts it in the period of close_date
    first_meeting_date date,                 -- first sales meeting, where known
    lead_source        varchar,              -- the deal's lead source; the lead-source definition of sourced pipeline reads it
    primary_campaign_id varchar,             -- the CRM's primary campaign of the deal
    owner              varchar,              -- deal owner (sales rep)
    source_system      varchar,              -- salesforce | hubspot | generic ...
    load_id            bigint                -- the load that last wrote this row
);

-- one row per contact on an opportunity
create table if not exists opportunity_contact_roles (
    opportunity_id varchar not null,         -- the deal
    contact_id     varchar not null,         -- a person on the deal
    role           varchar,                  -- decision maker, champion, influencer, ...
    is_primary     boolean,                  -- the deal's primary contact
    source_system  varchar,                  -- salesforce | hubspot | generic ...
    load_id        bigint,                   -- the load that last wrote this row
    primary key (opportunity_id, contact_id)
);

-- one row per marketing (or sales) programme
create table if not exists campaigns (
    campaign_id   varchar primary key,       -- the CRM's campaign id
    name          varchar,                   -- campaign name; ad spend is matched to it by name
    channel       varchar,                 -- see data_models/channels.py
    type          varchar,                   -- CRM campaign type (Webinar, Conference, Advertisement, ...)
    cost          decimal(18, 2),            -- actual cost in the CRM; used when no ad spend matches the campaign
    start_date    date,                      -- first day
    end_date      date,                      -- last day
    source_system varchar,                   -- salesforce | hubspot | generic ...
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per person in a campaign
create table if not exists campaign_members (
    campaign_id         varchar not null,    -- the campaign
    contact_id          varchar not null,  -- lead or contact id
    status              varchar,             -- member status (Sent, Registered, Attended, Responded, ...)
    has_responded       boolean,             -- a response counts as a touchpoint
    first_responded_at  timestamp,           -- the touchpoint's time
    created_at          timestamp,           -- when the person was added to the campaign
    source_system       varchar,             -- salesforce | hubspot | generic ...
    load_id             bigint,              -- the load that last wrote this row
    primary key (campaign_id, contact_id)
);

-- one row per content asset (blog post, guide, case study, ...)
create table if not exists content_assets (
    asset_id      varchar primary key,       -- stable id derived from the normalised url
    url           varchar not null,        -- normalised: host + path, no query, no trailing slash
    title         varchar,                   -- asset title
    asset_type    varchar,                 -- blog | guide | case_study | comparison | pricing | webinar | video
    topic         varchar,                   -- subject the asset covers
    published_date date,                     -- publication date
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per touchpoint from a tool that exports touches directly
-- (campaign responses and content views are derived in int_touchpoints)
create table if not exists touchpoints (
    touchpoint_id varchar primary key,       -- the source tool's id of the touch
    contact_id    varchar,                   -- the person, when known
    account_id    varchar,                   -- the company, when known
    occurred_at   timestamp not null,        -- when the touch happened (UTC)
    channel       varchar not null,          -- one of data_models/channels.py CHANNELS
    touch_type    varchar,                 -- form_fill | content_view | webinar | ad_click | email_click | event | meeting
    campaign_id   varchar,                   -- the campaign it belongs to, when known
    asset_id      varchar,                   -- the content asset, when it is a content touch
    source_system varchar,                   -- the tool that exported it
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per web analytics event (page view). event_id is unique, but kept so by the loader (the
-- file's duplicates are dropped, then only new ids are inserted) rather than by an index: on a
-- million-event export, maintaining the index cost more than reading the file (benches/bench_load.py)
create table if not exists web_events (
    event_id      varchar not null,          -- the tool's event id, or a stable hash of visitor, time, event and url
    visitor_id    varchar not null,        -- GA4 user_pseudo_id / Segment anonymous_id
    user_id       varchar,                 -- CRM contact id once identified
    occurred_at   timestamp not null,        -- event time (UTC)
    event_name    varchar,                   -- page_view, form_submit, ...
    url           varchar,                 -- normalised like content_assets.url
    referrer      varchar,                   -- referring url
    utm_source    varchar,                   -- utm_source of the landing url
    utm_medium    varchar,                   -- utm_medium of the landing url
    utm_campaign  varchar,                   -- utm_campaign; matched to campaign names
    source_system varchar,                   -- ga4 | segment | generic
    load_id       bigint                     -- the load that last wrote this row
);

-- one row per day, platform and ad campaign
create table if not exists ad_spend (
    spend_date    date not null,             -- the day
    platform      varchar not null,        -- google_ads | linkedin | ...
    ad_campaign   varchar not null,        -- campaign name on the ad platform
    ad_campaign_id varchar,                  -- campaign id on the ad platform
    campaign_id   varchar,                 -- CRM campaign it belongs to, when matched
    impressions   bigint,                    -- ad impressions
    clicks        bigint,                    -- ad clicks
    conversions   double,                    -- conversions the platform reports (not used for attribution)
    cost          decimal(18, 2),            -- spend of the day
    currency      varchar,                   -- ISO currency code of the cost
    load_id       bigint,                    -- the load that last wrote this row
    primary key (spend_date, platform, ad_campaign)
);

-- one row per answer of one respondent to one question
create table if not exists survey_responses (
    response_id     varchar primary key,     -- respondent and question
    respondent_key  varchar not null,      -- opaque: hashed when anonymous
    respondent_role varchar not null,      -- CEO | CMO | Sales | Board | Marketing
    question_id     varchar not null,        -- sourced_share, journey_before_sales, revenue_driver, effectiveness, maturity_*
    answer_value    double,                  -- the numeric answer (percent 0-100 or a 1-5 scale)
    answer_text     varchar,                 -- free text, if any
    submitted_at    timestamp,               -- when it was answered
    load_id         bigint                   -- the load that last wrote this row
);

-- one row per buyer interview insight
create table if not exists buyer_interviews (
    interview_id   varchar primary key,      -- the interview note's id
    interview_date date,                     -- when the buyer was interviewed
    account_id     varchar,                  -- the buyer's company, where known
    opportunity_id varchar,                  -- the deal, where known
    persona        varchar,                  -- the buyer's persona
    outcome        varchar,                -- won | lost | no_decision
    insight_area   varchar,                -- priority_initiative | success_factors | perceived_barriers | decision_criteria | buyer_journey
    note           varchar,                  -- what the buyer said (quote or summary)
    load_id        bigint                    -- the load that last wrote this row
);

-- latest Great Expectations results per export kind (connectors/suites.py), one row per expectation
create table if not exists validation_results (
    kind             varchar not null,     -- e.g. crm.opportunities (the suite name)
    load_id          bigint,               -- the load (accepted or rejected) that ran it
    validated_at     timestamp not null,
    expectation      varchar not null,     -- e.g. expect_column_values_to_not_be_null
    column_name      varchar,              -- column(s) checked, comma-separated
    success          boolean not null,
    unexpected_count bigint,
    severity         varchar not null      -- error | warning
);

-- ---------- admin tables (pages/admin/): workspace configuration, not uploaded data ----------
-- Not upload templates (data_models/audit.py ADMIN_TABLES); the workspace defaults themselves live in the
-- key/value `settings` table (data_models/settings.py).

-- one row per role rule an admin added in the app; checked after the operator's config/roles.toml (pages/shared/auth.py)
create table if not exists role_rules (
    rule_id    bigint primary key,           -- order of creation: app rules are checked in this order
    kind       varchar not null,             -- email | domain | group: which ID-token claim the rule matches
    value      varchar not null,             -- the address, domain (after @) or group name, lower-cased
    role       varchar not null,             -- viewer | analyst | admin | none (none keeps the person out)
    note       varchar,                      -- why the rule exists, as the admin wrote it
    created_by varchar not null,             -- the admin who added it
    created_at timestamp not null            -- when it was added (UTC)
);

-- one row per perception-survey invitation link; never joined to survey_responses, so answers stay anonymous
create table if not exists survey_invites (
    token           varchar primary key,     -- the random secret in the link (?invite=...), secrets.token_urlsafe
    respondent_role varchar not null,        -- the role the respondent answers as: CEO | CMO | Sales | Board | Marketing
    label           varchar,                 -- the admin's own note ("board, March"); never stored with the answers
    created_by      varchar not null,        -- the admin who created the link
    created_at      timestamp not null,      -- when it was created (UTC)
    expires_at      timestamp,               -- the link is refused from this moment (UTC); empty = never expires
    used            boolean not null,        -- true once a survey was submitted with it; when is not kept (anonymity)
    revoked_at      timestamp,               -- when an admin revoked it (UTC); empty = not revoked
    revoked_by      varchar                  -- the admin who revoked it
);

-- one row per change an admin made: settings, role rules, survey invitations
create table if not exists admin_audit (
    changed_at timestamp not null,           -- when (UTC)
    changed_by varchar not null,             -- who: the signed-in address, or demo in open demo mode
    area       varchar not null,             -- settings | role_rules | survey_invites
    action     varchar not null,             -- set | add | remove | create | revoke
    detail     varchar not null              -- what changed, e.g. "lookback_days: 90 -> 60"
);
