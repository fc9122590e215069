-- Posts by creators and causes: public, or for supporters of some of the page's tiers.

create table posts (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    title text not null,
    body_md text not null default '',
    public integer not null default 1 check (public in (0, 1)),
    created_at integer not null,
    updated_at integer not null
);
create index posts_recipient on posts (recipient_id, created_at);

-- The tiers a restricted post is for (none for a public post).
create table post_tiers (
    post_id integer not null references posts (id),
    tier_id integer not null references tiers (id),
    primary key (post_id, tier_id)
);
create index post_tiers_tier on post_tiers (tier_id);
