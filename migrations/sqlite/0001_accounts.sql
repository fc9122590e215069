-- Accounts: users, their sessions, single-use email tokens, login throttling and the email outbox.
-- Instants are unix seconds.

create table users (
    id integer primary key,
    email text not null unique,
    display_name text not null,
    password_hash text not null,
    email_verified_at integer,
    is_admin integer not null default 0 check (is_admin in (0, 1)),
    created_at integer not null,
    password_changed_at integer not null
);

-- Only the SHA-256 of a session token is stored; the token itself lives in the cookie.
create table sessions (
    token_hash text primary key,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null,
    last_seen_at integer not null
);
create index sessions_user_id on sessions (user_id);

create table email_tokens (
    token_hash text primary key,
    user_id integer not null references users (id) on delete cascade,
    purpose text not null check (purpose in ('verify_email', 'reset_password')),
    created_at integer not null,
    expires_at integer not null,
    used_at integer
);
create index email_tokens_user_id on email_tokens (user_id, purpose);

-- One row per failed login, keyed by account (normalised email) and by client address.
create table login_failures (
    id integer primary key,
    scope text not null check (scope in ('account', 'ip')),
    key text not null,
    at integer not null
);
create index login_failures_lookup on login_failures (scope, key, at);

create table email_outbox (
    id integer primary key,
    to_address text not null,
    subject text not null,
    body_text text not null,
    body_html text not null,
    created_at integer not null,
    attempts integer not null default 0,
    next_attempt_at integer not null,
    sent_at integer,
    last_error text
);
create index email_outbox_pending on email_outbox (sent_at, next_attempt_at);
