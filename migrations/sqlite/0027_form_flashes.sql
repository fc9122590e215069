-- A plain form post that fails is answered by a redirect back to its page. What the person
-- typed (never a password, never the CSRF token) and the error wait here for that one page
-- load, keyed by the SHA-256 of a random token in a short-lived cookie, so neither ever
-- travels in a URL. Read once, then deleted; stale ones are swept on the next write.
create table form_flashes (
    token_hash text primary key,
    payload text not null,
    expires_at integer not null
);
create index form_flashes_expiry on form_flashes (expires_at);
