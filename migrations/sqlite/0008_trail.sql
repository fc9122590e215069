-- Where the money went: payouts of recipients' balances, causes' expenses, and the shares
-- linking each of them to the donation items whose net money they used.

-- A payout moves money from a recipient (or, for a cause, from its spent money) to the
-- outside: recorded in transit, then marked paid. Recorded by the operator, the recipient
-- or a payment processor's transfer.
create table payouts (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    currency text not null,
    amount_minor integer not null check (amount_minor > 0),
    reference text not null,
    paid_on integer not null,
    status text not null check (status in ('in_transit', 'paid')),
    recorded_by text not null check (recorded_by in ('operator', 'recipient', 'processor')),
    entry_id integer not null references journal_entries (id),
    paid_entry_id integer references journal_entries (id),
    created_at integer not null,
    paid_at integer
);
create index payouts_recipient on payouts (recipient_id, id);

-- Which donation items' money a payout paid. A negative amount nets money paid out earlier
-- for an item refunded since.
create table payout_shares (
    payout_id integer not null references payouts (id),
    item_id integer not null references allocations (item_id),
    amount_minor integer not null check (amount_minor <> 0),
    primary key (payout_id, item_id)
);
create index payout_shares_item on payout_shares (item_id);

-- A cause's published expense. Never deleted: a correction reverses its journal entry and
-- frees its shares for later expenses.
create table expenses (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    currency text not null,
    amount_minor integer not null check (amount_minor > 0),
    description text not null,
    spent_on integer not null,
    receipt_url text,
    entry_id integer not null references journal_entries (id),
    corrected_at integer,
    correction_entry_id integer references journal_entries (id),
    correction_reason text,
    created_at integer not null
);
create index expenses_recipient on expenses (recipient_id, id);

create table expense_shares (
    expense_id integer not null references expenses (id),
    item_id integer not null references allocations (item_id),
    amount_minor integer not null check (amount_minor <> 0),
    primary key (expense_id, item_id)
);
create index expense_shares_item on expense_shares (item_id);

-- Shares are history: never changed or removed.
create trigger payout_shares_append_only before update on payout_shares
begin select raise(abort, 'payout shares are append-only'); end;
create trigger payout_shares_no_delete before delete on payout_shares
begin select raise(abort, 'payout shares are append-only'); end;
create trigger expense_shares_append_only before update on expense_shares
begin select raise(abort, 'expense shares are append-only'); end;
create trigger expense_shares_no_delete before delete on expense_shares
begin select raise(abort, 'expense shares are append-only'); end;

-- No item's net money is paid out or spent twice.
create trigger payout_shares_within_net after insert on payout_shares
when (select sum(amount_minor) from payout_shares where item_id = new.item_id)
     > (select net_minor from allocations where item_id = new.item_id)
  or (select sum(amount_minor) from payout_shares where item_id = new.item_id) < 0
begin select raise(abort, 'a donation''s net share would be paid out twice'); end;
create trigger expense_shares_within_net after insert on expense_shares
when (select sum(s.amount_minor) from expense_shares s join expenses e on e.id = s.expense_id
      where s.item_id = new.item_id and e.corrected_at is null)
     > (select net_minor from allocations where item_id = new.item_id)
begin select raise(abort, 'a donation''s net share would be spent twice'); end;
