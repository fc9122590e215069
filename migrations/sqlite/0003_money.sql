-- Money: pledges, tips, donation items, charges, allocations and the double-entry journal.
-- Amounts are integer minor units with an ISO 4217 code; instants are unix seconds.

-- One row per supporter who gives: their billing day and saved payment method.
create table billing_profiles (
    user_id integer primary key references users (id),
    billing_day integer not null check (billing_day between 1 and 28),
    payment_method text,
    processor_customer text,
    created_at integer not null
);

create table pledges (
    id integer primary key,
    supporter_id integer not null references users (id),
    recipient_id integer not null references recipients (id),
    tier_id integer references tiers (id),
    amount_minor integer not null check (amount_minor > 0),
    currency text not null,
    visibility text not null check (visibility in ('public', 'anonymous', 'private')),
    status text not null check (status in ('active', 'paused', 'past_due', 'cancelled')),
    created_at integer not null,
    updated_at integer not null
);
create index pledges_supporter on pledges (supporter_id, status);
create index pledges_recipient on pledges (recipient_id, status);
create unique index pledges_one_open_per_recipient on pledges (supporter_id, recipient_id)
    where status <> 'cancelled';

create table tips (
    id integer primary key,
    supporter_id integer not null references users (id),
    recipient_id integer not null references recipients (id),
    amount_minor integer not null check (amount_minor > 0),
    currency text not null,
    message text not null default '',
    visibility text not null check (visibility in ('public', 'anonymous', 'private')),
    created_at integer not null
);
create index tips_recipient on tips (recipient_id, created_at);

-- A donation item is one pledge period or one tip: the unit that is charged, split and traced.
create table donation_items (
    id integer primary key,
    supporter_id integer not null references users (id),
    recipient_id integer not null references recipients (id),
    currency text not null,
    gross_minor integer not null check (gross_minor > 0),
    pledge_id integer references pledges (id),
    period text,
    tip_id integer unique references tips (id),
    status text not null check (status in ('pending', 'charging', 'paid', 'voided', 'refunded')),
    carried_cycles integer not null default 0,
    charge_id integer,
    created_at integer not null,
    check ((pledge_id is null) <> (tip_id is null)),
    unique (pledge_id, period)
);
create index donation_items_open on donation_items (supporter_id, currency, status);
create index donation_items_charge on donation_items (charge_id);

-- One consolidated charge attempt. The row is committed (status 'pending') before the
-- processor is called; its idempotency key makes a resumed call return the same result.
create table charges (
    id integer primary key,
    supporter_id integer not null references users (id),
    currency text not null,
    cycle text not null,
    attempt integer not null check (attempt >= 1),
    amount_minor integer not null check (amount_minor > 0),
    idempotency_key text not null unique,
    status text not null check (status in ('pending', 'processing', 'succeeded', 'failed', 'requires_action', 'superseded')),
    processor_ref text,
    fee_minor integer,
    platform_fee_minor integer,
    decline_code text,
    next_retry_at integer,
    claimed_until integer,
    created_at integer not null,
    updated_at integer not null,
    unique (supporter_id, currency, cycle, attempt)
);
create index charges_status on charges (status, next_retry_at);

-- What the scheduler decided for a supporter, currency and cycle; at most one decision each.
create table billing_cycles (
    supporter_id integer not null references users (id),
    currency text not null,
    cycle text not null,
    outcome text not null check (outcome in ('charged', 'carried_forward')),
    total_minor integer not null,
    charge_id integer references charges (id),
    created_at integer not null,
    primary key (supporter_id, currency, cycle)
);

-- How a successful charge was split: one row per item, gross = fee + platform fee + net.
create table allocations (
    item_id integer primary key references donation_items (id),
    charge_id integer not null references charges (id),
    recipient_id integer not null references recipients (id),
    currency text not null,
    gross_minor integer not null,
    fee_minor integer not null check (fee_minor >= 0),
    platform_fee_minor integer not null check (platform_fee_minor >= 0),
    net_minor integer not null,
    refunded_at integer,
    check (gross_minor = fee_minor + platform_fee_minor + net_minor)
);
create index allocations_charge on allocations (charge_id);
create index allocations_recipient on allocations (recipient_id);

create table refunds (
    id integer primary key,
    charge_id integer not null references charges (id),
    item_id integer references donation_items (id),
    amount_minor integer not null check (amount_minor > 0),
    processor_ref text,
    created_at integer not null
);

-- The journal: append-only entries whose lines sum to zero per currency.
create table journal_entries (
    id integer primary key,
    kind text not null check (kind in ('charge', 'refund', 'payout', 'expense', 'correction')),
    charge_id integer references charges (id),
    reverses_entry_id integer references journal_entries (id),
    memo text not null default '',
    created_at integer not null
);
create index journal_entries_charge on journal_entries (charge_id);

create table journal_lines (
    id integer primary key,
    entry_id integer not null references journal_entries (id),
    account text not null,
    currency text not null,
    amount_minor integer not null check (amount_minor <> 0),
    item_id integer references donation_items (id)
);
create index journal_lines_entry on journal_lines (entry_id);
create index journal_lines_account on journal_lines (account, currency);
create index journal_lines_item on journal_lines (item_id);

-- Nothing in the journal is ever changed or removed.
create trigger journal_entries_append_only_update before update on journal_entries
begin select raise(abort, 'journal entries are append-only'); end;
create trigger journal_entries_append_only_delete before delete on journal_entries
begin select raise(abort, 'journal entries are append-only'); end;
create trigger journal_lines_append_only_update before update on journal_lines
begin select raise(abort, 'journal lines are append-only'); end;
create trigger journal_lines_append_only_delete before delete on journal_lines
begin select raise(abort, 'journal lines are append-only'); end;
