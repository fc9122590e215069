-- Creators and causes (recipients) and their tiers. Money is integer minor units of the
-- recipient's currency (ISO 4217 code).

create table recipients (
    id integer primary key,
    kind text not null check (kind in ('creator', 'cause')),
    owner_user_id integer not null references users (id),
    slug text not null unique,
    name text not null,
    tagline text not null default '',
    bio_md text not null default '',
    category text not null,
    currency text not null check (length(currency) = 3),
    goal_minor integer check (goal_minor is null or goal_minor > 0),
    deadline integer,
    image_url text,
    created_at integer not null
);
create index recipients_owner on recipients (owner_user_id);
create index recipients_category on recipients (category);

create table tiers (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    name text not null,
    price_minor integer not null check (price_minor > 0),
    description text not null default '',
    perks text not null default '',
    supporter_limit integer check (supporter_limit is null or supporter_limit > 0),
    position integer not null,
    retired integer not null default 0 check (retired in (0, 1)),
    created_at integer not null
);
create index tiers_recipient on tiers (recipient_id, position);
