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
    account_id    varchar primary key,
    name          varchar,
    industry      varchar,
    employees     integer,
    region        varchar,                 -- North America | EMEA | APAC | LATAM
    segment       varchar,                 -- SMB | Mid-Market | Enterprise
    source_system varchar,
    load_id       bigint
);

-- one row per person, lead or contact
create table if not exists contacts (
    contact_id    varchar primary key,
    account_id    varchar,                 -- null for an unconverted lead
    record_type   varchar,                 -- lead | contact
    email         varchar,
    title         varchar,
    persona       varchar,                 -- bucket of title, see data_models/personas
    lead_source   varchar,
    created_at    timestamp,
    mql_at        timestamp,
    sal_at        timestamp,               -- sales accepted
    sql_at        timestamp,
    converted_contact_id varchar,          -- a lead converted into this contact
    source_system varchar,
    load_id       bigint
);

-- one row per opportunity (deal)
create table if not exists opportunities (
    opportunity_id     varchar primary key,
    account_id         varchar,
    name               varchar,
    amount             decimal(18, 2),
    currency           varchar,
    stage              varchar,
    created_date       date,
    close_date         date,
    is_closed          boolean,
    is_won             boolean,
    first_meeting_date date,
    lead_source        varchar,
    primary_campaign_id varchar,
    owner              varchar,
    source_system      varchar,
    load_id            bigint
);

-- one row per contact on an opportunity
create table if not exists opportunity_contact_roles (
    opportunity_id varchar not null,
    contact_id     varchar not null,
    role           varchar,
    is_primary     boolean,
    source_system  varchar,
    load_id        bigint,
    primary key (opportunity_id, contact_id)
);

-- one row per marketing (or sales) programme
create table if not exists campaigns (
    campaign_id   varchar primary key,
    name          varchar,
    channel       varchar,                 -- see data_models/channels.py
    type          varchar,
    cost          decimal(18, 2),
    start_date    date,
    end_date      date,
    source_system varchar,
    load_id       bigint
);

-- one row per person in a campaign
create table if not exists campaign_members (
    campaign_id         varchar not null,
    contact_id          varchar not null,  -- lead or contact id
    status              varchar,
    has_responded       boolean,
    first_responded_at  timestamp,
    created_at          timestamp,
    source_system       varchar,
    load_id             bigint,
    primary key (campaign_id, contact_id)
);

-- one row per content asset (blog post, guide, case study, ...)
create table if not exists content_assets (
    asset_id      varchar primary key,
    url           varchar not null,        -- normalised: host + path, no query, no trailing slash
    title         varchar,
    asset_type    varchar,                 -- blog | guide | case_study | comparison | pricing | webinar | video
    topic         varchar,
    published_date date,
    load_id       bigint
);

-- one row per touchpoint from a tool that exports touches directly
-- (campaign responses and content views are derived in int_touchpoints)
create table if not exists touchpoints (
    touchpoint_id varchar primary key,
    contact_id    varchar,
    account_id    varchar,
    occurred_at   timestamp not null,
    channel       varchar not null,
    touch_type    varchar,                 -- form_fill | content_view | webinar | ad_click | email_click | event | meeting
    campaign_id   varchar,
    asset_id      varchar,
    source_system varchar,
    load_id       bigint
);

-- one row per web analytics event (page view)
create table if not exists web_events (
    event_id      varchar primary key,
    visitor_id    varchar not null,        -- GA4 user_pseudo_id / Segment anonymous_id
    user_id       varchar,                 -- CRM contact id once identified
    occurred_at   timestamp not null,
    event_name    varchar,
    url           varchar,                 -- normalised like content_assets.url
    referrer      varchar,
    utm_source    varchar,
    utm_medium    varchar,
    utm_campaign  varchar,
    source_system varchar,
    load_id       bigint
);

-- one row per day, platform and ad campaign
create table if not exists ad_spend (
    spend_date    date not null,
    platform      varchar not null,        -- google_ads | linkedin | ...
    ad_campaign   varchar not null,        -- campaign name on the ad platform
    ad_campaign_id varchar,
    campaign_id   varchar,                 -- CRM campaign it belongs to, when matched
    impressions   bigint,
    clicks        bigint,
    conversions   double,
    cost          decimal(18, 2),
    currency      varchar,
    load_id       bigint,
    primary key (spend_date, platform, ad_campaign)
);

-- one row per answer of one respondent to one question
create table if not exists survey_responses (
    response_id     varchar primary key,
    respondent_key  varchar not null,      -- opaque: hashed when anonymous
    respondent_role varchar not null,      -- CEO | CMO | Sales | Board | Marketing
    question_id     varchar not null,
    answer_value    double,
    answer_text     varchar,
    submitted_at    timestamp,
    load_id         bigint
);

-- one row per buyer interview insight
create table if not exists buyer_interviews (
    interview_id   varchar primary key,
    interview_date date,
    account_id     varchar,
    opportunity_id varchar,
    persona        varchar,
    outcome        varchar,                -- won | lost | no_decision
    insight_area   varchar,                -- priority_initiative | success_factors | perceived_barriers | decision_criteria | buyer_journey
    note           varchar,
    load_id        bigint
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
