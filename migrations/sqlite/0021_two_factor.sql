-- Two-factor sign-in (TOTP). `secret` is sealed with TWO_FACTOR_KEY when the installation
-- sets one ("v1:…"), so a dump of this table alone does not give the codes away. An account
-- is enrolling while `enabled_at` is null. `last_step` is the newest time step a code was
-- accepted for: a code for it or an older one is a replay. `recovery_reveal` holds the new
-- recovery codes, sealed, until the page that shows them once has been rendered.
create table two_factor (
    user_id integer primary key references users (id) on delete cascade,
    secret text not null,
    created_at integer not null,
    enabled_at integer,
    last_step integer not null default 0,
    recovery_reveal text
);

-- Single-use recovery codes: only a SHA-256 of each (salted with its account) is kept.
create table recovery_codes (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    code_hash text not null unique,
    used_at integer
);
create index recovery_codes_user on recovery_codes (user_id);

-- The half-state between a right password and a right code: a cookie token (stored as its
-- SHA-256) that can do nothing but answer the second step, for a few minutes.
create table login_challenges (
    token_hash text primary key,
    user_id integer not null references users (id) on delete cascade,
    created_at integer not null
);
create index login_challenges_user on login_challenges (user_id);

-- When this session last passed a second-factor check (login or a fresh confirmation);
-- changing the password or payout settings asks again after ten minutes.
alter table sessions add column second_factor_at integer;
