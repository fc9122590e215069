-- The login throttle's counter also counts requests that email a typed address (sign-up,
-- password reset, a fresh verification link), per client address ('mail_client') and per
-- target address ('mail_target'). The scope's check constraint cannot be altered in SQLite,
-- so both databases rebuild the table the same way; rows keep their scope, key and time.
create table login_failures_new (
    id integer primary key,
    scope text not null check (scope in ('account', 'ip', 'mail_client', 'mail_target')),
    key text not null,
    at integer not null
);
insert into login_failures_new (scope, key, at) select scope, key, at from login_failures;
drop table login_failures;
alter table login_failures_new rename to login_failures;
create index login_failures_lookup on login_failures (scope, key, at);
