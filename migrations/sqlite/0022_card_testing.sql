-- Card-testing defences. This installation's own id, created once by the server after the
-- migrations run, namespaces every idempotency key sent to the payment processor, so two
-- installations (or a reset database) sharing one Stripe account never collide.
create table installation (
    id bigint primary key check (id = 1),
    installation_id text not null,
    created_at integer not null
);

-- What the operator is told about: a limit that refused something. Never a secret or a card
-- number; the detail names counts and limits.
create table security_events (
    id integer primary key,
    kind text not null,
    user_id integer,
    client_addr text,
    detail text not null,
    created_at integer not null
);
create index security_events_at on security_events (created_at);
create index security_events_kind on security_events (kind, created_at);

-- When the operator was last mailed about each kind of event (at most once an hour).
create table security_alerts (
    kind text primary key,
    last_sent_at integer not null
);

-- Every payment method saved to an account, counted by the per-account, per-address and
-- per-card limits.
create table card_saves (
    id integer primary key,
    user_id integer not null references users (id),
    client_addr text,
    payment_method text not null,
    fingerprint text,
    created_at integer not null
);
create index card_saves_user on card_saves (user_id, created_at);
create index card_saves_client on card_saves (client_addr, created_at);

-- The card behind a supporter's payment method and behind each charge attempt, so failed
-- charges can be counted per card across accounts.
alter table billing_profiles add column payment_method_fingerprint text;
alter table charges add column card_fingerprint text;
create index charges_card_fingerprint on charges (card_fingerprint, status, updated_at);
create index charges_supporter_status on charges (supporter_id, status, updated_at);
create index tips_supporter on tips (supporter_id, created_at);
