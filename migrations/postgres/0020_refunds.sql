-- Refunds of any amount, by anyone allowed to make them (a page owner, the operator, or
-- Stripe's Dashboard). A refund is spread over its charge's donation items; each allocation
-- keeps how much of its gross was refunded and how much of its net share the page lost, so a
-- partial refund is exact to the minor unit and refunded money can never be paid out.
alter table allocations add column refunded_minor bigint not null default 0 check (refunded_minor >= 0);
alter table allocations add column refunded_net_minor bigint not null default 0;
-- A refund Chipin is asking the processor for holds its items until then, so a second click
-- or a racing request cannot refund them again; the claim lapses if the process dies.
alter table allocations add column refund_claimed_until bigint;
update allocations set refunded_minor = gross_minor, refunded_net_minor = net_minor
    where refunded_at is not null;

-- One row per processor refund, whoever reports it first (the unique index of 0011).
alter table refunds add column reason text not null default '';
alter table refunds add column note text not null default '';
-- 'owner', 'operator' or 'processor' (made outside Chipin, e.g. in Stripe's Dashboard).
alter table refunds add column refunded_by text not null default 'processor';

-- What each refund took from each donation item: gross returned and net share lost.
create table refund_items (
    refund_id bigint not null references refunds (id),
    item_id bigint not null references donation_items (id),
    amount_minor bigint not null check (amount_minor > 0),
    net_minor bigint not null,
    primary key (refund_id, item_id)
);
create index refund_items_item on refund_items (item_id);
insert into refund_items (refund_id, item_id, amount_minor, net_minor)
    select r.id, r.item_id, a.gross_minor, a.net_minor from refunds r
    join allocations a on a.item_id = r.item_id where r.item_id is not null;
