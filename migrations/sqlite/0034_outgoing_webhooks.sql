-- Outgoing webhooks. A page's owner registers endpoints (a URL, the events it wants, a
-- signing secret); every event a change causes is written to `hook_events` in the same
-- transaction as the change (an outbox), with one `hook_deliveries` row per matching enabled
-- endpoint, which the delivery worker claims, sends, and retries for three days.
create table hook_endpoints (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    url text not null,
    -- The chosen event types between commas, e.g. ",pledge.created,donation.paid,".
    events text not null,
    secret text not null,
    -- 1 until the page has shown the current secret once.
    secret_unseen integer not null default 1 check (secret_unseen in (0, 1)),
    previous_secret text,
    previous_secret_until integer,
    disabled_at integer,
    disabled_reason text,
    created_at integer not null
);
create index hook_endpoints_recipient on hook_endpoints (recipient_id);

create table hook_events (
    id integer primary key,
    -- The `webhook-id` header: the same for every attempt and every endpoint.
    message_id text not null unique,
    recipient_id integer not null references recipients (id),
    event_type text not null,
    payload text not null,
    created_at integer not null
);

create table hook_deliveries (
    id integer primary key,
    event_id integer not null references hook_events (id),
    endpoint_id integer not null references hook_endpoints (id) on delete cascade,
    -- pending, delivered or failed (gave up).
    status text not null check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    -- Retries stop three days after this (creation, or the last "send again").
    window_from integer not null,
    last_attempt_at integer,
    last_status_code integer,
    last_error text,
    last_response text,
    delivered_at integer,
    created_at integer not null
);
create index hook_deliveries_due on hook_deliveries (status, next_attempt_at);
create index hook_deliveries_endpoint on hook_deliveries (endpoint_id, id);
