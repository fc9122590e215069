-- Personal access tokens for the read-only API (/api/v1). Only the SHA-256 of a token is
-- stored; `prefix` (its first characters) lets the owner tell tokens apart. Right after
-- creation `reveal` holds the token masked with a pad only the creating session can compute
-- (see `developer::tokens`), so the account page can show it once; showing it clears it.
-- Revoked tokens stay, marked, so the list keeps their history.
create table api_tokens (
    id integer primary key,
    user_id integer not null references users (id),
    name text not null,
    token_hash text not null unique,
    prefix text not null,
    reveal text,
    created_at integer not null,
    last_used_at integer,
    revoked_at integer
);
create index api_tokens_user on api_tokens (user_id, id);
